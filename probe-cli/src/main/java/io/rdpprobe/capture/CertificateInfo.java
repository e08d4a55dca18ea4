package io.rdpprobe.capture;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;

/** Subject, issuer, validity and SHA-256 fingerprint of a DER certificate, parsed with BouncyCastle. */
final class CertificateInfo {
    private CertificateInfo() {}

    static Map<String, Object> describe(byte[] der) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sha256", sha256(der));
        try {
            X509CertificateHolder h = new X509CertificateHolder(der);
            m.put("subject", h.getSubject().toString());
            m.put("issuer", h.getIssuer().toString());
            m.put("notBefore", h.getNotBefore().toInstant().toString());
            m.put("notAfter", h.getNotAfter().toInstant().toString());
            m.put("selfIssued", h.getSubject().equals(h.getIssuer()));
        } catch (Exception | Error e) { // BouncyCastle throws IOException, IllegalArgumentException, ASN1 errors
            if (e instanceof VirtualMachineError vme) {
                throw vme;
            }
            m.put("error", "unparseable certificate: " + e.getMessage());
        }
        return m;
    }

    static String sha256(byte[] der) {
        try {
            return io.rdpprobe.protocol.codec.Wire.hex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
