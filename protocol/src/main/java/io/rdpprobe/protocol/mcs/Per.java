package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * The subset of ASN.1 ALIGNED PER (ITU-T X.691) used by T.125 domain PDUs and T.124 GCC connect data
 * (MS-RDPBCGR 2.2.1.3 - 2.2.1.9). Lengths are
 *
 * <pre>
 * 0xxxxxxx              0..127
 * 10xxxxxx xxxxxxxx     128..16383
 * 11xxxxxx              fragmented: rejected (RDP never sends fragments)
 * </pre>
 *
 * <p>All reads are checked; each method takes the {@link Layer} to blame (MCS or GCC).
 */
public final class Per {
    private Per() {}

    private static final String[] DIGITS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

    /** T.124 object identifier {0 0 20 124 0 1} (t124-identifier, version 02/98). */
    public static final int[] T124_02_98_OID = {0, 0, 20, 124, 0, 1};

    public static int readLength(ByteBuf buf, Layer layer, String field) {
        return readLength(buf, layer, field, "");
    }

    /**
     * A PER length whose field name is {@code field + suffix}: the name is only built when the read fails, so the
     * happy path allocates nothing (decoders call this once per length).
     */
    public static int readLength(ByteBuf buf, Layer layer, String field, String suffix) {
        int at = buf.readerIndex();
        if (!buf.isReadable()) {
            throw DecodeException.notEnough(layer, field + suffix, buf, 1);
        }
        int b = buf.readUnsignedByte();
        if ((b & 0x80) == 0) {
            return b;
        }
        if ((b & 0xC0) == 0x80) {
            if (!buf.isReadable()) {
                throw DecodeException.notEnough(layer, field + suffix, buf, 1);
            }
            return ((b & 0x3F) << 8) | buf.readUnsignedByte();
        }
        throw DecodeException.badLength(layer, field + suffix, at, String.format("fragmented PER length 0x%02x not supported", b));
    }

    public static int lengthSize(int len) {
        if (len < 0) throw new IllegalArgumentException("negative PER length");
        if (len < 0x80) return 1;
        if (len < 0x4000) return 2;
        throw new IllegalArgumentException("PER length " + len + " needs fragmentation");
    }

    public static void writeLength(ByteBuf buf, int len) {
        if (lengthSize(len) == 1) {
            buf.writeByte(len);
        } else {
            buf.writeShort(0x8000 | len);
        }
    }

    /** Constrained INTEGER (min..min+65535), two bytes. */
    public static int readInteger16(ByteBuf buf, int min, Layer layer, String field) {
        return Wire.u16be(buf, layer, field) + min;
    }

    public static void writeInteger16(ByteBuf buf, int value, int min) {
        int v = value - min;
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException("value " + value + " outside [" + min + ", " + (min + 0xFFFF) + "]");
        }
        buf.writeShort(v);
    }

    /** Unconstrained INTEGER: a length (1, 2 or 4) and a big-endian unsigned value. */
    public static long readInteger(ByteBuf buf, Layer layer, String field) {
        int at = buf.readerIndex();
        int len = readLength(buf, layer, field, ".length");
        if (len < 1 || len > 4) {
            throw DecodeException.badLength(layer, field + ".length", at, "integer of " + len + " bytes (1..4 allowed)");
        }
        Wire.need(buf, len, layer, field);
        long v = 0;
        for (int i = 0; i < len; i++) {
            v = (v << 8) | buf.readUnsignedByte();
        }
        return v;
    }

    public static void writeInteger(ByteBuf buf, long value) {
        if (value < 0 || value > 0xFFFFFFFFL) throw new IllegalArgumentException("value " + value);
        if (value <= 0xFF) {
            buf.writeByte(1).writeByte((int) value);
        } else if (value <= 0xFFFF) {
            buf.writeByte(2).writeShort((int) value);
        } else {
            buf.writeByte(4).writeInt((int) value);
        }
    }

    public static int integerSize(long value) {
        return value <= 0xFF ? 2 : value <= 0xFFFF ? 3 : 5;
    }

    /** ENUMERATED with {@code count} root values, one byte. */
    public static int readEnumerated(ByteBuf buf, int count, Layer layer, String field) {
        int at = buf.readerIndex();
        int v = Wire.u8(buf, layer, field);
        if (v >= count) {
            throw DecodeException.invalid(layer, field, at, "enumerated value " + v + " >= " + count);
        }
        return v;
    }

    /**
     * Reads a 5-byte object identifier (as {@link #readObjectIdentifier}) and tells whether it is {@code oid},
     * without allocating the arcs.
     */
    public static boolean readObjectIdentifierEquals(ByteBuf buf, int[] oid, Layer layer, String field) {
        int at = buf.readerIndex();
        int len = readLength(buf, layer, field, ".length");
        if (len != 5) {
            throw DecodeException.badLength(layer, field + ".length", at, "expected a 5-byte OID, got " + len);
        }
        Wire.need(buf, 5, layer, field);
        int t12 = buf.readUnsignedByte();
        boolean eq = oid.length == 6 && t12 / 40 == oid[0] && t12 % 40 == oid[1];
        for (int i = 2; i < 6; i++) {
            eq &= buf.readUnsignedByte() == oid[i];
        }
        return eq;
    }

    /** Object identifier with six small arcs in a 5-byte encoding, as T.124's key. */
    public static int[] readObjectIdentifier(ByteBuf buf, Layer layer, String field) {
        int at = buf.readerIndex();
        int len = readLength(buf, layer, field, ".length");
        if (len != 5) {
            throw DecodeException.badLength(layer, field + ".length", at, "expected a 5-byte OID, got " + len);
        }
        Wire.need(buf, 5, layer, field);
        int t12 = buf.readUnsignedByte();
        int[] oid = new int[6];
        oid[0] = t12 / 40;
        oid[1] = t12 % 40;
        for (int i = 2; i < 6; i++) {
            oid[i] = buf.readUnsignedByte();
        }
        return oid;
    }

    public static void writeObjectIdentifier(ByteBuf buf, int[] oid) {
        buf.writeByte(5).writeByte(oid[0] * 40 + oid[1]);
        for (int i = 2; i < 6; i++) {
            buf.writeByte(oid[i]);
        }
    }

    /** OCTET STRING with a lower bound on its size: length - min as a PER length, then the bytes. */
    public static byte[] readOctetString(ByteBuf buf, int min, Layer layer, String field) {
        int len = readLength(buf, layer, field, ".length") + min;
        return Wire.bytes(buf, len, layer, field);
    }

    public static void writeOctetString(ByteBuf buf, byte[] b, int min) {
        writeLength(buf, b.length - min);
        buf.writeBytes(b);
    }

    /** NumericString (digits packed two per byte) with a lower size bound. */
    public static String readNumericString(ByteBuf buf, int min, Layer layer, String field) {
        int len = readLength(buf, layer, field, ".length") + min;
        int bytes = (len + 1) / 2;
        Wire.need(buf, bytes, layer, field);
        if (len == 1) { // the conference name "1", every client's
            return DIGITS[(buf.readUnsignedByte() >> 4) % 10];
        }
        byte[] digits = new byte[len];
        int n = 0;
        for (int i = 0; i < bytes; i++) {
            int b = buf.readUnsignedByte();
            digits[n++] = (byte) ('0' + ((b >> 4) % 10));
            if (n < len) {
                digits[n++] = (byte) ('0' + ((b & 0xF) % 10));
            }
        }
        return new String(digits, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    public static void writeNumericString(ByteBuf buf, String s, int min) {
        writeLength(buf, s.length() - min);
        for (int i = 0; i < s.length(); i += 2) {
            int c1 = (s.charAt(i) - '0') % 10;
            int c2 = i + 1 < s.length() ? (s.charAt(i + 1) - '0') % 10 : 0;
            buf.writeByte((c1 << 4) | c2);
        }
    }
}
