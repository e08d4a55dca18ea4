package io.rdpprobe.capture;

import java.io.IOException;

/**
 * The file cannot be analysed as a capture. {@link Kind#NOT_A_CAPTURE}: it is no pcap/pcapng file at all;
 * {@link Kind#TRUNCATED}: it ends inside its file header; {@link Kind#BROKEN}: its block structure is broken.
 */
public final class CaptureFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the file (the exit code of {@code analyze} follows from it). */
    public enum Kind { NOT_A_CAPTURE, TRUNCATED, BROKEN }

    private final Kind kind;

    public CaptureFormatException(String message) {
        this(Kind.BROKEN, message);
    }

    public CaptureFormatException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
