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
    // Field names: a reader is given the field's name and a suffix (".maxChannelIds") and joins them only when it
    // throws, so that a whole Connect-Initial decodes without building a String (issue 13: 11 KB per decode,
    // most of it field names).

    private static String name(String field, String suffix) {
        return suffix.isEmpty() ? field : field + suffix;
    }

    private static int u8(ByteBuf buf, String field, String suffix, String part) {
        if (!buf.isReadable()) {
            throw DecodeException.notEnough(Layer.MCS, name(field, suffix) + part, buf, 1);
        }
        return buf.readUnsignedByte();
    }

    public static void expectTag(ByteBuf buf, int tag, String field) {
        expectTag(buf, tag, field, "");
    }

    static void expectTag(ByteBuf buf, int tag, String field, String suffix) {
        int at = buf.readerIndex();
        int t = u8(buf, field, suffix, ".tag");
        if (t != tag) {
            throw DecodeException.unexpected(Layer.MCS, name(field, suffix) + ".tag", at,
                    String.format("expected BER tag 0x%02x, got 0x%02x", tag, t));
        }
    }

    public static void expectApplicationTag(ByteBuf buf, int number, String field) {
        int at = buf.readerIndex();
        int b0 = u8(buf, field, "", ".tag");
        int b1 = u8(buf, field, "", ".tag");
        if (b0 != 0x7F || b1 != number) {
            throw DecodeException.unexpected(Layer.MCS, field + ".tag", at,
                    String.format("expected [APPLICATION %d] (7f %02x), got %02x %02x", number, number, b0, b1));
        }
    }

    public static int readLength(ByteBuf buf, String field) {
        return readLength(buf, field, "");
    }

    static int readLength(ByteBuf buf, String field, String suffix) {
        int at = buf.readerIndex();
        int b = u8(buf, field, suffix, ".length");
        if (b < 0x80) {
            return b;
        }
        if (b == 0x81) {
            return u8(buf, field, suffix, ".length");
        }
        if (b == 0x82) {
            if (buf.readableBytes() < 2) {
                throw DecodeException.notEnough(Layer.MCS, name(field, suffix) + ".length", buf, 2);
            }
            return buf.readUnsignedShort();
        }
        throw DecodeException.badLength(Layer.MCS, name(field, suffix) + ".length", at,
                String.format("unsupported BER length form 0x%02x", b));
    }

    /**
     * Tag and length of a TLV whose contents are all readable; the reader is left at the contents and their
     * length is returned (no slice: see {@link #readTlv} for one).
     */
    public static int readHeader(ByteBuf buf, int tag, String field, String suffix) {
        expectTag(buf, tag, field, suffix);
        int len = readLength(buf, field, suffix);
        if (buf.readableBytes() < len) {
            throw DecodeException.notEnough(Layer.MCS, name(field, suffix), buf, len);
        }
        return len;
    }

    public static ByteBuf readTlv(ByteBuf buf, int tag, String field) {
        return buf.readSlice(readHeader(buf, tag, field, ""));
    }

    public static boolean readBoolean(ByteBuf buf, String field) {
        int len = readHeader(buf, TAG_BOOLEAN, field, "");
        if (len != 1) {
            buf.skipBytes(len);
            throw DecodeException.badLength(Layer.MCS, field + ".length", buf.readerIndex(),
                    "BOOLEAN must be 1 byte, got " + len);
        }
        return buf.readByte() != 0;
    }

    public static int readInteger(ByteBuf buf, String field) {
        return readInteger(buf, field, "");
    }

    /** An INTEGER named {@code field + suffix} (the name is built only if it is malformed). */
    public static int readInteger(ByteBuf buf, String field, String suffix) {
        int at = buf.readerIndex();
        int n = readHeader(buf, TAG_INTEGER, field, suffix);
        return unsignedContents(buf, n, field, suffix, at);
    }

    public static int readEnumerated(ByteBuf buf, String field) {
        int at = buf.readerIndex();
        int n = readHeader(buf, TAG_ENUMERATED, field, "");
        return unsignedContents(buf, n, field, "", at);
    }

    private static int unsignedContents(ByteBuf buf, int n, String field, String suffix, int at) {
        if (n < 1 || n > 4) {
            throw DecodeException.badLength(Layer.MCS, name(field, suffix) + ".length", at,
                    "integer of " + n + " bytes (1..4 allowed)");
        }
        int value = 0;
        for (int i = 0; i < n; i++) {
            value = (value << 8) | buf.readUnsignedByte();
        }
        return value;
    }

    public static byte[] readOctetString(ByteBuf buf, String field) {
        byte[] b = new byte[readHeader(buf, TAG_OCTET_STRING, field, "")];
        buf.readBytes(b);
        return b;
    }

    /**
     * An OCTET STRING's contents as a slice of {@code buf} (no copy): valid as long as {@code buf}'s memory is.
     * The length has been checked against the bytes present before the slice is made.
     */
    public static ByteBuf readOctetStringSlice(ByteBuf buf, String field) {
        return buf.readSlice(readHeader(buf, TAG_OCTET_STRING, field, ""));
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

    /** An OCTET STRING of {@code b}'s readable bytes; {@code b}'s indices do not move. */
    public static void writeOctetString(ByteBuf buf, ByteBuf b) {
        buf.writeByte(TAG_OCTET_STRING);
        writeLength(buf, b.readableBytes());
        buf.writeBytes(b, b.readerIndex(), b.readableBytes());
    }

    public static void writeApplicationTag(ByteBuf buf, int number, int contentLength) {
        buf.writeByte(0x7F).writeByte(number);
        writeLength(buf, contentLength);
    }
}
