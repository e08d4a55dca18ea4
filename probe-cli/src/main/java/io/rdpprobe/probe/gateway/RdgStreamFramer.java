package io.rdpprobe.probe.gateway;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.rdg.RdgHeader;
import io.rdpprobe.protocol.rdg.RdgPacketType;

/**
 * Finds RDG packet boundaries in the gateway's byte stream, and skips the seed body that a gateway sends
 * after the legacy OUT channel's 200 OK (MS-TSGU 3.3.5.1: "a random entity body"; Windows and rdpgw send
 * 10 bytes, and a gateway that gives a Content-Length says how many). Pure: it reads the caller's buffer.
 */
public final class RdgStreamFramer {
    /** The largest packet accepted: a DATA packet of 65535 bytes plus headers, with room for a long consent message. */
    public static final int MAX_PACKET = 0x10000 + 64;
    /** How far the seed is searched for the first HANDSHAKE_RESPONSE when its length is not known. */
    static final int MAX_SEED = 128;

    private int seedToSkip;
    private boolean searchSeed;
    private int seedSkipped;

    /** After a legacy OUT 200: skip {@code n} seed bytes; when unsure, find the HANDSHAKE_RESPONSE within 128 bytes. */
    public void expectSeed(int n, boolean search) {
        seedToSkip = n;
        searchSeed = search;
    }

    public int seedSkipped() {
        return seedSkipped;
    }

    /**
     * The length of the next whole packet at the reader index (after skipping any seed), or
     * {@link RdgHeader#NEED_MORE}.
     *
     * @throws io.rdpprobe.protocol.codec.DecodeException for a packetLength outside 8..{@link #MAX_PACKET}
     */
    public int next(ByteBuf in) {
        if (searchSeed) {
            int found = findHandshakeResponse(in);
            if (found < 0) {
                if (in.readableBytes() < MAX_SEED + RdgHeader.SIZE) {
                    return RdgHeader.NEED_MORE;
                }
                searchSeed = false;       // not found: fall back to the announced length
            } else {
                in.skipBytes(found);
                seedSkipped += found;
                searchSeed = false;
                seedToSkip = 0;
            }
        }
        if (seedToSkip > 0) {
            int n = Math.min(seedToSkip, in.readableBytes());
            in.skipBytes(n);
            seedToSkip -= n;
            seedSkipped += n;
            if (seedToSkip > 0) {
                return RdgHeader.NEED_MORE;
            }
        }
        int len = RdgHeader.frameLength(in, MAX_PACKET);
        if (len == RdgHeader.NEED_MORE || in.readableBytes() < len) {
            return RdgHeader.NEED_MORE;
        }
        return len;
    }

    /**
     * Offset of a HANDSHAKE_RESPONSE header ("02 00 00 00", whatever length it claims, so that a hostile
     * length is reported as such rather than waited for) within the seed window, or -1.
     */
    private static int findHandshakeResponse(ByteBuf in) {
        int start = in.readerIndex();
        int limit = Math.min(in.readableBytes() - RdgHeader.SIZE, MAX_SEED);
        for (int i = 0; i <= limit; i++) {
            if (in.getUnsignedShortLE(start + i) == RdgPacketType.HANDSHAKE_RESPONSE
                    && in.getUnsignedShortLE(start + i + 2) == 0
                    && in.getUnsignedIntLE(start + i + 4) >= RdgHeader.SIZE) {
                return i;
            }
        }
        return -1;
    }
}
