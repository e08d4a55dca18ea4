package io.rdpprobe.capture;

/**
 * One captured frame as the file stores it.
 *
 * @param timestampNanos capture time, nanoseconds since the epoch (0 when the block has none, as a pcapng SPB)
 * @param linkType       the LINKTYPE_* value of the interface (tcpdump.org link-layer header types)
 * @param interfaceId    pcapng interface index, 0 for classic pcap
 * @param data           the captured bytes (its length is the captured length)
 * @param originalLength the frame length on the wire
 */
public record RawPacket(long timestampNanos, int linkType, int interfaceId, byte[] data, int originalLength) {
    /** True when the snap length cut the frame. */
    public boolean truncated() {
        return data.length < originalLength;
    }
}
