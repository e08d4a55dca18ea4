package io.rdpprobe.protocol.security;

import io.rdpprobe.protocol.gcc.ProprietaryCertificate;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The Terminal Services Signing Key that signs proprietary server certificates (MS-RDPBCGR 5.3.3.1.1,
 * 5.3.3.1.2). Microsoft published both halves, so a valid signature proves nothing about the server's
 * identity; it does prove the certificate blob is well-formed and unmodified, which is worth reporting.
 *
 * <p>Signature: {@code MD5(dwVersion .. PublicKeyBlob)} (16 bytes), 0x00, 0xFF x 45, 0x01 (63 bytes, with a
 * 64th zero byte), taken as a little-endian number and raised to the private exponent; the 64 result bytes
 * are little-endian followed by 8 zero bytes (72 bytes in wSignatureBlobLen).
 */
public final class TerminalServicesKey {
    private TerminalServicesKey() {}

    /** 512-bit modulus, little-endian as the spec prints it (values cross-checked with FreeRDP's tssk_modulus). */
    private static final byte[] MODULUS_LE = hex(
            "3d3a5ebd72433ec94dbbc11e4aba5fcb3e882087eff5c1e2d7b76b9af2524595"
            + "ce63656b583afeef7ce7bffe3df65c7d6c5e06091af561bb2093095f056dea87");
    private static final byte[] PRIVATE_EXPONENT_LE = hex(
            "87a71932da11875558001616256568f8243ee6fae9674994cf92cc3399e80860"
            + "179a129f24ddb12499c73ab80a7b0ddd350779170b519bb3c7100113e73ff35f");
    /** Public exponent 0xc0887b5b (little-endian 5b 7b 88 c0). */
    public static final BigInteger PUBLIC_EXPONENT = BigInteger.valueOf(0xc0887b5bL);
    public static final BigInteger MODULUS = le(MODULUS_LE);
    public static final BigInteger PRIVATE_EXPONENT = le(PRIVATE_EXPONENT_LE);
    public static final int KEY_LENGTH = 64;

    /** Why a signature check failed, or {@link #VALID}. */
    public enum Verification {
        VALID,
        WRONG_LENGTH,
        NONZERO_PADDING,
        BAD_PADDING_PATTERN,
        HASH_MISMATCH
    }

    /** Verifies a proprietary certificate's signature against the published key. */
    public static Verification verify(ProprietaryCertificate cert) {
        return verify(cert.signedData(), cert.signature());
    }

    public static Verification verify(byte[] signedData, byte[] signatureBlob) {
        if (signatureBlob.length != KEY_LENGTH + 8) {
            return Verification.WRONG_LENGTH;
        }
        for (int i = KEY_LENGTH; i < signatureBlob.length; i++) {
            if (signatureBlob[i] != 0) return Verification.NONZERO_PADDING;
        }
        byte[] value = toLe(le(Arrays.copyOf(signatureBlob, KEY_LENGTH)).modPow(PUBLIC_EXPONENT, MODULUS), KEY_LENGTH);
        if (value[16] != 0 || value[62] != 1 || value[63] != 0) return Verification.BAD_PADDING_PATTERN;
        for (int i = 17; i < 62; i++) {
            if (value[i] != (byte) 0xFF) return Verification.BAD_PADDING_PATTERN;
        }
        byte[] md5 = Digests.md5(signedData);
        return MessageDigest.isEqual(Arrays.copyOf(value, 16), md5) ? Verification.VALID : Verification.HASH_MISMATCH;
    }

    /** Signs {@code signedData} with the published private key: the 72-byte signature blob. */
    public static byte[] sign(byte[] signedData) {
        byte[] block = new byte[KEY_LENGTH];
        System.arraycopy(Digests.md5(signedData), 0, block, 0, 16);
        block[16] = 0;
        Arrays.fill(block, 17, 62, (byte) 0xFF);
        block[62] = 1;
        byte[] sig = toLe(le(block).modPow(PRIVATE_EXPONENT, MODULUS), KEY_LENGTH);
        return Arrays.copyOf(sig, KEY_LENGTH + 8);
    }

    static BigInteger le(byte[] le) {
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) be[i] = le[le.length - 1 - i];
        return new BigInteger(1, be);
    }

    /** Little-endian bytes of {@code v}, exactly {@code len} long. */
    static byte[] toLe(BigInteger v, int len) {
        byte[] be = v.toByteArray();
        byte[] out = new byte[len];
        for (int i = 0; i < len && i < be.length; i++) {
            out[i] = be[be.length - 1 - i];
        }
        return out;
    }

    private static byte[] hex(String s) {
        return io.rdpprobe.protocol.codec.Wire.unhex(s);
    }
}
