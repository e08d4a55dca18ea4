package io.rdpprobe.protocol.x224;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.ArrayList;
import java.util.List;

/**
 * RDP_NEG_REQ (MS-RDPBCGR 2.2.1.1.1), 8 bytes at the end of the X.224 CR variable part.
 *
 * <pre>
 * | type=0x01 | flags | length=0x0008 (LE) | requestedProtocols (u32 LE) |
 * </pre>
 */
public record NegotiationRequest(int flags, int requestedProtocols) {
    public static final int TYPE = 0x01;
    public static final int SIZE = 8;
    public static final int RESTRICTED_ADMIN_MODE_REQUIRED = 0x01;
    public static final int REDIRECTED_AUTHENTICATION_MODE_REQUIRED = 0x02;
    public static final int CORRELATION_INFO_PRESENT = 0x08;

    public NegotiationRequest {
        if (flags < 0 || flags > 0xFF) {
            throw new IllegalArgumentException("flags must fit one byte");
        }
    }

    public static NegotiationRequest decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int type = Wire.u8(buf, Layer.X224, "RDP_NEG_REQ.type");
        if (type != TYPE) {
            throw DecodeException.unexpected(Layer.X224, "RDP_NEG_REQ.type", start, "expected 0x01, got " + hex2(type));
        }
        int flags = Wire.u8(buf, Layer.X224, "RDP_NEG_REQ.flags");
        int length = Wire.u16le(buf, Layer.X224, "RDP_NEG_REQ.length");
        if (length != SIZE) {
            throw DecodeException.badLength(Layer.X224, "RDP_NEG_REQ.length", start + 2, "expected 8, got " + length);
        }
        int protocols = Wire.i32le(buf, Layer.X224, "RDP_NEG_REQ.requestedProtocols");
        return new NegotiationRequest(flags, protocols);
    }

    public void encode(ByteBuf buf) {
        buf.writeByte(TYPE).writeByte(flags).writeShortLE(SIZE).writeIntLE(requestedProtocols);
    }

    public int encodedLength() {
        return SIZE;
    }

    public List<String> flagNames() {
        List<String> out = new ArrayList<>();
        if ((flags & RESTRICTED_ADMIN_MODE_REQUIRED) != 0) out.add("RESTRICTED_ADMIN_MODE_REQUIRED");
        if ((flags & REDIRECTED_AUTHENTICATION_MODE_REQUIRED) != 0) out.add("REDIRECTED_AUTHENTICATION_MODE_REQUIRED");
        if ((flags & CORRELATION_INFO_PRESENT) != 0) out.add("CORRELATION_INFO_PRESENT");
        int rest = flags & ~0x0B;
        if (rest != 0) out.add(hex2(rest));
        return out;
    }

    static String hex2(int v) {
        return String.format("0x%02x", v);
    }
}
