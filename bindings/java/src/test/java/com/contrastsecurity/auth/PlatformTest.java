package com.contrastsecurity.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Platform names as the jar's native directories spell them, and musl detection. */
class PlatformTest {
    @Test
    void osAndArchNamesMapToTheJarsDirectoryNames() {
        assertEquals("linux", Platform.os("Linux"));
        assertEquals("windows", Platform.os("Windows Server 2022"));
        assertEquals("macos", Platform.os("Mac OS X"));
        assertEquals("freebsd", Platform.os("FreeBSD"));
        assertEquals("x86_64", Platform.arch("amd64"));
        assertEquals("x86_64", Platform.arch("x86_64"));
        assertEquals("aarch64", Platform.arch("aarch64"));
        assertEquals("aarch64", Platform.arch("arm64"));
        assertEquals("ppc64le", Platform.arch("ppc64le"));
    }

    @Test
    void everyShippedPlatformIsNamedFromItsJvmProperties() {
        // os.name / os.arch as the JVMs of each platform report them (Temurin, Zulu, the
        // Microsoft Build of OpenJDK: macOS on Apple silicon and Windows on arm64 say aarch64).
        assertEquals("linux-x86_64", Platform.name("Linux", "amd64", false));
        assertEquals("linux-aarch64", Platform.name("Linux", "aarch64", false));
        assertEquals("linux-musl-x86_64", Platform.name("Linux", "amd64", true));
        assertEquals("linux-musl-aarch64", Platform.name("Linux", "aarch64", true));
        assertEquals("windows-x86_64", Platform.name("Windows Server 2022", "amd64", false));
        assertEquals("windows-aarch64", Platform.name("Windows 11", "aarch64", false));
        assertEquals("macos-aarch64", Platform.name("Mac OS X", "aarch64", false));
        assertEquals("macos-x86_64", Platform.name("Mac OS X", "x86_64", false));
        // musl is a Linux matter: a flag from elsewhere changes nothing.
        assertEquals("macos-aarch64", Platform.name("Mac OS X", "aarch64", true));
    }

    @Test
    void eachPlatformsLibraryFileIsNamedAsOnThatOs() {
        // The jar's native/<platform>/ folder holds the file System.mapLibraryName gives on
        // that OS (scripts/platforms.txt, column "shared").
        assertEquals("libcontrast_auth.dylib", NativeLibrary.libraryFile("macos-aarch64"));
        assertEquals("libcontrast_auth.dylib", NativeLibrary.libraryFile("macos-x86_64"));
        assertEquals("contrast_auth.dll", NativeLibrary.libraryFile("windows-aarch64"));
        assertEquals("contrast_auth.dll", NativeLibrary.libraryFile("windows-x86_64"));
        assertEquals("libcontrast_auth.so", NativeLibrary.libraryFile("linux-musl-aarch64"));
        assertEquals("libcontrast_auth.so", NativeLibrary.libraryFile("linux-x86_64"));
    }

    @Test
    void muslIsRecognizedFromTheMemoryMap() {
        String alpine = "7f3c2a000000-7f3c2a014000 r--p 00000000 00:1f 123 /lib/ld-musl-x86_64.so.1\n";
        String glibc = "7f1e3c000000-7f1e3c028000 r--p 00000000 08:01 456 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
                + "7f1e3c300000-7f1e3c302000 r--p 00000000 08:01 789 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2\n";
        assertTrue(Platform.mapsShowMusl(alpine));
        assertTrue(Platform.mapsShowMusl("7f00-7f01 r-xp 0 00:1f 1 /usr/lib/libc.musl-aarch64.so.1\n"));
        assertFalse(Platform.mapsShowMusl(glibc));
    }

    @Test
    void thisHostIsDetectedWithItsCLibrary() throws Exception {
        String maps = new String(Files.readAllBytes(Path.of("/proc/self/maps")), java.nio.charset.StandardCharsets.ISO_8859_1);
        boolean musl = maps.contains("ld-musl-");
        String arch = Platform.arch(System.getProperty("os.arch"));
        assertEquals((musl ? "linux-musl-" : "linux-") + arch, NativeLibrary.platform());
        assertEquals(musl, Platform.isMusl());
    }
}
