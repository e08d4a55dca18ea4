package io.rdpprobe.capture;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;

/** Subject, issuer, validity and SHA-256 fingerprint of a DER certificate, parsed with BouncyCastle. */
final class CertificateInfo {
    private CertificateInfo() {}

    /**
     * Servers present the same certificate on every connection: parse and hash each one once (bounded cache, keyed by
     * the DER bytes themselves, so a certificate seen again costs one array comparison, not a SHA-256).
     */
    private static final Map<Der, Map<String, Object>> CACHE = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<Der, Map<String, Object>> e) {
                    return size() > 256;
                }
            });

    /** A certificate's DER bytes as a map key (content equality; the array is the caller's copy and never changed). */
    private record Der(byte[] bytes, int hash) {
        Der(byte[] bytes) {
            this(bytes, java.util.Arrays.hashCode(bytes));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Der d && d.hash == hash && java.util.Arrays.equals(d.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    static Map<String, Object> describe(byte[] der) {
        Der key = new Der(der);
        Map<String, Object> cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        Map<String, Object> d = parse(der, sha256(der));
        CACHE.put(key, d);
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
