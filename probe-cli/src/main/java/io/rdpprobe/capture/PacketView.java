package io.rdpprobe.capture;

/**
 * A TCP segment or UDP datagram lifted out of a frame, as {@link DecodedPacket} but mutable and reused: the flyweight
 * {@link PacketDecoder#decodeInto} fills for every packet of an analysis, so that the per-packet path allocates
 * neither a packet record nor a flow key. The addresses stay where they are in {@link #data} ({@link #srcAt},
 * {@link #dstAt}, {@link #addrLen} bytes each); an {@link Endpoint} is made (or taken from the decoder's cache) only
 * when asked for ({@link #src()}, {@link #dst()}), e.g. for a new connection. Valid until the next decode into it,
 * and only as long as the {@link RawPacket} it was decoded from.
 */
final class PacketView {
    /** What {@link PacketDecoder#decodeInto} found: nothing usable, a TCP segment, a UDP datagram, or another shard's. */
    static final int NONE = 0;
    static final int TCP = 1;
    static final int UDP = 2;
    static final int OTHER_SHARD_TCP = 3;
    static final int OTHER_SHARD_UDP = 4;

    long timestampNanos;
    /** 6 TCP or 17 UDP. */
    int protocol;
    long seq;
    long ack;
    /** TCP flags byte ({@link DecodedPacket#FIN} ...), 0 for UDP. */
    int flags;
    byte[] data;
    int payloadOffset;
    int payloadLength;
    int srcAt;
    int dstAt;
    /** 4 (IPv4) or 16 (IPv6). */
    int addrLen;
    int srcPort;
    int dstPort;
    /** For IPv4 ({@link #addrLen} 4), the addresses as big-endian ints. */
    int srcIp4;
    int dstIp4;
    /** {@link #endpointHash} of the source and of the destination. */
    int srcHash;
    int dstHash;

    private final PacketDecoder decoder;
    private Endpoint src;
    private Endpoint dst;

    PacketView(PacketDecoder decoder) {
        this.decoder = decoder;
    }

    /** Called by the decoder for each packet it fills in: the endpoints are looked up again when asked for. */
    void reset() {
        src = null;
        dst = null;
    }

    boolean syn() { return (flags & DecodedPacket.SYN) != 0; }
    boolean fin() { return (flags & DecodedPacket.FIN) != 0; }
    boolean rst() { return (flags & DecodedPacket.RST) != 0; }
    boolean hasAck() { return (flags & DecodedPacket.ACK) != 0; }

    /** The source endpoint: the decoder's cached one when the same, else a new one. */
    Endpoint src() {
        if (src == null) {
            src = decoder.endpoint(data, srcAt, addrLen, srcPort, srcHash);
        }
        return src;
    }

    Endpoint dst() {
        if (dst == null) {
            dst = decoder.endpoint(data, dstAt, addrLen, dstPort, dstHash);
        }
        return dst;
    }

    /** Whether the source is {@code e} (address and port), without making an endpoint. */
    boolean srcIs(Endpoint e) {
        return is(e, srcAt, srcIp4, srcPort);
    }

    /** Whether the destination is {@code e}. */
    boolean dstIs(Endpoint e) {
        return is(e, dstAt, dstIp4, dstPort);
    }

    private boolean is(Endpoint e, int at, int ip4, int port) {
        if (e.port() != port) {
            return false;
        }
        byte[] a = e.raw();
        if (a.length != addrLen) {
            return false;
        }
        return addrLen == 4 ? e.ip4 == ip4 : java.util.Arrays.equals(a, 0, addrLen, data, at, at + addrLen);
    }

    /** Four bytes at {@code at} in {@code d} as a big-endian int. */
    static int ip4(byte[] d, int at) {
        return ((d[at] & 0xFF) << 24) | ((d[at + 1] & 0xFF) << 16) | ((d[at + 2] & 0xFF) << 8) | (d[at + 3] & 0xFF);
    }

    /** The direction-independent hash of the flow: the same for both directions ({@link FlowTable}). */
    int flowHash() {
        return FlowTable.flowHash(srcHash, dstHash);
    }

    /** This packet as the immutable record. */
    DecodedPacket toRecord() {
        return new DecodedPacket(timestampNanos, src(), dst(), protocol, seq, ack, flags, data, payloadOffset, payloadLength);
    }

    /** The hash of an address ({@code len} bytes at {@code at} in {@code d}) and port, as the decoder's cache uses it. */
    static int endpointHash(byte[] d, int at, int len, int port) {
        int h = port;
        for (int i = at; i < at + len; i++) {
            h = h * 31 + d[i];
        }
        return h;
    }
}
