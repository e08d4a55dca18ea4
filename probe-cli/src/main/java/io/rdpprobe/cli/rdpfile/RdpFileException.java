package io.rdpprobe.cli.rdpfile;

/**
 * An .rdp file that cannot be used at all: unreadable, over the size limit, or without a {@code full address}.
 * It is an {@link IllegalArgumentException} so that a command line that turns those into usage errors (exit 2)
 * handles it without a new catch. The message never contains a secret value.
 */
public final class RdpFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public RdpFileException(String message) {
        super(message);
    }

    public RdpFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
