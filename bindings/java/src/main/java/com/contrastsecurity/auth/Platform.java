package com.contrastsecurity.auth;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The platform this JVM runs on, named as the jar's {@code native/<platform>/} directories:
 * {@code linux-x86_64}, {@code linux-aarch64}, {@code linux-musl-x86_64},
 * {@code linux-musl-aarch64}, {@code windows-x86_64}, {@code windows-aarch64},
 * {@code macos-aarch64}, {@code macos-x86_64} (the repository's scripts/platforms.txt; others
 * are named the same way, e.g. {@code freebsd-x86_64}, and are not carried). The C library of
 * Linux (musl or glibc) is read from this process's own memory map, without starting a process.
 */
final class Platform {
    private Platform() {}

    /** @return this JVM's platform, e.g. {@code linux-x86_64} */
    static String detect() {
        String os = os(System.getProperty("os.name", ""));
        return name(System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
                os.equals("linux") && isMusl());
    }

    /**
     * The platform name of a JVM with these {@code os.name} and {@code os.arch} properties.
     *
     * @param osName the JVM's {@code os.name}, e.g. {@code Mac OS X} or {@code Windows 11}
     * @param osArch the JVM's {@code os.arch}, e.g. {@code aarch64} or {@code amd64}
     * @param musl whether a Linux process runs on musl (ignored elsewhere)
     * @return e.g. {@code macos-aarch64}, {@code windows-aarch64}, {@code linux-musl-x86_64}
     */
    static String name(String osName, String osArch, boolean musl) {
        String os = os(osName);
        String arch = arch(osArch);
        if (os.equals("linux") && musl) {
            return "linux-musl-" + arch;
        }
        return os + "-" + arch;
    }

    /** The operating system part: {@code linux}, {@code windows}, {@code macos} or the name lowercased. */
    static String os(String osName) {
        String os = osName.toLowerCase(Locale.ROOT).replace(" ", "");
        if (os.startsWith("linux")) {
            return "linux";
        } else if (os.startsWith("windows")) {
            return "windows";
        } else if (os.startsWith("mac") || os.startsWith("darwin")) {
            return "macos";
        }
        return os;
    }

    /** The architecture part: {@code x86_64}, {@code aarch64} or the name lowercased. */
    static String arch(String osArch) {
        String arch = osArch.toLowerCase(Locale.ROOT);
        if (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x64")) {
            return "x86_64";
        } else if (arch.equals("aarch64") || arch.equals("arm64")) {
            return "aarch64";
        }
        return arch;
    }

    /**
     * Whether this Linux process runs on musl: its memory map names musl's dynamic loader
     * ({@code ld-musl-<arch>.so.1}, which is also musl's libc). If the map cannot be read,
     * whether {@code /lib} holds musl's loader.
     */
    static boolean isMusl() {
        String maps = read(new File("/proc/self/maps"));
        if (maps != null) {
            return mapsShowMusl(maps);
        }
        String[] lib = new File("/lib").list();
        if (lib != null) {
            for (String name : lib) {
                if (name.startsWith("ld-musl-")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether a {@code /proc/<pid>/maps} text shows musl's loader or libc mapped. */
    static boolean mapsShowMusl(String maps) {
        return maps.contains("/ld-musl-") || maps.contains("/libc.musl-");
    }

    private static String read(File file) {
        try (InputStream in = new FileInputStream(file)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16384];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
            return new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
