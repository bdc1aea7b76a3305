package com.contrastsecurity.auth;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Puts the jar's native library on disk for {@code System.load}, two ways:
 * <ul>
 *   <li>{@code unlink} (default where a loaded library can be deleted: Linux, macOS): a private
 *   temporary file, deleted right after loading. Nothing is left on disk, whatever way the JVM
 *   ends (also {@code kill -9}).
 *   <li>{@code cache} (default on Windows, which cannot delete a loaded DLL; chosen elsewhere
 *   with {@code -Dcontrast.auth.extract=cache}): a content-addressed, versioned directory
 *   {@code <java.io.tmpdir>/contrast-auth-<version>-<sha-256 prefix>/<package>/}, private to
 *   the user, reused by every later JVM (checked byte for byte), so crashes do not pile up copies.
 * </ul>
 */
final class LibraryFile {
    /** The system property choosing the extraction: {@code unlink} or {@code cache}. */
    static final String EXTRACT_PROPERTY = "contrast.auth.extract";

    private LibraryFile() {}

    /** Loads a library file (System.load with the registration hand-off). */
    interface Loader {
        /** @param path the absolute path of the library file to load */
        void load(String path);
    }

    /**
     * Writes {@code library} to disk and loads it.
     *
     * @param library the library's bytes
     * @param fileName its file name, e.g. {@code libcontrast_auth.so}
     * @param version the jar's version (names the files)
     * @param packageName the Java package as loaded (relocated copies get their own file)
     * @param loader loads the written file
     * @return a description of where the file went, e.g. {@code unlinked after load}
     * @throws IOException if the file cannot be written
     */
    static String extractAndLoad(byte[] library, String fileName, String version, String packageName,
            Loader loader) throws IOException {
        if (mode().equals("cache")) {
            return cached(library, fileName, version, packageName, loader);
        }
        Path file = Files.createTempFile(tmpdir(), "contrast-auth-" + version + "-", "-" + fileName);
        try {
            Files.write(file, library);
            loader.load(file.toAbsolutePath().toString());
        } finally {
            Files.deleteIfExists(file);
        }
        return "unlinked after load";
    }

    /** {@code cache} on Windows or when asked for, else {@code unlink}. */
    static String mode() {
        String asked = System.getProperty(EXTRACT_PROPERTY, "");
        if (asked.equals("cache") || asked.equals("unlink")) {
            return asked;
        }
        if (!asked.isEmpty()) {
            throw new IllegalArgumentException("contrast-auth: -D" + EXTRACT_PROPERTY + " must be unlink or cache, not "
                    + asked);
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return os.startsWith("windows") ? "cache" : "unlink";
    }

    private static String cached(byte[] library, String fileName, String version, String packageName,
            Loader loader) throws IOException {
        byte[] digest = sha256(library);
        Path root = tmpdir().resolve("contrast-auth-" + version + "-" + hex(digest).substring(0, 16));
        Path dir = root.resolve(packageName.replace('/', '.'));
        privateDirectory(root);
        privateDirectory(dir);
        Path file = dir.resolve(fileName);
        if (!(Files.isRegularFile(file) && Arrays.equals(sha256(Files.readAllBytes(file)), digest))) {
            Path partial = Files.createTempFile(dir, "partial-", ".tmp");
            try {
                Files.write(partial, library);
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
        }
        try {
            loader.load(file.toAbsolutePath().toString());
            return "cached in " + dir;
        } catch (UnsatisfiedLinkError e) {
            String message = String.valueOf(e.getMessage());
            if (!message.contains("another classloader")) {
                throw e;
            }
        }
        // This file is loaded by another class loader of this JVM (two copies of the jar): a copy of its own.
        Path own = Files.createTempFile(dir, "loader-", "-" + fileName);
        Files.write(own, library);
        own.toFile().deleteOnExit();
        loader.load(own.toAbsolutePath().toString());
        return "cached in " + dir + " (a second class loader's copy)";
    }

    /** Creates {@code dir} readable by this user only, or checks that an existing one is. */
    private static void privateDirectory(Path dir) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!posix) {
            Files.createDirectories(dir);
            return;
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // Reused: checked below.
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
        String owner = Files.getOwner(dir).getName();
        if (!owner.equals(System.getProperty("user.name"))
                || !permissions.equals(PosixFilePermissions.fromString("rwx------"))) {
            throw new IOException("the cache directory " + dir + " is not private to this user (owner " + owner
                    + ", permissions " + PosixFilePermissions.toString(permissions) + ")");
        }
    }

    private static Path tmpdir() {
        return Paths.get(System.getProperty("java.io.tmpdir", new File(".").getAbsolutePath())).toAbsolutePath();
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("contrast-auth: this JVM has no SHA-256", e);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return out.toString();
    }
}
