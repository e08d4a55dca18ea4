package io.rdpprobe.protocol.security;

import io.rdpprobe.protocol.gcc.RsaPublicKey;
import java.math.BigInteger;

/**
 * Encryption of the 32-byte client random with the server's RSA public key (MS-RDPBCGR 5.3.4.1): the random
 * is read as a little-endian number, raised to pubExp modulo the modulus, written little-endian in
 * {@code keylen - 8} bytes, and followed by 8 zero bytes. No PKCS#1 padding. The licensing premaster secret
 * (MS-RDPELE 2.2.2.2 EncryptedPreMasterSecret, 48 bytes) is encrypted the same way.
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
        return decrypt(modulus, privateExponent, encrypted, CLIENT_RANDOM_LENGTH);
    }

    /**
     * The server side for any secret length, e.g. the 48-byte licensing premaster secret (MS-RDPELE 5.1.2.1),
     * which is encrypted the same way.
     */
    public static byte[] decrypt(BigInteger modulus, BigInteger privateExponent, byte[] encrypted, int secretLength) {
        int modLen = (modulus.bitLength() + 7) / 8;
        byte[] c = java.util.Arrays.copyOf(encrypted, Math.min(encrypted.length, modLen));
        return TerminalServicesKey.toLe(TerminalServicesKey.le(c).modPow(privateExponent, modulus), secretLength);
    }
}
