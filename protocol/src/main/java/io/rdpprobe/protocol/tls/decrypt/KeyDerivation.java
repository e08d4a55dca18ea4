package io.rdpprobe.protocol.tls.decrypt;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.MD5Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/** The TLS PRFs (RFC 2246 5 / RFC 5246 5) written over BC's HMac, and TLS 1.3's HKDF-Expand-Label (RFC 8446 7.1). */
final class KeyDerivation {
    private KeyDerivation() {}

    static Digest digest(SuiteSpec.Hash h) {
        return switch (h) {
            case MD5 -> new MD5Digest();
            case SHA1 -> new SHA1Digest();
            case SHA256 -> new SHA256Digest();
            case SHA384 -> new SHA384Digest();
            case NONE -> throw new IllegalArgumentException("no hash");
        };
    }

    /**
     * PRF(secret, label, seed) of the given version: TLS 1.2 P_hash with the suite's PRF hash, TLS 1.0/1.1 the
     * MD5 and SHA-1 halves XORed.
     */
    static byte[] prf(int version, SuiteSpec.Hash prfHash, byte[] secret, String label, byte[] seed, int length) {
        byte[] labelSeed = concat(label.getBytes(StandardCharsets.US_ASCII), seed);
        byte[] out = new byte[length];
        if (version >= 0x0303) {
            pHash(digest(prfHash), secret, 0, secret.length, labelSeed, out);
            return out;
        }
        int half = (secret.length + 1) / 2;
        byte[] md5 = new byte[length];
        byte[] sha = new byte[length];
        pHash(new MD5Digest(), secret, 0, half, labelSeed, md5);
        pHash(new SHA1Digest(), secret, secret.length - half, half, labelSeed, sha);
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (md5[i] ^ sha[i]);
        }
        return out;
    }

    private static void pHash(Digest d, byte[] secret, int off, int len, byte[] seed, byte[] out) {
        HMac mac = new HMac(d);
        mac.init(new KeyParameter(secret, off, len));
        int size = mac.getMacSize();
        byte[] a = seed;
        byte[] block = new byte[size];
        int pos = 0;
        while (pos < out.length) {
            mac.update(a, 0, a.length);
            byte[] next = new byte[size];
            mac.doFinal(next, 0); // A(i) = HMAC(secret, A(i-1))
            a = next;
            mac.update(a, 0, a.length);
            mac.update(seed, 0, seed.length);
            mac.doFinal(block, 0);
            int n = Math.min(size, out.length - pos);
            System.arraycopy(block, 0, out, pos, n);
            pos += n;
        }
    }

    /** HKDF-Expand-Label(secret, label, context, length) with the "tls13 " prefix. */
    static byte[] expandLabel(SuiteSpec.Hash h, byte[] secret, String label, byte[] context, int length) {
        byte[] full = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[2 + 1 + full.length + 1 + context.length];
        info[0] = (byte) (length >> 8);
        info[1] = (byte) length;
        info[2] = (byte) full.length;
        System.arraycopy(full, 0, info, 3, full.length);
        info[3 + full.length] = (byte) context.length;
        System.arraycopy(context, 0, info, 4 + full.length, context.length);
        HKDFBytesGenerator g = new HKDFBytesGenerator(digest(h));
        g.init(HKDFParameters.skipExtractParameters(secret, info));
        byte[] out = new byte[length];
        g.generateBytes(out, 0, length);
        return out;
    }

    /** The session hash of RFC 7627 4: the PRF hash of the transcript (TLS 1.2), or MD5 || SHA-1 (TLS 1.0/1.1). */
    static byte[] sessionHash(int version, SuiteSpec.Hash prfHash, byte[] transcript, int len) {
        if (version >= 0x0303) {
            return hash(digest(prfHash), transcript, len);
        }
        return concat(hash(new MD5Digest(), transcript, len), hash(new SHA1Digest(), transcript, len));
    }

    private static byte[] hash(Digest d, byte[] in, int len) {
        d.update(in, 0, len);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
