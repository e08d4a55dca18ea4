package io.rdpprobe.capture;

import java.io.IOException;

/** The file is not a pcap/pcapng file, or its block structure is broken. */
public final class CaptureFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public CaptureFormatException(String message) {
        super(message);
    }
}
