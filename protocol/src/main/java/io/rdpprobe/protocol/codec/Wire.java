package io.rdpprobe.protocol.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Checked reads: each one verifies that enough bytes are readable and otherwise throws a
 * {@link DecodeException} naming the layer and field. Static and allocation-free on the happy path,
 * so hot decoders can use it freely.
 */
public final class Wire {
    private Wire() {}

    public static void need(ByteBuf buf, int n, Layer layer, String field) {
        if (n < 0 || buf.readableBytes() < n) {
            throw DecodeException.notEnough(layer, field, buf, n);
        }
    }

    public static int u8(ByteBuf buf, Layer layer, String field) {
        need(buf, 1, layer, field);
        return buf.readUnsignedByte();
    }

    public static int u16be(ByteBuf buf, Layer layer, String field) {
        need(buf, 2, layer, field);
        return buf.readUnsignedShort();
    }

    public static int u16le(ByteBuf buf, Layer layer, String field) {
        need(buf, 2, layer, field);
        return buf.readUnsignedShortLE();
    }

    public static long u32be(ByteBuf buf, Layer layer, String field) {
        need(buf, 4, layer, field);
        return buf.readUnsignedInt();
    }

    public static long u32le(ByteBuf buf, Layer layer, String field) {
        need(buf, 4, layer, field);
        return buf.readUnsignedIntLE();
    }

    /** A 32-bit little-endian field kept as its raw bit pattern (flags, codes). */
    public static int i32le(ByteBuf buf, Layer layer, String field) {
        need(buf, 4, layer, field);
        return buf.readIntLE();
    }

    public static long u64le(ByteBuf buf, Layer layer, String field) {
        need(buf, 8, layer, field);
        return buf.readLongLE();
    }

    public static byte[] bytes(ByteBuf buf, int n, Layer layer, String field) {
        need(buf, n, layer, field);
        byte[] b = new byte[n];
        buf.readBytes(b);
        return b;
    }

    public static void skip(ByteBuf buf, int n, Layer layer, String field) {
        need(buf, n, layer, field);
        buf.skipBytes(n);
    }

    /** A retained-free slice of {@code n} bytes that advances the reader index. */
    public static ByteBuf slice(ByteBuf buf, int n, Layer layer, String field) {
        need(buf, n, layer, field);
        return buf.readSlice(n);
    }

    /** UTF-16LE string of {@code n} bytes, cut at the first NUL character. */
    public static String utf16z(ByteBuf buf, int n, Layer layer, String field) {
        need(buf, n, layer, field);
        if ((n & 1) != 0) {
            throw DecodeException.badLength(layer, field, buf.readerIndex(), "odd UTF-16 length " + n);
        }
        String s = buf.toString(buf.readerIndex(), n, StandardCharsets.UTF_16LE);
        buf.skipBytes(n);
        int nul = s.indexOf('\0');
        return nul >= 0 ? s.substring(0, nul) : s;
    }

    /**
     * A fixed {@code n}-byte field holding a null-terminated UTF-16LE string (MS-RDPBCGR 2.2.1.3.2 clientName,
     * imeFileName, clientDigProductId): at most {@code n/2 - 1} characters, since the last unit is the terminator's
     * place; a field without a NUL is cut there, as the encoders write it. Consumes all {@code n} bytes.
     */
    public static String utf16zFixed(ByteBuf buf, int n, Layer layer, String field) {
        need(buf, n, layer, field);
        if ((n & 1) != 0 || n < 2) {
            throw DecodeException.badLength(layer, field, buf.readerIndex(), "UTF-16 field length " + n);
        }
        int start = buf.readerIndex();
        int max = (n - 2) / 2;
        int len = 0;
        boolean latin1 = true;
        for (; len < max; len++) {
            int c = buf.getUnsignedShortLE(start + 2 * len);
            if (c == 0) {
                break;
            }
            if (c > 0xFF) {
                latin1 = false;
                if (c >= 0xD800 && c <= 0xDFFF) { // surrogates: the charset decoder's rules (pairs, U+FFFD)
                    String s = buf.toString(start, n - 2, StandardCharsets.UTF_16LE);
                    buf.skipBytes(n);
                    int nul = s.indexOf('\0');
                    return nul >= 0 ? s.substring(0, nul) : s;
                }
            }
        }
        // Decoded in place: no CharsetDecoder, no intermediate string (CS_CORE has three such fields per decode).
        String s;
        if (len == 0) {
            s = "";
        } else if (latin1) {
            byte[] b = new byte[len];
            for (int i = 0; i < len; i++) {
                b[i] = buf.getByte(start + 2 * i);
            }
            s = new String(b, StandardCharsets.ISO_8859_1);
        } else {
            char[] c = new char[len];
            for (int i = 0; i < len; i++) {
                c[i] = (char) buf.getUnsignedShortLE(start + 2 * i);
            }
            s = new String(c);
        }
        buf.skipBytes(n);
        return s;
    }

    /** ASCII/Latin-1 string of {@code n} bytes, cut at the first NUL. */
    public static String asciiz(ByteBuf buf, int n, Layer layer, String field) {
        need(buf, n, layer, field);
        int start = buf.readerIndex();
        int nul = buf.indexOf(start, start + n, (byte) 0);
        String s = buf.toString(start, nul >= 0 ? nul - start : n, StandardCharsets.ISO_8859_1);
        buf.skipBytes(n);
        return s;
    }

    /** Throws if a declared length is below {@code min} or above {@code max}. */
    public static int checkLength(int value, int min, int max, Layer layer, String field, int offset) {
        if (value < min || value > max) {
            throw DecodeException.badLength(layer, field, offset,
                    "value " + value + " outside [" + min + ", " + max + "]");
        }
        return value;
    }

    /** Hex of a byte array, lower case, no separators. */
    public static String hex(byte[] b) {
        return hex(io.netty.buffer.Unpooled.wrappedBuffer(b));
    }

    /**
     * Hex of a buffer's readable bytes, lower case, no separators; the indexes do not move. The same text as Netty's
     * {@code ByteBufUtil.hexDump}, without its lookup tables: building them (4,096 row prefixes by String.format)
     * took ~2 ms of every probe's X.224 stage under C1 (issue 13).
     */
    public static String hex(ByteBuf b) {
        int from = b.readerIndex();
        int n = b.readableBytes();
        char[] out = new char[n * 2];
        for (int i = 0; i < n; i++) {
            int x = b.getUnsignedByte(from + i);
            out[2 * i] = Character.forDigit(x >> 4, 16);
            out[2 * i + 1] = Character.forDigit(x & 0xF, 16);
        }
        return new String(out);
    }

    public static byte[] unhex(CharSequence s) {
        StringBuilder clean = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.digit(c, 16) >= 0) {
                clean.append(c);
            }
        }
        if ((clean.length() & 1) != 0) {
            throw new IllegalArgumentException("odd number of hex digits");
        }
        byte[] out = new byte[clean.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(clean.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
