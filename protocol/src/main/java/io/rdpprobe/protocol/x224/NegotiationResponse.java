package io.rdpprobe.protocol.x224;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.ArrayList;
import java.util.List;

/**
 * RDP_NEG_RSP (MS-RDPBCGR 2.2.1.2.1).
 *
 * <pre>
 * | type=0x02 | flags | length=0x0008 (LE) | selectedProtocol (u32 LE) |
 * </pre>
 */
public record NegotiationResponse(int flags, int selectedProtocol) implements NegotiationResult {
    public static final int TYPE = 0x02;
    public static final int EXTENDED_CLIENT_DATA_SUPPORTED = 0x01;
    public static final int DYNVC_GFX_PROTOCOL_SUPPORTED = 0x02;
    public static final int NEGRSP_FLAG_RESERVED = 0x04;
    public static final int RESTRICTED_ADMIN_MODE_SUPPORTED = 0x08;
    public static final int REDIRECTED_AUTHENTICATION_MODE_SUPPORTED = 0x10;

    public NegotiationResponse {
        if (flags < 0 || flags > 0xFF) {
            throw new IllegalArgumentException("flags must fit one byte");
        }
    }

    public static NegotiationResponse decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int type = Wire.u8(buf, Layer.X224, "RDP_NEG_RSP.type");
        if (type != TYPE) {
            throw DecodeException.unexpected(Layer.X224, "RDP_NEG_RSP.type", start, "expected 0x02, got " + type);
        }
        int flags = Wire.u8(buf, Layer.X224, "RDP_NEG_RSP.flags");
        int length = Wire.u16le(buf, Layer.X224, "RDP_NEG_RSP.length");
        if (length != SIZE) {
            throw DecodeException.badLength(Layer.X224, "RDP_NEG_RSP.length", start + 2, "expected 8, got " + length);
        }
        int selected = Wire.i32le(buf, Layer.X224, "RDP_NEG_RSP.selectedProtocol");
        return new NegotiationResponse(flags, selected);
    }

    public void encode(ByteBuf buf) {
        buf.writeByte(TYPE).writeByte(flags).writeShortLE(SIZE).writeIntLE(selectedProtocol);
    }

    public int encodedLength() {
        return SIZE;
    }

    public List<String> flagNames() {
        List<String> out = new ArrayList<>();
        if ((flags & EXTENDED_CLIENT_DATA_SUPPORTED) != 0) out.add("EXTENDED_CLIENT_DATA_SUPPORTED");
        if ((flags & DYNVC_GFX_PROTOCOL_SUPPORTED) != 0) out.add("DYNVC_GFX_PROTOCOL_SUPPORTED");
        if ((flags & NEGRSP_FLAG_RESERVED) != 0) out.add("NEGRSP_FLAG_RESERVED");
        if ((flags & RESTRICTED_ADMIN_MODE_SUPPORTED) != 0) out.add("RESTRICTED_ADMIN_MODE_SUPPORTED");
        if ((flags & REDIRECTED_AUTHENTICATION_MODE_SUPPORTED) != 0) out.add("REDIRECTED_AUTHENTICATION_MODE_SUPPORTED");
        int rest = flags & ~0x1F;
        if (rest != 0) out.add(String.format("0x%02x", rest));
        return out;
    }
}
