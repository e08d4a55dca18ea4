package io.rdpprobe.capture;

/**
 * A TCP segment or UDP datagram lifted out of a frame. The payload is a view into {@link RawPacket#buffer()}, valid as long as the packet is.
 *
 * @param protocol 6 TCP or 17 UDP
 * @param flags    TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10), 0 for UDP
 */
public record DecodedPacket(long timestampNanos, Endpoint src, Endpoint dst, int protocol, long seq, long ack, int flags,
                            byte[] data, int payloadOffset, int payloadLength) {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int ACK = 0x10;

    public boolean syn() { return (flags & SYN) != 0; }
    public boolean fin() { return (flags & FIN) != 0; }
    public boolean rst() { return (flags & RST) != 0; }
    public boolean hasAck() { return (flags & ACK) != 0; }
}
