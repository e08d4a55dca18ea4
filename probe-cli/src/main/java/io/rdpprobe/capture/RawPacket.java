package io.rdpprobe.capture;

/**
 * One captured frame as the file stores it: a view of {@code length} bytes at {@code offset} in {@code buffer}.
 * A {@link CaptureReader} hands out views into its own read buffer, so the bytes stay valid only until its next
 * {@code next()}: whoever keeps any of them past that (TCP reassembly of out-of-order data, the framers' and the
 * proxy preamble's accumulators, held TLS records) copies them.
 *
 * @param timestampNanos capture time, nanoseconds since the epoch (0 when the block has none, as a pcapng SPB)
 * @param linkType       the LINKTYPE_* value of the interface (tcpdump.org link-layer header types)
 * @param interfaceId    pcapng interface index, 0 for classic pcap
 * @param buffer         the array holding the captured bytes (and, around them, whatever else the reader holds)
 * @param offset         where the captured bytes start in {@code buffer}
 * @param length         the captured length
 * @param originalLength the frame length on the wire
 * @param comment        the pcapng block's first opt_comment (UTF-8), or null
 */
public record RawPacket(long timestampNanos, int linkType, int interfaceId, byte[] buffer, int offset, int length,
                        int originalLength, String comment) {
    public RawPacket {
        java.util.Objects.checkFromIndexSize(offset, length, buffer.length);
    }

    /** A frame that owns its whole array. */
    public RawPacket(long timestampNanos, int linkType, int interfaceId, byte[] data, int originalLength, String comment) {
        this(timestampNanos, linkType, interfaceId, data, 0, data.length, originalLength, comment);
    }

    /** A frame that owns its whole array, without a comment. */
    public RawPacket(long timestampNanos, int linkType, int interfaceId, byte[] data, int originalLength) {
        this(timestampNanos, linkType, interfaceId, data, 0, data.length, originalLength, null);
    }

    /** The captured bytes in an array of their own (a copy unless the packet owns its whole buffer). */
    public byte[] data() {
        return offset == 0 && length == buffer.length ? buffer
                : java.util.Arrays.copyOfRange(buffer, offset, offset + length);
    }

    /** True when the snap length cut the frame. */
    public boolean truncated() {
        return length < originalLength;
    }
}
