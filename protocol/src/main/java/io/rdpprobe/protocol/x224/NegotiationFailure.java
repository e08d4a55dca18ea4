package io.rdpprobe.protocol.x224;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * RDP_NEG_FAILURE (MS-RDPBCGR 2.2.1.2.2).
 *
 * <pre>
 * | type=0x03 | flags=0 | length=0x0008 (LE) | failureCode (u32 LE) |
 * </pre>
 */
public record NegotiationFailure(int flags, FailureCode failureCode) implements NegotiationResult {
    public static final int TYPE = 0x03;

    public NegotiationFailure(FailureCode code) {
        this(0, code);
    }

    public static NegotiationFailure decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int type = Wire.u8(buf, Layer.X224, "RDP_NEG_FAILURE.type");
        if (type != TYPE) {
            throw DecodeException.unexpected(Layer.X224, "RDP_NEG_FAILURE.type", start, "expected 0x03, got " + type);
        }
        int flags = Wire.u8(buf, Layer.X224, "RDP_NEG_FAILURE.flags");
        int length = Wire.u16le(buf, Layer.X224, "RDP_NEG_FAILURE.length");
        if (length != SIZE) {
            throw DecodeException.badLength(Layer.X224, "RDP_NEG_FAILURE.length", start + 2, "expected 8, got " + length);
        }
        int code = Wire.i32le(buf, Layer.X224, "RDP_NEG_FAILURE.failureCode");
        return new NegotiationFailure(flags, new FailureCode(code));
    }

    public void encode(ByteBuf buf) {
        buf.writeByte(TYPE).writeByte(flags).writeShortLE(SIZE).writeIntLE(failureCode.value());
    }

    public int encodedLength() {
        return SIZE;
    }
}
