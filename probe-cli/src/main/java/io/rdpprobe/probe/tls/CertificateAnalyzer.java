package io.rdpprobe.probe.tls;

import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.TlsCauses;
import io.rdpprobe.protocol.codec.Wire;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Checks a server certificate chain the way an RDP engineer would: parse, validity against a given instant,
 * the probed name or IP against the SANs, trust (JDK store, --ca, pins), self-signed, weak key and weak
 * signature. Pure: the time and the trust anchors are inputs.
 */
public final class CertificateAnalyzer {
    private static final List<Cause> SEVERITY = List.of(TlsCauses.CERT_CORRUPT, TlsCauses.NO_CERTIFICATE,
            TlsCauses.CERT_PIN_MISMATCH, TlsCauses.CERT_EXPIRED, TlsCauses.CERT_NOT_YET_VALID,
            TlsCauses.CERT_NAME_MISMATCH, TlsCauses.CERT_UNTRUSTED, TlsCauses.CERT_WEAK_SIGNATURE,
            TlsCauses.CERT_WEAK_KEY, TlsCauses.CERT_SELF_SIGNED);

    private CertificateAnalyzer() {}

    public static CertificateAnalysis analyze(List<byte[]> chainDer, String probedHost, Instant now, TrustSettings trust) {
        List<Map<String, Object>> evidence = new ArrayList<>();
        List<CertificateAnalysis.Finding> findings = new ArrayList<>();
        if (chainDer.isEmpty()) {
            findings.add(new CertificateAnalysis.Finding(TlsCauses.NO_CERTIFICATE, "the server's Certificate message was empty", true));
            return new CertificateAnalysis(evidence, findings, null, false, null);
        }
        List<X509Certificate> chain = new ArrayList<>();
        byte[] publicKey = null;
        CertificateFactory cf;
        try {
            cf = CertificateFactory.getInstance("X.509");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < chainDer.size(); i++) {
            byte[] der = chainDer.get(i);
            try {
                Certificate.getInstance(der); // strict DER parse first
                X509Certificate x = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
                chain.add(x);
                evidence.add(describe(x, der));
                if (i == 0) {
                    publicKey = SubjectPublicKeyInfo.getInstance(x.getPublicKey().getEncoded()).getPublicKeyData().getBytes();
                }
            } catch (Exception | Error e) {
                Map<String, Object> bad = new LinkedHashMap<>();
                bad.put("index", i);
                bad.put("length", der.length);
                bad.put("sha256", sha256(der));
                bad.put("error", String.valueOf(e.getMessage()));
                bad.put("firstBytes", Wire.hex(java.util.Arrays.copyOf(der, Math.min(16, der.length))));
                evidence.add(bad);
                findings.add(new CertificateAnalysis.Finding(TlsCauses.CERT_CORRUPT,
                        "certificate " + i + " (" + der.length + " bytes) does not parse: " + e.getMessage(), true));
                return new CertificateAnalysis(evidence, findings, publicKey, false, i == 0 ? sha256(der) : null);
            }
        }
        X509Certificate leaf = chain.get(0);
        String leafSha = sha256(chainDer.get(0));
        boolean pinned = trust.isPinned(leafSha);
        if (trust.trustsSomething() && !pinned) {
            findings.add(new CertificateAnalysis.Finding(TlsCauses.CERT_PIN_MISMATCH,
                    "leaf SHA-256 " + leafSha + " is not among the pinned fingerprints " + trust.pinnedSha256(), true));
        }
        // validity
        Instant nb = leaf.getNotBefore().toInstant();
        Instant na = leaf.getNotAfter().toInstant();
        if (now.isAfter(na)) {
            findings.add(new CertificateAnalysis.Finding(TlsCauses.CERT_EXPIRED,
                    "expired " + na + " (" + ago(Duration.between(na, now)) + " ago); valid from " + nb, false));
        } else if (now.isBefore(nb)) {
            findings.add(new CertificateAnalysis.Finding(TlsCauses.CERT_NOT_YET_VALID,
                    "valid only from " + nb + " (in " + ago(Duration.between(now, nb)) + "); check both clocks", false));
        }
        // name
        String nameProblem = nameMismatch(leaf, probedHost);
        if (nameProblem != null) {
            findings.add(new CertificateAnalysis.Finding(TlsCauses.CERT_NAME_MISMATCH, nameProblem, false));
        }
        // trust
        boolean selfSigned = isSelfSigned(leaf);
        boolean chainsToAnchor = chainsToAnchor(chain, trust.anchors());
        boolean trusted = pinned || chainsToAnchor;
        if (!trusted) {
            if (selfSigned) {
                findings.add(new CertificateAnalysis.Finding(TlsCauses.CERT_SELF_SIGNED,
                        "self-signed: subject = issuer = " + leaf.getSubjectX500Principal().getName(), false));
            } else {
                findings.add(new CertificateAnalysis.Finding(TlsCauses.CERT_UNTRUSTED,
                        "no path from " + leaf.getIssuerX500Principal().getName() + " to a trusted root", false));
            }
        }
        // strength
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate x = chain.get(i);
            int bits = keyBits(x);
            String keyType = x.getPublicKey().getAlgorithm();
            if (("RSA".equals(keyType) && bits > 0 && bits < 2048) || ("EC".equals(keyType) && bits > 0 && bits < 256)) {
                findings.add(new CertificateAnalysis.Finding(TlsCauses.CERT_WEAK_KEY,
                        "certificate " + i + " has a " + bits + "-bit " + keyType + " key", false));
            }
            String sig = x.getSigAlgName().toUpperCase(Locale.ROOT);
            if (!isSelfSigned(x) && (sig.contains("MD5") || sig.contains("MD2") || sig.contains("SHA1"))) {
                findings.add(new CertificateAnalysis.Finding(TlsCauses.CERT_WEAK_SIGNATURE,
                        "certificate " + i + " is signed with " + x.getSigAlgName(), false));
            }
        }
        findings.sort(Comparator.comparingInt(f -> SEVERITY.indexOf(f.cause())));
        return new CertificateAnalysis(evidence, findings, publicKey, trusted, leafSha);
    }

    static Map<String, Object> describe(X509Certificate x, byte[] der) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", x.getSubjectX500Principal().getName(X500Principal.RFC2253));
        m.put("issuer", x.getIssuerX500Principal().getName(X500Principal.RFC2253));
        m.put("sans", sans(x));
        m.put("notBefore", x.getNotBefore().toInstant().toString());
        m.put("notAfter", x.getNotAfter().toInstant().toString());
        m.put("keyType", x.getPublicKey().getAlgorithm());
        m.put("keyBits", keyBits(x));
        m.put("signatureAlgorithm", x.getSigAlgName());
        m.put("sha256", sha256(der));
        m.put("serial", x.getSerialNumber().toString(16));
        m.put("selfSigned", isSelfSigned(x));
        return m;
    }

    static List<String> sans(X509Certificate x) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> alt = x.getSubjectAlternativeNames();
            if (alt != null) {
                for (List<?> e : alt) {
                    int type = (Integer) e.get(0);
                    if (type == 2) out.add("DNS:" + e.get(1));
                    else if (type == 7) out.add("IP:" + ipText(String.valueOf(e.get(1))));
                    else out.add("type" + type + ":" + e.get(1));
                }
            }
        } catch (Exception ignored) {
            // unparsable SAN extension: reported as no SANs
        }
        return out;
    }

    /** Null when the certificate names the host; otherwise what it names instead. */
    static String nameMismatch(X509Certificate x, String host) {
        List<String> sans = sans(x);
        boolean ip = io.rdpprobe.probe.connector.HostNames.isAddressLiteral(host);
        String cn = commonName(x);
        if (ip) {
            String want = normalizeIp(host);
            for (String s : sans) {
                if (s.startsWith("IP:") && want != null && want.equals(normalizeIp(s.substring(3)))) {
                    return null;
                }
            }
            if (sans.isEmpty() && host.equals(cn)) {
                return null;
            }
        } else {
            List<String> dns = sans.stream().filter(s -> s.startsWith("DNS:")).map(s -> s.substring(4)).toList();
            List<String> names = dns.isEmpty() && cn != null ? List.of(cn) : dns;
            for (String n : names) {
                if (matchesDns(n, host)) {
                    return null;
                }
            }
        }
        return "certificate names " + (sans.isEmpty() ? "CN=" + cn : String.join(", ", sans) + (cn != null ? " (CN=" + cn + ")" : ""))
                + " but the probe connected to " + host;
    }

    static boolean matchesDns(String pattern, String host) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String h = host.toLowerCase(Locale.ROOT);
        if (p.endsWith(".")) p = p.substring(0, p.length() - 1);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot + 1).equals(p.substring(2));
        }
        return p.equals(h);
    }

    private static String normalizeIp(String s) {
        try {
            return io.rdpprobe.probe.connector.HostNames.address(InetAddress.getByName(s));
        } catch (Exception e) {
            return null;
        }
    }

    /** An iPAddress SAN as the probe prints addresses (IPv6 compressed: ::1); unparsable text as it came. */
    private static String ipText(String literal) {
        String n = io.rdpprobe.probe.connector.HostNames.isAddressLiteral(literal) ? normalizeIp(literal) : null;
        return n == null ? literal : n;
    }

    static String commonName(X509Certificate x) {
        String dn = x.getSubjectX500Principal().getName(X500Principal.RFC2253);
        for (String part : dn.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
            if (part.trim().toUpperCase(Locale.ROOT).startsWith("CN=")) {
                return part.trim().substring(3);
            }
        }
        return null;
    }

    static boolean isSelfSigned(X509Certificate x) {
        if (!x.getSubjectX500Principal().equals(x.getIssuerX500Principal())) {
            return false;
        }
        try {
            x.verify(x.getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static boolean chainsToAnchor(List<X509Certificate> chain, List<X509Certificate> anchors) {
        if (anchors.isEmpty()) {
            return false;
        }
        // A certificate that is itself an anchor is trusted.
        for (X509Certificate a : anchors) {
            if (a.equals(chain.get(0))) {
                return true;
            }
        }
        try {
            Set<TrustAnchor> ta = new HashSet<>();
            for (X509Certificate a : anchors) {
                ta.add(new TrustAnchor(a, null));
            }
            List<X509Certificate> path = new ArrayList<>();
            for (X509Certificate c : chain) {
                if (!(isSelfSigned(c) && path.size() > 0)) {
                    path.add(c);
                }
            }
            PKIXParameters params = new PKIXParameters(ta);
            params.setRevocationEnabled(false);
            // Judge the path, not the dates (expiry is its own finding): validate at the leaf's start time.
            params.setDate(new Date(chain.get(0).getNotBefore().getTime() + 1000));
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    static int keyBits(X509Certificate x) {
        if (x.getPublicKey() instanceof RSAPublicKey r) {
            return r.getModulus().bitLength();
        }
        if (x.getPublicKey() instanceof ECPublicKey e) {
            return e.getParams().getOrder().bitLength();
        }
        return -1;
    }

    public static String sha256(byte[] der) {
        try {
            return Wire.hex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String ago(Duration d) {
        long days = d.toDays();
        if (days >= 2) return days + " days";
        long hours = d.toHours();
        if (hours >= 2) return hours + " hours";
        return Math.max(1, d.toMinutes()) + " minutes";
    }

}
