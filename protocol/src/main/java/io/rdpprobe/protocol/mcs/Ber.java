package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * The subset of ASN.1 BER that T.125 uses for the MCS Connect-Initial and Connect-Response PDUs
 * (MS-RDPBCGR 2.2.1.3, 2.2.1.4; ITU-T X.690). Definite lengths only: short form, {@code 0x81 xx} and
 * {@code 0x82 xx xx}. Every read checks the bytes available; nested values are read from slices so that a
 * length pointing outside its container fails with a {@link DecodeException}.
 *
 * <pre>
 * identifier | length (short, 81 LL, 82 LL LL) | contents
 * 7F 65      | 82 01 A0                        | Connect-Initial ([APPLICATION 101], long-form tag)
 * </pre>
 */
public final class Ber {
    public static final int TAG_BOOLEAN = 0x01;
    public static final int TAG_INTEGER = 0x02;
    public static final int TAG_OCTET_STRING = 0x04;
    public static final int TAG_ENUMERATED = 0x0A;
    public static final int TAG_SEQUENCE = 0x30;
    /** [APPLICATION 101] Connect-Initial. */
    public static final int APP_CONNECT_INITIAL = 101;
    /** [APPLICATION 102] Connect-Response. */
    public static final int APP_CONNECT_RESPONSE = 102;

    private Ber() {}

    /** Reads a single-byte universal/constructed identifier and checks it. */
    public static void expectTag(ByteBuf buf, int tag, String field) {
        int at = buf.readerIndex();
        int t = Wire.u8(buf, Layer.MCS, field + ".tag");
        if (t != tag) {
            throw DecodeException.unexpected(Layer.MCS, field + ".tag", at,
                    String.format("expected BER tag 0x%02x, got 0x%02x", tag, t));
        }
    }

    /** Reads the two-byte long-form identifier {@code 7F nn} of an [APPLICATION nn] constructed type (nn 31..127). */
    public static void expectApplicationTag(ByteBuf buf, int number, String field) {
        int at = buf.readerIndex();
        int b0 = Wire.u8(buf, Layer.MCS, field + ".tag");
        int b1 = Wire.u8(buf, Layer.MCS, field + ".tag");
        if (b0 != 0x7F || b1 != number) {
            throw DecodeException.unexpected(Layer.MCS, field + ".tag", at,
                    String.format("expected [APPLICATION %d] (7f %02x), got %02x %02x", number, number, b0, b1));
        }
    }

    /** Definite length: 0..0x7F, 0x81 LL, 0x82 LL LL. Indefinite or longer forms are rejected. */
    public static int readLength(ByteBuf buf, String field) {
        int at = buf.readerIndex();
        int b = Wire.u8(buf, Layer.MCS, field + ".length");
        if (b < 0x80) {
            return b;
        }
        if (b == 0x81) {
            return Wire.u8(buf, Layer.MCS, field + ".length");
        }
        if (b == 0x82) {
            return Wire.u16be(buf, Layer.MCS, field + ".length");
        }
        throw DecodeException.badLength(Layer.MCS, field + ".length", at,
                String.format("unsupported BER length form 0x%02x", b));
    }

    /** Reads tag + length and returns a slice of the contents (advances past them). */
    public static ByteBuf readTlv(ByteBuf buf, int tag, String field) {
        expectTag(buf, tag, field);
        int len = readLength(buf, field);
        return Wire.slice(buf, len, Layer.MCS, field);
    }

    public static boolean readBoolean(ByteBuf buf, String field) {
        ByteBuf v = readTlv(buf, TAG_BOOLEAN, field);
        if (v.readableBytes() != 1) {
            throw DecodeException.badLength(Layer.MCS, field + ".length", buf.readerIndex(),
                    "BOOLEAN must be 1 byte, got " + v.readableBytes());
        }
        return v.readByte() != 0;
    }

    /** INTEGER of 1..4 content bytes, read as an unsigned big-endian number into an int's bit pattern. */
    public static int readInteger(ByteBuf buf, String field) {
        int at = buf.readerIndex();
        ByteBuf v = readTlv(buf, TAG_INTEGER, field);
        return unsignedContents(v, field, at);
    }

    public static int readEnumerated(ByteBuf buf, String field) {
        int at = buf.readerIndex();
        ByteBuf v = readTlv(buf, TAG_ENUMERATED, field);
        return unsignedContents(v, field, at);
    }

    private static int unsignedContents(ByteBuf v, String field, int at) {
        int n = v.readableBytes();
        if (n < 1 || n > 4) {
            throw DecodeException.badLength(Layer.MCS, field + ".length", at, "integer of " + n + " bytes (1..4 allowed)");
        }
        int value = 0;
        for (int i = 0; i < n; i++) {
            value = (value << 8) | v.readUnsignedByte();
        }
        return value;
    }

    public static byte[] readOctetString(ByteBuf buf, String field) {
        ByteBuf v = readTlv(buf, TAG_OCTET_STRING, field);
        byte[] b = new byte[v.readableBytes()];
        v.readBytes(b);
        return b;
    }

    // ---- encoding -------------------------------------------------------------------------------------

    public static int lengthSize(int len) {
        if (len < 0x80) return 1;
        if (len <= 0xFF) return 2;
        if (len <= 0xFFFF) return 3;
        throw new IllegalArgumentException("BER length " + len + " > 65535");
    }

    public static void writeLength(ByteBuf buf, int len) {
        if (len < 0x80) {
            buf.writeByte(len);
        } else if (len <= 0xFF) {
            buf.writeByte(0x81).writeByte(len);
        } else if (len <= 0xFFFF) {
            buf.writeByte(0x82).writeShort(len);
        } else {
            throw new IllegalArgumentException("BER length " + len + " > 65535");
        }
    }

    /** Content bytes mstsc uses for an INTEGER: the minimal unsigned width (0xFFFF is {@code 02 02 FF FF}). */
    public static int integerContentSize(int value) {
        if ((value & 0xFFFFFF00) == 0) return 1;
        if ((value & 0xFFFF0000) == 0) return 2;
        if ((value & 0xFF000000) == 0) return 3;
        return 4;
    }

    public static int integerSize(int value) {
        return 2 + integerContentSize(value);
    }

    public static void writeInteger(ByteBuf buf, int value) {
        writeUnsigned(buf, TAG_INTEGER, value);
    }

    public static void writeEnumerated(ByteBuf buf, int value) {
        writeUnsigned(buf, TAG_ENUMERATED, value);
    }

    private static void writeUnsigned(ByteBuf buf, int tag, int value) {
        int n = integerContentSize(value);
        buf.writeByte(tag).writeByte(n);
        for (int i = n - 1; i >= 0; i--) {
            buf.writeByte(value >>> (8 * i));
        }
    }

    public static void writeBoolean(ByteBuf buf, boolean v) {
        buf.writeByte(TAG_BOOLEAN).writeByte(1).writeByte(v ? 0xFF : 0x00);
    }

    public static int octetStringSize(int len) {
        return 1 + lengthSize(len) + len;
    }

    public static void writeOctetString(ByteBuf buf, byte[] b) {
        buf.writeByte(TAG_OCTET_STRING);
        writeLength(buf, b.length);
        buf.writeBytes(b);
    }

    public static void writeApplicationTag(ByteBuf buf, int number, int contentLength) {
        buf.writeByte(0x7F).writeByte(number);
        writeLength(buf, contentLength);
    }
}
