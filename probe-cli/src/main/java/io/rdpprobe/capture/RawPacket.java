package io.rdpprobe.capture;

/**
 * One captured frame as the file stores it.
 *
 * @param timestampNanos capture time, nanoseconds since the epoch (0 when the block has none, as a pcapng SPB)
 * @param linkType       the LINKTYPE_* value of the interface (tcpdump.org link-layer header types)
 * @param interfaceId    pcapng interface index, 0 for classic pcap
 * @param data           the captured bytes (its length is the captured length)
 * @param originalLength the frame length on the wire
 * @param comment        the pcapng block's first opt_comment (UTF-8), or null
 */
public record RawPacket(long timestampNanos, int linkType, int interfaceId, byte[] data, int originalLength, String comment) {
    /** A frame without a comment. */
    public RawPacket(long timestampNanos, int linkType, int interfaceId, byte[] data, int originalLength) {
        this(timestampNanos, linkType, interfaceId, data, originalLength, null);
    }

    /** True when the snap length cut the frame. */
    public boolean truncated() {
        return data.length < originalLength;
    }
}
