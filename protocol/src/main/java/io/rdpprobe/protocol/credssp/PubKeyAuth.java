package io.rdpprobe.protocol.credssp;

import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * The pubKeyAuth plaintexts of MS-CSSP 3.1.5 (protocol-notes 4.3). The public key is the SubjectPublicKey
 * BIT STRING content of the server certificate (for RSA the PKCS#1 RSAPublicKey {@code 30 82 ...}).
 *
 * <pre>
 * version 2-4: client = PublicKey                 server = PublicKey with byte[0] + 1 (LE carry)
 * version 5-6: client = SHA256(C2S magic ‖ nonce ‖ PublicKey)
 *              server = SHA256(S2C magic ‖ nonce ‖ PublicKey)
 * </pre>
 */
public final class PubKeyAuth {
    /** "CredSSP Client-To-Server Binding Hash\0" (38 bytes). */
    public static final byte[] CLIENT_SERVER_HASH_MAGIC = "CredSSP Client-To-Server Binding Hash\0".getBytes(StandardCharsets.US_ASCII);
    /** "CredSSP Server-To-Client Binding Hash\0" (38 bytes). */
    public static final byte[] SERVER_CLIENT_HASH_MAGIC = "CredSSP Server-To-Client Binding Hash\0".getBytes(StandardCharsets.US_ASCII);
    public static final int NONCE_SIZE = 32;

    private PubKeyAuth() {}

    /** Whether the hash binding (v5+) applies: min(own, peer) ≥ 5. */
    public static boolean usesHash(int negotiatedVersion) {
        return negotiatedVersion >= 5;
    }

    /** What the client seals into its pubKeyAuth. */
    public static byte[] clientValue(int negotiatedVersion, byte[] publicKey, byte[] nonce) {
        return usesHash(negotiatedVersion) ? sha256(CLIENT_SERVER_HASH_MAGIC, nonce, publicKey) : publicKey.clone();
    }

    /** What the server's pubKeyAuth must unseal to. */
    public static byte[] serverValue(int negotiatedVersion, byte[] publicKey, byte[] nonce) {
        if (usesHash(negotiatedVersion)) {
            return sha256(SERVER_CLIENT_HASH_MAGIC, nonce, publicKey);
        }
        byte[] k = publicKey.clone();
        for (int i = 0; i < k.length; i++) {
            k[i]++;
            if (k[i] != 0) {
                break;
            }
        }
        return k;
    }

    static byte[] sha256(byte[]... parts) {
        SHA256Digest d = new SHA256Digest();
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    /** The SubjectPublicKey of a DER X.509 certificate (e.g. the first certificate of the server's TLS chain). */
    public static byte[] subjectPublicKeyOfCertificate(byte[] certificateDer) {
        try {
            return org.bouncycastle.asn1.x509.Certificate.getInstance(certificateDer).getSubjectPublicKeyInfo()
                    .getPublicKeyData().getOctets();
        } catch (RuntimeException e) {
            throw DecodeException.invalid(Layer.CREDSSP, "Certificate", 0, "malformed: " + e.getMessage());
        }
    }

    /**
     * The SubjectPublicKey (BIT STRING content without the unused-bits byte) of a DER SubjectPublicKeyInfo,
     * e.g. {@code cert.getPublicKey().getEncoded()}.
     */
    public static byte[] subjectPublicKey(byte[] spkiDer) {
        try {
            return SubjectPublicKeyInfo.getInstance(spkiDer).getPublicKeyData().getOctets();
        } catch (RuntimeException e) {
            throw DecodeException.invalid(Layer.CREDSSP, "SubjectPublicKeyInfo", 0, "malformed: " + e.getMessage());
        }
    }
}
