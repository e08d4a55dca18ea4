package io.rdpprobe.protocol.x224;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.tpkt.TpktHeader;

/**
 * X.224 Disconnect Request TPDU (X.224 13.5): {@code LI 0x80 DST-REF SRC-REF reason}. Some servers send it
 * instead of a CC to refuse a connection.
 */
public record DisconnectRequest(int dstRef, int srcRef, int reason) implements X224Tpdu {
    public static final int FIXED_LI = 6;

    public static DisconnectRequest decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int li = X224Header.readFixed(buf, CODE_DR, "DR", FIXED_LI);
        buf.skipBytes(1);
        int dst = Wire.u16be(buf, Layer.X224, "DR.DST-REF");
        int src = Wire.u16be(buf, Layer.X224, "DR.SRC-REF");
        int reason = Wire.u8(buf, Layer.X224, "DR.reason");
        // skip optional parameters inside LI (e.g. additional information)
        int end = start + TpktHeader.SIZE + 1 + li;
        buf.readerIndex(end);
        X224Header.requireConsumedExactly(buf, start, buf.getUnsignedShort(start + 2), "DR");
        return new DisconnectRequest(dst, src, reason);
    }

    /** X.224 13.5.3 d) reasons. */
    public String reasonName() {
        return switch (reason) {
            case 0 -> "reason not specified";
            case 1 -> "congestion at TSAP";
            case 2 -> "session entity not attached to TSAP";
            case 3 -> "address unknown";
            case 128 -> "normal disconnect initiated by session entity";
            case 129 -> "remote transport entity congestion at connect request time";
            case 130 -> "connection negotiation failed";
            case 131 -> "duplicate source reference";
            case 132 -> "mismatched references";
            case 133 -> "protocol error";
            case 135 -> "reference overflow";
            case 136 -> "connection request refused on this network connection";
            case 138 -> "header or parameter length invalid";
            default -> "reason " + reason;
        };
    }

    @Override
    public void encode(ByteBuf buf) {
        new TpktHeader(TpktHeader.SIZE + 1 + FIXED_LI).encode(buf);
        buf.writeByte(FIXED_LI).writeByte(CODE_DR).writeShort(dstRef).writeShort(srcRef).writeByte(reason);
    }

    @Override
    public int encodedLength() {
        return TpktHeader.SIZE + 1 + FIXED_LI;
    }
}
