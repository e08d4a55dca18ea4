package io.rdpprobe.protocol.rdp;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * Deactivate All PDU (MS-RDPBCGR 2.2.3.1.1): {@code header | shareId u32 | lengthSourceDescriptor u16 |
 * sourceDescriptor}. The server is about to re-run capability exchange (or is tearing down).
 */
public record DeactivateAllPdu(ShareControlHeader header, int shareId, byte[] sourceDescriptor) implements SharePdu {
    static DeactivateAllPdu decodeBody(ShareControlHeader h, ByteBuf b) {
        int shareId = b.readableBytes() >= 4 ? b.readIntLE() : 0;
        byte[] sd = new byte[0];
        if (b.readableBytes() >= 2) {
            int n = b.readUnsignedShortLE();
            sd = Wire.bytes(b, Math.min(n, b.readableBytes()), Layer.SHARE, "TS_DEACTIVATE_ALL_PDU.sourceDescriptor");
        }
        return new DeactivateAllPdu(h, shareId, sd);
    }

    public static byte[] encode(int pduSource, int shareId) {
        return SharePdu.encode(ShareControlHeader.PDUTYPE_DEACTIVATEALLPDU, pduSource,
                b -> b.writeIntLE(shareId).writeShortLE(1).writeByte(0));
    }
}
