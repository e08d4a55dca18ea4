package io.rdpprobe.capture;

/**
 * Link layer, IPv4/IPv6 and TCP/UDP header parsing. Never throws on bad input: frames it cannot use are
 * counted in {@link Stats} and skipped.
 *
 * <p>Link types: 0 BSD loopback (NULL, host byte order family), 1 Ethernet (802.1Q / 802.1ad / QinQ tags),
 * 12 and 101 raw IP, 108 OpenBSD loopback, 113 Linux SLL, 228 raw IPv4, 229 raw IPv6, 276 Linux SLL2.
 * IPv4 fragments are noted, not reassembled; IPv6 extension headers are skipped.
 */
public final class PacketDecoder {
    public static final int LINKTYPE_NULL = 0;
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int LINKTYPE_RAW_OPENBSD = 12;
    public static final int LINKTYPE_RAW = 101;
    public static final int LINKTYPE_LOOP = 108;
    public static final int LINKTYPE_LINUX_SLL = 113;
    public static final int LINKTYPE_IPV4 = 228;
    public static final int LINKTYPE_IPV6 = 229;
    public static final int LINKTYPE_LINUX_SLL2 = 276;

    /** Counters of what was skipped. */
    public static final class Stats {
        public long frames;
        public long unsupportedLinkType;
        public long notIp;
        public long ipFragments;
        public long truncated;
        public long otherProtocol;
        public long tcp;
        public long udp;
        /** Frames skipped per unsupported link type (at most 16 distinct types are told apart). */
        public final java.util.Map<Integer, Long> unsupportedLinkTypes = new java.util.TreeMap<>();
    }

    private final Stats stats = new Stats();
    /**
     * Endpoints seen recently, direct-mapped by address and port: a packet of a known endpoint reuses its (immutable)
     * Endpoint instead of copying the address and allocating one (two per packet otherwise).
     */
    private final Endpoint[] endpoints = new Endpoint[1024];

    /**
     * What {@link #decode} returns, in a parallel analysis, for a TCP segment or UDP datagram of another shard: its
     * headers are checked and counted as for any other, but no address, endpoint or packet object is made.
     */
    static final DecodedPacket OTHER_SHARD_TCP = new DecodedPacket(0, null, null, 6, 0, 0, 0, new byte[0], 0, 0);
    static final DecodedPacket OTHER_SHARD_UDP = new DecodedPacket(0, null, null, 17, 0, 0, 0, new byte[0], 0, 0);

    private int shard;
    private int shards = 1;

    /** Decode only the packets of shard {@code shard} of {@code shards} ({@link #shardOf}); the others as above. */
    void onlyShard(int shard, int shards) {
        this.shard = shard;
        this.shards = shards;
    }

    /**
     * The shard of a packet by the unordered pair of its IP addresses (each {@code len} bytes, at {@code a} and
     * {@code b} in {@code d}): the same for both directions and for every port.
     */
    static int shardOf(byte[] d, int a, int b, int len, int shards) {
        int ha = 1;
        int hb = 1;
        for (int i = 0; i < len; i++) { // Arrays.hashCode of each address, without copying it
            ha = 31 * ha + d[a + i];
            hb = 31 * hb + d[b + i];
        }
        int h = ha + hb;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return Math.floorMod(h, shards);
    }

    public Stats stats() {
        return stats;
    }

    /** The view {@link #decode} fills in before it makes the record. */
    private PacketView scratch;

    /** The TCP/UDP content of the frame, or null if it has none usable ({@link #decodeInto} and a record of it). */
    public DecodedPacket decode(RawPacket p) {
        if (scratch == null) {
            scratch = new PacketView(this);
        }
        return switch (decodeInto(p, scratch)) {
            case PacketView.TCP, PacketView.UDP -> scratch.toRecord();
            case PacketView.OTHER_SHARD_TCP -> OTHER_SHARD_TCP;
            case PacketView.OTHER_SHARD_UDP -> OTHER_SHARD_UDP;
            default -> null;
        };
    }

    /**
     * Decodes the frame into {@code v} (reused from packet to packet: nothing is allocated for a packet whose
     * endpoints are not asked for) and says what it is: {@link PacketView#TCP}, {@link PacketView#UDP}, another
     * shard's ({@link PacketView#OTHER_SHARD_TCP}, {@link PacketView#OTHER_SHARD_UDP}: only counted), or
     * {@link PacketView#NONE} (skipped and counted in {@link Stats}).
     */
    int decodeInto(RawPacket p, PacketView v) {
        stats.frames++;
        byte[] d = p.buffer();
        int b = p.offset();
        int n = b + p.length(); // end of the captured bytes in d
        int off;
        int etherType;
        switch (p.linkType()) {
            case LINKTYPE_ETHERNET -> {
                if (n < b + 14) return skipTruncated();
                etherType = u16(d, b + 12);
                off = b + 14;
                while (etherType == 0x8100 || etherType == 0x88A8 || etherType == 0x9100) {
                    if (n < off + 4) return skipTruncated();
                    etherType = u16(d, off + 2);
                    off += 4;
                }
            }
            case LINKTYPE_LINUX_SLL -> {
                if (n < b + 16) return skipTruncated();
                etherType = u16(d, b + 14);
                off = b + 16;
            }
            case LINKTYPE_LINUX_SLL2 -> {
                if (n < b + 20) return skipTruncated();
                etherType = u16(d, b);
                off = b + 20;
            }
            case LINKTYPE_RAW, LINKTYPE_RAW_OPENBSD, LINKTYPE_IPV4, LINKTYPE_IPV6 -> {
                if (n < b + 1) return skipTruncated();
                int ver = (d[b] & 0xF0) >> 4;
                etherType = ver == 4 ? 0x0800 : ver == 6 ? 0x86DD : -1;
                off = b;
            }
            case LINKTYPE_NULL, LINKTYPE_LOOP -> {
                if (n < b + 4) return skipTruncated();
                int famLe = (d[b] & 0xFF) | ((d[b + 1] & 0xFF) << 8) | ((d[b + 2] & 0xFF) << 16) | ((d[b + 3] & 0xFF) << 24);
                int famBe = Integer.reverseBytes(famLe);
                int fam = p.linkType() == LINKTYPE_LOOP ? famBe : (famLe < 256 ? famLe : famBe);
                etherType = fam == 2 ? 0x0800 : (fam == 10 || fam == 24 || fam == 28 || fam == 30) ? 0x86DD : -1;
                off = b + 4;
            }
            default -> {
                stats.unsupportedLinkType++;
                if (stats.unsupportedLinkTypes.size() < 16 || stats.unsupportedLinkTypes.containsKey(p.linkType())) {
                    stats.unsupportedLinkTypes.merge(p.linkType(), 1L, Long::sum);
                }
                return PacketView.NONE;
            }
        }
        if (etherType == 0x0800) {
            return ipv4(p, v, d, off, n);
        }
        if (etherType == 0x86DD) {
            return ipv6(p, v, d, off, n);
        }
        stats.notIp++;
        return PacketView.NONE;
    }

    private int skipTruncated() {
        stats.truncated++;
        return PacketView.NONE;
    }

    private int ipv4(RawPacket p, PacketView v, byte[] d, int off, int n) {
        if (n < off + 20 || (d[off] & 0xF0) != 0x40) return skipTruncated();
        int ihl = (d[off] & 0x0F) * 4;
        if (ihl < 20 || n < off + ihl) return skipTruncated();
        int total = u16(d, off + 2);
        int end = total == 0 ? n : Math.min(n, off + total); // total 0: TSO-captured; trust the capture
        if (total != 0 && total < ihl) return skipTruncated();
        int fragField = u16(d, off + 6);
        if ((fragField & 0x3FFF) != 0) { // MF set or offset != 0
            stats.ipFragments++;
            return PacketView.NONE;
        }
        int proto = d[off + 9] & 0xFF;
        return transport(p, v, d, off + ihl, end, proto, off + 12, off + 16, 4);
    }

    private int ipv6(RawPacket p, PacketView v, byte[] d, int off, int n) {
        if (n < off + 40 || (d[off] & 0xF0) != 0x60) return skipTruncated();
        int payloadLen = u16(d, off + 4);
        int end = payloadLen == 0 ? n : Math.min(n, off + 40 + payloadLen);
        int next = d[off + 6] & 0xFF;
        int p2 = off + 40;
        for (int guard = 0; guard < 16; guard++) {
            switch (next) {
                case 0, 43, 60, 135, 139, 140 -> { // hop-by-hop, routing, destination options, mobility, HIP, shim6
                    if (end < p2 + 8) return skipTruncated();
                    int len = ((d[p2 + 1] & 0xFF) + 1) * 8;
                    next = d[p2] & 0xFF;
                    p2 += len;
                }
                case 44 -> { // fragment
                    if (end < p2 + 8) return skipTruncated();
                    int fo = u16(d, p2 + 2);
                    if ((fo & 0xFFF9) != 0) { // offset != 0 or M flag
                        stats.ipFragments++;
                        return PacketView.NONE;
                    }
                    next = d[p2] & 0xFF;
                    p2 += 8;
                }
                case 51 -> { // AH
                    if (end < p2 + 8) return skipTruncated();
                    int len = ((d[p2 + 1] & 0xFF) + 2) * 4;
                    next = d[p2] & 0xFF;
                    p2 += len;
                }
                default -> {
                    return transport(p, v, d, p2, end, next, off + 8, off + 24, 16);
                }
            }
        }
        stats.otherProtocol++;
        return PacketView.NONE;
    }

    /**
     * The endpoint of the address at {@code d[at..at+len)} and {@code port} ({@code h}: its
     * {@link PacketView#endpointHash}): a cached one when it is the same.
     */
    Endpoint endpoint(byte[] d, int at, int len, int port, int h) {
        int slot = (h ^ (h >>> 10) ^ (h >>> 20)) & (endpoints.length - 1);
        Endpoint e = endpoints[slot];
        if (e != null && e.port() == port && java.util.Arrays.equals(e.raw(), 0, e.raw().length, d, at, at + len)) {
            return e;
        }
        e = new Endpoint(java.util.Arrays.copyOfRange(d, at, at + len), port);
        endpoints[slot] = e;
        return e;
    }

    private int transport(RawPacket p, PacketView v, byte[] d, int off, int end, int proto, int srcAt, int dstAt, int addrLen) {
        if (proto == 6) {
            if (end < off + 20) return skipTruncated();
            int dataOff = ((d[off + 12] & 0xF0) >> 4) * 4;
            if (dataOff < 20 || end < off + dataOff) return skipTruncated();
            stats.tcp++;
            if (shards > 1 && shardOf(d, srcAt, dstAt, addrLen, shards) != shard) {
                return PacketView.OTHER_SHARD_TCP;
            }
            fill(p, v, d, srcAt, dstAt, addrLen, u16(d, off), u16(d, off + 2), 6);
            v.seq = u32(d, off + 4);
            v.ack = u32(d, off + 8);
            v.flags = d[off + 13] & 0xFF;
            v.payloadOffset = off + dataOff;
            v.payloadLength = end - off - dataOff;
            return PacketView.TCP;
        }
        if (proto == 17) {
            if (end < off + 8) return skipTruncated();
            int ulen = u16(d, off + 4);
            int pe = ulen >= 8 ? Math.min(end, off + ulen) : end;
            stats.udp++;
            if (shards > 1 && shardOf(d, srcAt, dstAt, addrLen, shards) != shard) {
                return PacketView.OTHER_SHARD_UDP;
            }
            fill(p, v, d, srcAt, dstAt, addrLen, u16(d, off), u16(d, off + 2), 17);
            v.seq = 0;
            v.ack = 0;
            v.flags = 0;
            v.payloadOffset = off + 8;
            v.payloadLength = pe - off - 8;
            return PacketView.UDP;
        }
        stats.otherProtocol++;
        return PacketView.NONE;
    }

    private static void fill(RawPacket p, PacketView v, byte[] d, int srcAt, int dstAt, int addrLen, int srcPort, int dstPort,
                             int protocol) {
        v.reset();
        v.timestampNanos = p.timestampNanos();
        v.protocol = protocol;
        v.data = d;
        v.srcAt = srcAt;
        v.dstAt = dstAt;
        v.addrLen = addrLen;
        v.srcPort = srcPort;
        v.dstPort = dstPort;
        if (addrLen == 4) {
            int a = PacketView.ip4(d, srcAt);
            int b = PacketView.ip4(d, dstAt);
            v.srcIp4 = a;
            v.dstIp4 = b;
            // PacketView.endpointHash of 4 bytes, unrolled
            v.srcHash = (((srcPort * 31 + (byte) (a >>> 24)) * 31 + (byte) (a >>> 16)) * 31 + (byte) (a >>> 8)) * 31 + (byte) a;
            v.dstHash = (((dstPort * 31 + (byte) (b >>> 24)) * 31 + (byte) (b >>> 16)) * 31 + (byte) (b >>> 8)) * 31 + (byte) b;
        } else {
            v.srcHash = PacketView.endpointHash(d, srcAt, addrLen, srcPort);
            v.dstHash = PacketView.endpointHash(d, dstAt, addrLen, dstPort);
        }
    }

    static int u16(byte[] d, int off) {
        return ((d[off] & 0xFF) << 8) | (d[off + 1] & 0xFF);
    }

    static long u32(byte[] d, int off) {
        return ((long) (d[off] & 0xFF) << 24) | ((d[off + 1] & 0xFF) << 16) | ((d[off + 2] & 0xFF) << 8) | (d[off + 3] & 0xFF);
    }
}
