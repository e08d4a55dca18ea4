package io.rdpprobe.protocol.security;

import io.rdpprobe.protocol.gcc.RsaPublicKey;
import java.math.BigInteger;

/**
 * Encryption of the 32-byte client random with the server's RSA public key (MS-RDPBCGR 5.3.4.1): the random
 * is read as a little-endian number, raised to pubExp modulo the modulus, written little-endian in
 * {@code keylen - 8} bytes, and followed by 8 zero bytes. No PKCS#1 padding.
 */
public final class ClientRandomEncryption {
    private ClientRandomEncryption() {}

    public static final int CLIENT_RANDOM_LENGTH = 32;

    /** Returns the encryptedClientRandom field, padding included ({@code keylen} bytes). */
    public static byte[] encrypt(RsaPublicKey key, byte[] clientRandom) {
        int modLen = key.keylen() - 8;
        if (modLen <= 0 || modLen > 1024) {
            throw new IllegalArgumentException("RSA keylen " + key.keylen() + " unusable");
        }
        BigInteger n = key.modulus();
        if (n.signum() == 0) throw new IllegalArgumentException("RSA modulus is zero");
        BigInteger c = TerminalServicesKey.le(clientRandom).modPow(key.exponent(), n);
        byte[] out = new byte[key.keylen()];
        System.arraycopy(TerminalServicesKey.toLe(c, modLen), 0, out, 0, modLen);
        return out;
    }

    /** The server side: recovers the client random with the private exponent (used by test servers). */
    public static byte[] decrypt(BigInteger modulus, BigInteger privateExponent, byte[] encrypted) {
        int modLen = (modulus.bitLength() + 7) / 8;
        byte[] c = java.util.Arrays.copyOf(encrypted, Math.min(encrypted.length, modLen));
        return TerminalServicesKey.toLe(TerminalServicesKey.le(c).modPow(privateExponent, modulus), CLIENT_RANDOM_LENGTH);
    }
}
