package io.rdpprobe.capture;

/** Receives one direction of a reassembled TCP stream, in order. */
public interface StreamSink {
    /** In-order bytes; {@code data} is only valid during the call. */
    void onData(byte[] data, int offset, int length, long timestampNanos);

    /** The capture is missing {@code bytes} bytes here (never guessed). */
    void onGap(long bytes, long timestampNanos);
}
