package io.rdpprobe.protocol.x224;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.tpkt.TpktHeader;

/**
 * X.224 TPDU Error (X.224 13.12): {@code LI 0x70 DST-REF reject-cause [parameters]}. Sent by a peer that
 * could not parse what it received.
 */
public record ErrorTpdu(int dstRef, int rejectCause) implements X224Tpdu {
    public static final int FIXED_LI = 4;

    public static ErrorTpdu decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int li = X224Header.readFixed(buf, CODE_ER, "ER", FIXED_LI);
        buf.skipBytes(1);
        int dst = Wire.u16be(buf, Layer.X224, "ER.DST-REF");
        int cause = Wire.u8(buf, Layer.X224, "ER.rejectCause");
        buf.readerIndex(start + TpktHeader.SIZE + 1 + li);
        X224Header.requireConsumedExactly(buf, start, buf.getUnsignedShort(start + 2), "ER");
        return new ErrorTpdu(dst, cause);
    }

    /** X.224 13.12.3 reject causes. */
    public String causeName() {
        return switch (rejectCause) {
            case 0 -> "reason not specified";
            case 1 -> "invalid parameter code";
            case 2 -> "invalid TPDU type";
            case 3 -> "invalid parameter value";
            default -> "cause " + rejectCause;
        };
    }

    @Override
    public void encode(ByteBuf buf) {
        new TpktHeader(TpktHeader.SIZE + 1 + FIXED_LI).encode(buf);
        buf.writeByte(FIXED_LI).writeByte(CODE_ER).writeShort(dstRef).writeByte(rejectCause);
    }

    @Override
    public int encodedLength() {
        return TpktHeader.SIZE + 1 + FIXED_LI;
    }
}
