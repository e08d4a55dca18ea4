package io.rdpprobe.protocol.licensing;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * LICENSE_PREAMBLE (MS-RDPBCGR 2.2.1.12.1.1): {@code bMsgType u8 | flags u8 | wMsgSize u16 (preamble included)}.
 * flags: low nibble PREAMBLE_VERSION_2_0 (2) / _3_0 (3); 0x80 EXTENDED_ERROR_MSG_SUPPORTED.
 */
public record LicensePreamble(int msgType, int flags, int msgSize) {
    public static final int SIZE = 4;
    public static final int LICENSE_REQUEST = 0x01;
    public static final int PLATFORM_CHALLENGE = 0x02;
    public static final int NEW_LICENSE = 0x03;
    public static final int UPGRADE_LICENSE = 0x04;
    public static final int LICENSE_INFO = 0x12;
    public static final int NEW_LICENSE_REQUEST = 0x13;
    public static final int PLATFORM_CHALLENGE_RESPONSE = 0x15;
    public static final int ERROR_ALERT = 0xFF;
    public static final int PREAMBLE_VERSION_3_0 = 0x03;
    public static final int EXTENDED_ERROR_MSG_SUPPORTED = 0x80;

    public static LicensePreamble decode(ByteBuf buf) {
        int at = buf.readerIndex();
        int type = Wire.u8(buf, Layer.LICENSING, "LICENSE_PREAMBLE.bMsgType");
        int flags = Wire.u8(buf, Layer.LICENSING, "LICENSE_PREAMBLE.flags");
        int size = Wire.u16le(buf, Layer.LICENSING, "LICENSE_PREAMBLE.wMsgSize");
        if (size < SIZE) {
            throw DecodeException.badLength(Layer.LICENSING, "LICENSE_PREAMBLE.wMsgSize", at + 2, "wMsgSize " + size + " < 4");
        }
        return new LicensePreamble(type, flags, size);
    }

    public void encode(ByteBuf buf) {
        buf.writeByte(msgType).writeByte(flags).writeShortLE(msgSize);
    }

    public int version() {
        return flags & 0x0F;
    }

    public String msgTypeName() {
        return msgTypeName(msgType);
    }

    public static String msgTypeName(int t) {
        return switch (t) {
            case 0x01 -> "LICENSE_REQUEST";
            case 0x02 -> "PLATFORM_CHALLENGE";
            case 0x03 -> "NEW_LICENSE";
            case 0x04 -> "UPGRADE_LICENSE";
            case 0x12 -> "LICENSE_INFO";
            case 0x13 -> "NEW_LICENSE_REQUEST";
            case 0x15 -> "PLATFORM_CHALLENGE_RESPONSE";
            case 0xFF -> "ERROR_ALERT";
            default -> String.format("UNKNOWN(0x%02x)", t);
        };
    }
}
