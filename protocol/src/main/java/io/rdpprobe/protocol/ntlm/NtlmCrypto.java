package io.rdpprobe.protocol.ntlm;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.bouncycastle.crypto.digests.MD4Digest;
import org.bouncycastle.crypto.digests.MD5Digest;
import org.bouncycastle.crypto.engines.RC4Engine;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The NTLMv2 primitives of MS-NLMP 3.3.2 and 3.4.5 (BouncyCastle MD4, MD5, HMAC-MD5 and RC4). Pure
 * functions; verified against the MS-NLMP 4.2.4 vectors in the tests.
 */
public final class NtlmCrypto {
    private NtlmCrypto() {}

    public static byte[] md4(byte[] in) {
        MD4Digest d = new MD4Digest();
        d.update(in, 0, in.length);
        byte[] out = new byte[16];
        d.doFinal(out, 0);
        return out;
    }

    public static byte[] md5(byte[]... parts) {
        MD5Digest d = new MD5Digest();
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[16];
        d.doFinal(out, 0);
        return out;
    }

    public static byte[] hmacMd5(byte[] key, byte[]... parts) {
        HMac h = new HMac(new MD5Digest());
        h.init(new KeyParameter(key));
        for (byte[] p : parts) {
            h.update(p, 0, p.length);
        }
        byte[] out = new byte[16];
        h.doFinal(out, 0);
        return out;
    }

    /** One-shot RC4 with a fresh key schedule (for EncryptedRandomSessionKey). */
    public static byte[] rc4(byte[] key, byte[] data) {
        RC4Engine e = new RC4Engine();
        e.init(true, new KeyParameter(key));
        byte[] out = new byte[data.length];
        e.processBytes(data, 0, data.length, out, 0);
        return out;
    }

    /** NT hash = MD4(UTF-16LE(password)). Intermediate copies of the password are zeroed. */
    public static byte[] ntHash(char[] password) {
        ByteBuffer bb = StandardCharsets.UTF_16LE.encode(CharBuffer.wrap(password));
        byte[] pw = new byte[bb.remaining()];
        bb.get(pw);
        if (bb.hasArray()) {
            Arrays.fill(bb.array(), (byte) 0);
        }
        try {
            return md4(pw);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
    }

    /** NTOWFv2 = HMAC_MD5(NT hash, UTF-16LE(UPPER(user) ‖ domain)) (MS-NLMP 3.3.2). */
    public static byte[] ntowfv2(byte[] ntHash, String user, String domain) {
        byte[] id = (user.toUpperCase(Locale.ROOT) + (domain == null ? "" : domain)).getBytes(StandardCharsets.UTF_16LE);
        return hmacMd5(ntHash, id);
    }

    /**
     * temp = 01 01 Z(6) Time(8) ClientChallenge(8) Z(4) AvPairs(with EOL) Z(4) (MS-NLMP 3.3.2).
     */
    public static byte[] ntlmv2Temp(long timestampTicks, byte[] clientChallenge, AvPairs pairs) {
        byte[] av = pairs.toBytes();
        ByteBuffer b = ByteBuffer.allocate(28 + av.length + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).put((byte) 1).put(new byte[6]).putLong(timestampTicks).put(clientChallenge).putInt(0)
                .put(av).putInt(0);
        return b.array();
    }

    /** NTProofStr = HMAC_MD5(NTOWFv2, ServerChallenge ‖ temp). */
    public static byte[] ntProofStr(byte[] ntowfv2, byte[] serverChallenge, byte[] temp) {
        return hmacMd5(ntowfv2, serverChallenge, temp);
    }

    /** LMv2 response = HMAC_MD5(NTOWFv2, ServerChallenge ‖ ClientChallenge) ‖ ClientChallenge. */
    public static byte[] lmv2Response(byte[] ntowfv2, byte[] serverChallenge, byte[] clientChallenge) {
        byte[] h = hmacMd5(ntowfv2, serverChallenge, clientChallenge);
        byte[] out = Arrays.copyOf(h, 24);
        System.arraycopy(clientChallenge, 0, out, 16, 8);
        return out;
    }

    /** SessionBaseKey = HMAC_MD5(NTOWFv2, NTProofStr); for NTLMv2 also the KeyExchangeKey (3.4.5.1). */
    public static byte[] sessionBaseKey(byte[] ntowfv2, byte[] ntProofStr) {
        return hmacMd5(ntowfv2, ntProofStr);
    }

    /** MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE ‖ CHALLENGE ‖ AUTHENTICATE-with-zero-MIC). */
    public static byte[] mic(byte[] exportedSessionKey, byte[] negotiate, byte[] challenge, byte[] authenticateZeroMic) {
        return hmacMd5(exportedSessionKey, negotiate, challenge, authenticateZeroMic);
    }

    /** Constant-time comparison. */
    public static boolean equal(byte[] a, byte[] b) {
        return java.security.MessageDigest.isEqual(a, b);
    }
}
