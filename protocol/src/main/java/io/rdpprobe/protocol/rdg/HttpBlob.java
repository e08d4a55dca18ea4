package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * HTTP_BYTE_BLOB (MS-TSGU 2.2.10.1): cbLen u16, then cbLen bytes. A value type with content equality, so
 * the packet records that hold one compare by content.
 */
public record HttpBlob(byte[] bytes) {
    public static final HttpBlob EMPTY = new HttpBlob(new byte[0]);

    public HttpBlob {
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException("HTTP_BYTE_BLOB holds at most 65535 bytes, got " + bytes.length);
        }
        bytes = bytes.clone();
    }

    /** A UTF-16LE string with its terminating NUL, as FreeRDP and Windows write the PAA cookie. */
    public static HttpBlob utf16z(String s) {
        return new HttpBlob((s + '\0').getBytes(StandardCharsets.UTF_16LE));
    }

    /** The same from a secret's characters (a PAA token), without an intermediate String; the caller zeroes {@code s}. */
    public static HttpBlob utf16z(char[] s) {
        byte[] b = new byte[2 * (s.length + 1)];
        for (int i = 0; i < s.length; i++) {
            b[2 * i] = (byte) s[i];
            b[2 * i + 1] = (byte) (s[i] >> 8);
        }
        HttpBlob blob = new HttpBlob(b);
        Arrays.fill(b, (byte) 0);
        return blob;
    }

    static HttpBlob decode(ByteBuf buf, String field) {
        int n = Wire.u16le(buf, Layer.RDG, field + ".cbLen");
        return new HttpBlob(Wire.bytes(buf, n, Layer.RDG, field));
    }

    void encode(ByteBuf buf) {
        buf.writeShortLE(bytes.length).writeBytes(bytes);
    }

    int encodedLength() {
        return 2 + bytes.length;
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpBlob b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Length only: a blob may be a cookie or token, which must not reach logs. */
    @Override
    public String toString() {
        return "HttpBlob[" + bytes.length + " bytes]";
    }
}
