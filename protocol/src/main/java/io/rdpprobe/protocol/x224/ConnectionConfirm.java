package io.rdpprobe.protocol.x224;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.tpkt.TpktHeader;

/**
 * X.224 Connection Confirm PDU (MS-RDPBCGR 2.2.1.2).
 *
 * <pre>
 * TPKT(4) | LI | 0xD0 | DST-REF(2) | SRC-REF(2) | class(1) | [RDP_NEG_RSP | RDP_NEG_FAILURE] (8)
 * </pre>
 *
 * @param negotiation the negotiation structure, or null for a bare CC (a server that ignores RDP_NEG_REQ,
 *                    which means Standard RDP Security)
 */
public record ConnectionConfirm(int dstRef, int srcRef, int classOption, NegotiationResult negotiation) implements X224Tpdu {
    public static final int FIXED_LI = 6;

    public static ConnectionConfirm decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int li = X224Header.readFixed(buf, CODE_CC, "CC", FIXED_LI);
        int frameLength = buf.getUnsignedShort(start + 2);
        buf.skipBytes(1);
        int dst = Wire.u16be(buf, Layer.X224, "CC.DST-REF");
        int src = Wire.u16be(buf, Layer.X224, "CC.SRC-REF");
        int cls = Wire.u8(buf, Layer.X224, "CC.class");
        int varLen = li - FIXED_LI;
        NegotiationResult neg = null;
        if (varLen != 0) {
            if (varLen != NegotiationResult.SIZE) {
                throw DecodeException.badLength(Layer.X224, "CC.variablePart", buf.readerIndex(),
                        "expected 0 or 8 bytes of negotiation data, got " + varLen);
            }
            int type = buf.getUnsignedByte(buf.readerIndex());
            neg = switch (type) {
                case NegotiationResponse.TYPE -> NegotiationResponse.decode(buf);
                case NegotiationFailure.TYPE -> NegotiationFailure.decode(buf);
                default -> throw DecodeException.unexpected(Layer.X224, "CC.negotiation.type", buf.readerIndex(),
                        String.format("expected RDP_NEG_RSP (0x02) or RDP_NEG_FAILURE (0x03), got 0x%02x", type));
            };
        }
        X224Header.requireConsumedExactly(buf, start, frameLength, "CC");
        return new ConnectionConfirm(dst, src, cls, neg);
    }

    @Override
    public int encodedLength() {
        return TpktHeader.SIZE + 1 + FIXED_LI + (negotiation == null ? 0 : NegotiationResult.SIZE);
    }

    @Override
    public void encode(ByteBuf buf) {
        int li = FIXED_LI + (negotiation == null ? 0 : NegotiationResult.SIZE);
        new TpktHeader(TpktHeader.SIZE + 1 + li).encode(buf);
        buf.writeByte(li).writeByte(CODE_CC).writeShort(dstRef).writeShort(srcRef).writeByte(classOption);
        if (negotiation instanceof NegotiationResponse r) {
            r.encode(buf);
        } else if (negotiation instanceof NegotiationFailure f) {
            f.encode(buf);
        }
    }
}
