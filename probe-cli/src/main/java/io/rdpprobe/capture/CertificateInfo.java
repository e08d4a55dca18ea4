package io.rdpprobe.capture;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;

/** Subject, issuer, validity and SHA-256 fingerprint of a DER certificate, parsed with BouncyCastle. */
final class CertificateInfo {
    private CertificateInfo() {}

    /** Servers present the same certificate on every connection: parse each one once (bounded cache). */
    private static final Map<String, Map<String, Object>> CACHE = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> e) {
                    return size() > 256;
                }
            });

    static Map<String, Object> describe(byte[] der) {
        String fp = sha256(der);
        Map<String, Object> cached = CACHE.get(fp);
        if (cached != null) {
            return cached;
        }
        Map<String, Object> d = parse(der, fp);
        CACHE.put(fp, d);
        return d;
    }

    private static Map<String, Object> parse(byte[] der, String fp) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sha256", fp);
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
        return java.util.Collections.unmodifiableMap(m);
    }

    static String sha256(byte[] der) {
        try {
            return io.rdpprobe.protocol.codec.Wire.hex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
