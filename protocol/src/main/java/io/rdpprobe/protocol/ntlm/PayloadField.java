package io.rdpprobe.protocol.ntlm;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.nio.charset.StandardCharsets;

/**
 * The 8-byte payload descriptor every NTLM message uses (MS-NLMP 2.2.1.1 "DomainNameFields" etc.):
 * {@code | Len u16 LE | MaxLen u16 LE | BufferOffset u32 LE (from the message start) |}.
 */
record PayloadField(int len, int maxLen, long offset) {
    static final int SIZE = 8;

    static PayloadField read(ByteBuf buf, String field) {
        int len = Wire.u16le(buf, Layer.NTLM, field + ".Len");
        int max = Wire.u16le(buf, Layer.NTLM, field + ".MaxLen");
        long off = Wire.u32le(buf, Layer.NTLM, field + ".BufferOffset");
        return new PayloadField(len, max, off);
    }

    /**
     * The payload bytes, after checking that they lie inside the message and after its fixed part.
     *
     * @param msgStart absolute index of the message's first byte
     * @param msgLen   the message length
     * @param minOff   the first offset a payload may use (the fixed part's size)
     * @param fieldAt  the message-relative offset of this descriptor (for the error)
     */
    byte[] bytes(ByteBuf buf, int msgStart, int msgLen, int minOff, int fieldAt, String field) {
        if (len == 0) {
            return new byte[0];
        }
        if (offset < minOff || offset + len > msgLen) {
            throw DecodeException.badLength(Layer.NTLM, field, fieldAt, "payload [" + offset + ", " + (offset + len)
                    + ") is outside the message's payload area [" + minOff + ", " + msgLen + ")");
        }
        byte[] b = new byte[len];
        buf.getBytes(msgStart + (int) offset, b);
        return b;
    }

    boolean inUse() {
        return len != 0;
    }

    static void write(ByteBuf buf, int len, int offset) {
        buf.writeShortLE(len).writeShortLE(len).writeIntLE(offset);
    }

    static String text(byte[] b, boolean unicode) {
        return new String(b, 0, unicode ? b.length & ~1 : b.length,
                unicode ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1);
    }

    static byte[] textBytes(String s, boolean unicode) {
        return s == null ? new byte[0] : s.getBytes(unicode ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1);
    }
}
