package io.rdpprobe.capture;

/** Receives one direction of a reassembled TCP stream, in order. */
public interface StreamSink {
    /** In-order bytes; {@code data} is only valid during the call. */
    void onData(byte[] data, int offset, int length, long timestampNanos);

    /** The capture is missing {@code bytes} bytes here (never guessed). */
    void onGap(long bytes, long timestampNanos);

    /**
     * How many of the next in-order bytes the sink will drop unread (the rest of a frame it only counts), or 0 when
     * it reads the next byte. {@link Long#MAX_VALUE}: it reads nothing more. Those bytes may come as
     * {@link #onSkipped} instead of {@link #onData}, and the stream need not keep them while they are out of order.
     */
    default long skippable() {
        return 0;
    }

    /**
     * The length of the frame whose header starts at {@code data[offset]} (at a position where {@link #skippable}
     * said a frame starts), when the sink will read only that header and then drop the rest of the frame unread, as
     * it drops the bytes {@link #skippable} counts; -1 when it would read more of it (or cannot tell from these
     * bytes). Only the first {@link #COUNTED_HEADER} bytes of such a frame are kept while it is out of order.
     */
    default int countedFrame(byte[] data, int offset, int length) {
        return -1;
    }

    /** Bytes of a frame header {@link #countedFrame} reads. */
    int COUNTED_HEADER = 5;

    /** In-order bytes the sink said it drops unread ({@link #skippable}, {@link #countedFrame}): their number only. */
    default void onSkipped(long length, long timestampNanos) {
    }
}
