package io.rdpprobe.capture;

import java.io.ByteArrayOutputStream;

/**
 * Builds link + IP + TCP/UDP frames for tests and synthetic captures. Checksums are left zero (the analyser never
 * checks them, like Wireshark by default).
 */
public final class FrameBuilder {
    private FrameBuilder() {}

    /** An IPv4 (4-byte addresses) or IPv6 (16-byte) packet carrying TCP. */
    public static byte[] tcp(byte[] src, int sport, byte[] dst, int dport, long seq, long ack, int flags, byte[] payload) {
        byte[] tcp = new byte[20 + payload.length];
        put16(tcp, 0, sport);
        put16(tcp, 2, dport);
        put32(tcp, 4, seq);
        put32(tcp, 8, ack);
        tcp[12] = 0x50;
        tcp[13] = (byte) flags;
        put16(tcp, 14, 65535);
        System.arraycopy(payload, 0, tcp, 20, payload.length);
        return ip(src, dst, 6, tcp);
    }

    public static byte[] udp(byte[] src, int sport, byte[] dst, int dport, byte[] payload) {
        byte[] udp = new byte[8 + payload.length];
        put16(udp, 0, sport);
        put16(udp, 2, dport);
        put16(udp, 4, udp.length);
        System.arraycopy(payload, 0, udp, 8, payload.length);
        return ip(src, dst, 17, udp);
    }

    public static byte[] ip(byte[] src, byte[] dst, int proto, byte[] l4) {
        if (src.length == 4) {
            byte[] p = new byte[20 + l4.length];
            p[0] = 0x45;
            put16(p, 2, p.length);
            p[6] = 0x40; // DF
            p[8] = 64;
            p[9] = (byte) proto;
            System.arraycopy(src, 0, p, 12, 4);
            System.arraycopy(dst, 0, p, 16, 4);
            System.arraycopy(l4, 0, p, 20, l4.length);
            return p;
        }
        byte[] p = new byte[40 + l4.length];
        p[0] = 0x60;
        put16(p, 4, l4.length);
        p[6] = (byte) proto;
        p[7] = 64;
        System.arraycopy(src, 0, p, 8, 16);
        System.arraycopy(dst, 0, p, 24, 16);
        System.arraycopy(l4, 0, p, 40, l4.length);
        return p;
    }

    /** IPv6 packet with a hop-by-hop and a destination-options extension header before the transport header. */
    public static byte[] ipv6WithExtensions(byte[] src, byte[] dst, int proto, byte[] l4) {
        byte[] ext = new byte[16];
        ext[0] = 60; // next: destination options
        ext[1] = 0;
        ext[8] = (byte) proto;
        ext[9] = 0;
        byte[] p = new byte[40 + ext.length + l4.length];
        p[0] = 0x60;
        put16(p, 4, ext.length + l4.length);
        p[6] = 0; // hop-by-hop
        p[7] = 64;
        System.arraycopy(src, 0, p, 8, 16);
        System.arraycopy(dst, 0, p, 24, 16);
        System.arraycopy(ext, 0, p, 40, ext.length);
        System.arraycopy(l4, 0, p, 40 + ext.length, l4.length);
        return p;
    }

    /** Wraps an IP packet for a link type; {@code vlans} 802.1Q tags for Ethernet (two = QinQ with an 802.1ad outer tag). */
    public static byte[] link(int linkType, byte[] ipPacket, int vlans) {
        boolean v6 = (ipPacket[0] & 0xF0) == 0x60;
        int etherType = v6 ? 0x86DD : 0x0800;
        ByteArrayOutputStream o = new ByteArrayOutputStream(ipPacket.length + 24);
        switch (linkType) {
            case PacketDecoder.LINKTYPE_ETHERNET -> {
                o.writeBytes(new byte[] {0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10});
                for (int i = 0; i < vlans; i++) {
                    int tpid = i == 0 && vlans > 1 ? 0x88A8 : 0x8100;
                    o.writeBytes(new byte[] {(byte) (tpid >> 8), (byte) tpid, 0, (byte) (10 + i)});
                }
                o.writeBytes(new byte[] {(byte) (etherType >> 8), (byte) etherType});
            }
            case PacketDecoder.LINKTYPE_LINUX_SLL -> {
                byte[] h = new byte[16];
                h[1] = 0; // packet type: to us
                h[3] = 1; // ARPHRD_ETHER
                h[5] = 6;
                put16(h, 14, etherType);
                o.writeBytes(h);
            }
            case PacketDecoder.LINKTYPE_LINUX_SLL2 -> {
                byte[] h = new byte[20];
                put16(h, 0, etherType);
                h[7] = 2; // interface index
                h[9] = 1;
                h[11] = 6;
                o.writeBytes(h);
            }
            case PacketDecoder.LINKTYPE_NULL -> {
                int fam = v6 ? 30 : 2; // little-endian host order, as on BSD/macOS x86
                o.writeBytes(new byte[] {(byte) fam, 0, 0, 0});
            }
            case PacketDecoder.LINKTYPE_RAW, PacketDecoder.LINKTYPE_IPV4, PacketDecoder.LINKTYPE_IPV6 -> { }
            default -> throw new IllegalArgumentException("link type " + linkType);
        }
        o.writeBytes(ipPacket);
        return o.toByteArray();
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >> 24);
        b[off + 1] = (byte) (v >> 16);
        b[off + 2] = (byte) (v >> 8);
        b[off + 3] = (byte) v;
    }
}
