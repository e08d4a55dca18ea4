package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.math.BigInteger;

/**
 * RSA_PUBLIC_KEY (MS-RDPBCGR 2.2.1.4.3.1.1.1).
 *
 * <pre>
 * magic "RSA1" (0x31415352) | keylen u32 | bitlen u32 | datalen u32 | pubExp u32 | modulus[keylen] (LE, 8 zero pad)
 * </pre>
 */
public record RsaPublicKey(int keylen, int bitlen, int datalen, int pubExp, byte[] modulusLe) {
    public static final int MAGIC = 0x31415352;

    public static RsaPublicKey decode(ByteBuf b) {
        int at = b.readerIndex();
        int magic = Wire.i32le(b, Layer.GCC, "RSA_PUBLIC_KEY.magic");
        if (magic != MAGIC) {
            throw DecodeException.invalid(Layer.GCC, "RSA_PUBLIC_KEY.magic", at, String.format("expected RSA1, got 0x%08x", magic));
        }
        int keylenAt = b.readerIndex();
        long keylen = Wire.u32le(b, Layer.GCC, "RSA_PUBLIC_KEY.keylen");
        int bitlen = Wire.i32le(b, Layer.GCC, "RSA_PUBLIC_KEY.bitlen");
        int datalen = Wire.i32le(b, Layer.GCC, "RSA_PUBLIC_KEY.datalen");
        int exp = Wire.i32le(b, Layer.GCC, "RSA_PUBLIC_KEY.pubExp");
        if (keylen > b.readableBytes()) {
            throw DecodeException.badLength(Layer.GCC, "RSA_PUBLIC_KEY.keylen", keylenAt,
                    "keylen " + keylen + " > " + b.readableBytes() + " byte(s) left");
        }
        byte[] mod = Wire.bytes(b, (int) keylen, Layer.GCC, "RSA_PUBLIC_KEY.modulus");
        return new RsaPublicKey((int) keylen, bitlen, datalen, exp, mod);
    }

    public void encode(ByteBuf buf) {
        buf.writeIntLE(MAGIC).writeIntLE(keylen).writeIntLE(bitlen).writeIntLE(datalen).writeIntLE(pubExp).writeBytes(modulusLe);
    }

    public int encodedLength() {
        return 20 + modulusLe.length;
    }

    /** Modulus as a positive big integer (the wire form is little-endian). */
    public BigInteger modulus() {
        byte[] be = new byte[modulusLe.length];
        for (int i = 0; i < be.length; i++) be[i] = modulusLe[be.length - 1 - i];
        return new BigInteger(1, be);
    }

    public BigInteger exponent() {
        return BigInteger.valueOf(pubExp & 0xFFFFFFFFL);
    }

    /** Significant modulus length in bytes (keylen minus the 8 bytes of zero padding). */
    public int modulusLength() {
        return (modulus().bitLength() + 7) / 8;
    }
}
