package io.rdpprobe.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The files the probe writes ({@code --output}, {@code --capture}, {@code --keylog}): a symbolic link is never
 * followed, an existing non-empty file is replaced only when forced (removed, then created anew), and files that
 * hold secrets or traffic are created owner-only (mode 0600, set at creation, not changed afterwards).
 */
public final class OutputFiles {
    private OutputFiles() {}

    /**
     * Why {@code file} may not be written, as a usage error naming the option, or null when it may.
     *
     * @param option the option that named it, for the message
     */
    public static String refusal(Path file, boolean force, String option) {
        String why = null;
        if (Files.isSymbolicLink(file)) {
            why = file + " is a symbolic link: rdp-probe does not follow it; give the file itself";
        } else if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            why = file + " is a directory";
        } else {
            try {
                if (!force && Files.exists(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) > 0) {
                    why = file + " exists; use --force to replace it";
                }
            } catch (IOException e) {
                why = file + ": " + e.getMessage();
            }
        }
        return why == null ? null : "Invalid value for option '" + option + "': " + why;
    }

    /**
     * Creates {@code file} anew (removing an existing one when {@link #refusal} allows it), owner-only if asked.
     *
     * @throws IllegalArgumentException when {@link #refusal} refuses
     */
    public static OutputStream create(Path file, boolean force, boolean ownerOnly, String option) throws IOException {
        String why = refusal(file, force, option);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        Files.deleteIfExists(file); // the link itself, never its target; a forced or empty file
        try {
            return Channels.newOutputStream(Files.newByteChannel(file, EnumSet.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), attributes(file, ownerOnly)));
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException("Invalid value for option '" + option + "': " + file
                    + " appeared while it was being created");
        }
    }

    /** Opens {@code file} for appending, creating it owner-only if asked when it does not exist; never through a link. */
    public static OutputStream append(Path file, boolean ownerOnly) throws IOException {
        Set<OpenOption> opts = Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        return Channels.newOutputStream(Files.newByteChannel(file, opts, attributes(file, ownerOnly)));
    }

    private static FileAttribute<?>[] attributes(Path file, boolean ownerOnly) {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = (dir == null ? file : dir).getFileSystem().supportedFileAttributeViews().contains("posix");
        return ownerOnly && posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }
}
