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

    /**
     * BouncyCastle's JCA provider, for the certificates the JDK will not parse. Created on first use: its set-up
     * (every algorithm and named curve) costs about a second of CPU, which a probe of an ordinary certificate need
     * not pay (a scan paid it on an event loop, stalling every connection on it).
     */
    private static final class Bc {
        static final java.security.Provider PROVIDER = new org.bouncycastle.jce.provider.BouncyCastleProvider();
    }

    /**
     * What one {@link #analyze} call has worked out per certificate (by identity: nothing is kept across calls or
     * shared between servers): its BouncyCastle parse and whether it is self-signed (a signature verification).
     * The analysis asks both several times per certificate.
     */
    private static final class Memo {
        final Map<X509Certificate, Certificate> parsed = new java.util.IdentityHashMap<>();
        final Map<X509Certificate, Boolean> selfSigned = new java.util.IdentityHashMap<>();
    }

    private static final ThreadLocal<Memo> MEMO = new ThreadLocal<>();

    /** The trust anchors of one anchor list (the JDK store: about 140), built once per list rather than per probe. */
    private record Anchors(List<X509Certificate> list, Set<TrustAnchor> anchors,
                           Set<javax.security.auth.x500.X500Principal> subjects) {}

    private static volatile Anchors lastAnchors;

    private CertificateAnalyzer() {}

    /** The subject as an RFC 2253 string, rendered from the DER with BouncyCastle (see {@link #rfc2253}). */
    static String subject(X509Certificate x) {
        return rfc2253(bcCertificate(x).getSubject());
    }

    static String issuer(X509Certificate x) {
        return rfc2253(bcCertificate(x).getIssuer());
    }

    private static Certificate bcCertificate(X509Certificate x) {
        Memo memo = MEMO.get();
        if (memo != null) {
            Certificate c = memo.parsed.get(x);
            if (c == null) {
                c = parseBc(x);
                memo.parsed.put(x, c);
            }
            return c;
        }
        return parseBc(x);
    }

    private static Certificate parseBc(X509Certificate x) {
        try {
            return Certificate.getInstance(x.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static final Map<org.bouncycastle.asn1.ASN1ObjectIdentifier, String> RFC2253_KEYWORDS = Map.of(
            org.bouncycastle.asn1.x500.style.BCStyle.CN, "CN", org.bouncycastle.asn1.x500.style.BCStyle.C, "C",
            org.bouncycastle.asn1.x500.style.BCStyle.L, "L", org.bouncycastle.asn1.x500.style.BCStyle.ST, "ST",
            org.bouncycastle.asn1.x500.style.BCStyle.O, "O", org.bouncycastle.asn1.x500.style.BCStyle.OU, "OU",
            org.bouncycastle.asn1.x500.style.BCStyle.STREET, "STREET", org.bouncycastle.asn1.x500.style.BCStyle.DC, "DC",
            org.bouncycastle.asn1.x500.style.BCStyle.UID, "UID");

    /**
     * RFC 2253 order (last RDN first), multi-valued RDNs joined with '+' in wire order, RFC 2253 keywords, other
     * attributes by BouncyCastle's display name (SERIALNUMBER, E, ...), values decoded whatever their string type
     * (the JDK shows BMPString values as "\00S\00E...").
     */
    /** Control characters as RFC 4514 hex escapes ("\\0D\\0A"), so a name never breaks a line of the report. */
    static String escapeControls(String v) {
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch < 0x20 || ch == 0x7F) b.append(String.format("\\%02X", (int) ch));
            else b.append(ch);
        }
        return b.toString();
    }

    static String rfc2253(org.bouncycastle.asn1.x500.X500Name n) {
        org.bouncycastle.asn1.x500.RDN[] rdns = n.getRDNs();
        StringBuilder b = new StringBuilder();
        for (int i = rdns.length - 1; i >= 0; i--) {
            if (b.length() > 0) b.append(',');
            org.bouncycastle.asn1.x500.AttributeTypeAndValue[] avas = rdns[i].getTypesAndValues();
            for (int k = 0; k < avas.length; k++) {
                if (k > 0) b.append('+');
                org.bouncycastle.asn1.ASN1ObjectIdentifier t = avas[k].getType();
                String key = RFC2253_KEYWORDS.get(t);
                if (key == null) key = org.bouncycastle.asn1.x500.style.BCStyle.INSTANCE.oidToDisplayName(t);
                if (key == null) key = t.getId();
                b.append(key.toUpperCase(Locale.ROOT)).append('=')
                        .append(escapeControls(org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(avas[k].getValue())));
            }
        }
        return b.toString();
    }

    /**
     * The X.509 chain of a SERVER_CERTIFICATE under Standard RDP Security (MS-RDPBCGR 2.2.1.4.3.1, X.509
     * Certificate Chain of 2.2.1.4.3.1.2 and MS-RDPELE 2.2.1.4.2), given in wire order, where the server's own
     * certificate is the LAST one. It is analysed exactly as a TLS chain, leaf first (so "certificate 0" in the
     * evidence and findings is the server's), without a host name check: the client does not match names there.
     */
    public static CertificateAnalysis analyzeStandardSecurityChain(List<byte[]> wireOrder, Instant at, TrustSettings trust) {
        List<byte[]> leafFirst = new ArrayList<>(wireOrder);
        java.util.Collections.reverse(leafFirst);
        return analyze(leafFirst, null, at, trust);
    }

    /**
     * @param probedHost the name or address the certificate must match; null when no name applies (then there is no
     *                   name check)
     */
    public static CertificateAnalysis analyze(List<byte[]> chainDer, String probedHost, Instant now, TrustSettings trust) {
        Memo outer = MEMO.get();
        MEMO.set(new Memo());
        try {
            return analyzeOnce(chainDer, probedHost, now, trust);
        } finally {
            MEMO.set(outer);
        }
    }

    private static CertificateAnalysis analyzeOnce(List<byte[]> chainDer, String probedHost, Instant now, TrustSettings trust) {
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
                X509Certificate x;
                try {
                    x = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
                } catch (java.security.cert.CertificateException jdk) {
                    // The JDK rejects some names BouncyCastle reads (BMPString attributes, as in the certificates
                    // Windows' licensing hierarchy issues for Standard RDP Security): parse those with BC.
                    x = (X509Certificate) CertificateFactory.getInstance("X.509", Bc.PROVIDER).generateCertificate(new ByteArrayInputStream(der));
                }
                chain.add(x);
                evidence.add(describe(x, der));
                if (i == 0) {
                    publicKey = bcCertificate(x).getSubjectPublicKeyInfo().getPublicKeyData().getBytes();
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
        // the other certificates' validity: an expired or not yet valid issuer breaks the chain as well
        for (int i = 1; i < chain.size(); i++) {
            X509Certificate x = chain.get(i);
            Instant xnb = x.getNotBefore().toInstant();
            Instant xna = x.getNotAfter().toInstant();
            String who = "certificate " + i + " (" + subject(x) + ")";
            if (now.isAfter(xna)) {
                findings.add(new CertificateAnalysis.Finding(TlsCauses.CERT_EXPIRED,
                        who + " expired " + xna + " (" + ago(Duration.between(xna, now)) + " ago); valid from " + xnb, false));
            } else if (now.isBefore(xnb)) {
                findings.add(new CertificateAnalysis.Finding(TlsCauses.CERT_NOT_YET_VALID,
                        who + " is valid only from " + xnb + " (in " + ago(Duration.between(now, xnb)) + "); check both clocks", false));
            }
        }
        // name
        String nameProblem = probedHost == null ? null : nameMismatch(leaf, probedHost);
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
                        "self-signed: subject = issuer = " + subject(leaf), false));
            } else {
                findings.add(new CertificateAnalysis.Finding(TlsCauses.CERT_UNTRUSTED,
                        "no path from " + issuer(leaf) + " to a trusted root", false));
            }
        }
        // strength
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate x = chain.get(i);
            int bits = keyBits(x);
            String keyType = keyType(x);
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
        m.put("subject", subject(x));
        m.put("issuer", issuer(x));
        m.put("sans", sans(x));
        m.put("notBefore", x.getNotBefore().toInstant().toString());
        m.put("notAfter", x.getNotAfter().toInstant().toString());
        m.put("keyType", keyType(x));
        if (x.getPublicKey() == null) {
            m.put("keyAlgorithm", bcCertificate(x).getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId()
                    + " (not a key algorithm; read as an RSA key, as Windows does)");
        }
        m.put("keyBits", keyBits(x));
        m.put("signatureAlgorithm", x.getSigAlgName());
        m.put("sha256", sha256(der));
        m.put("serial", x.getSerialNumber().toString(16));
        m.put("selfSigned", isSelfSigned(x));
        Certificate bc = bcCertificate(x);
        if (bc.getSubject().equals(bc.getIssuer()) && !isSelfSigned(x)) {
            m.put("selfIssued", "subject = issuer, but the signature does not verify with the certificate's own key");
        }
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
        String dn = subject(x);
        for (String part : dn.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
            if (part.trim().toUpperCase(Locale.ROOT).startsWith("CN=")) {
                return part.trim().substring(3);
            }
        }
        return null;
    }

    static boolean isSelfSigned(X509Certificate x) {
        Memo memo = MEMO.get();
        if (memo == null) {
            return verifiesItself(x);
        }
        Boolean known = memo.selfSigned.get(x);
        if (known == null) {
            known = verifiesItself(x);
            memo.selfSigned.put(x, known);
        }
        return known;
    }

    private static boolean verifiesItself(X509Certificate x) {
        Certificate bc = bcCertificate(x);
        if (!bc.getSubject().equals(bc.getIssuer())) {
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
        List<X509Certificate> path;
        try {
            path = pathOf(chain);
        } catch (RuntimeException e) {
            path = null; // as before: the anchor comparison below, then false
        }
        // The JDK's anchors are read only when one may be the leaf or the path's issuer (issue 13): an anchor equal
        // to the leaf has the leaf's subject, and PKIX needs an anchor whose subject is the last issuer.
        if (path != null && anchors instanceof TrustSettings.WithJdkAnchors jdk
                && !jdk.mayHaveSubject(chain.get(0).getSubjectX500Principal())
                && !jdk.mayHaveSubject(path.get(path.size() - 1).getIssuerX500Principal())) {
            return false;
        }
        if (anchors.isEmpty()) {
            return false;
        }
        // A certificate that is itself an anchor is trusted.
        for (X509Certificate a : anchors) {
            if (a.equals(chain.get(0))) {
                return true;
            }
        }
        if (path == null) {
            return false;
        }
        try {
            Anchors known = anchorsOf(anchors);
            // PKIX needs the path's last certificate to be issued by an anchor, matched by name: when no anchor
            // has that subject, validation fails, so it is not run (the usual case: RDP's self-signed certificate)
            if (!known.subjects().contains(path.get(path.size() - 1).getIssuerX500Principal())) {
                return false;
            }
            PKIXParameters params = new PKIXParameters(known.anchors());
            params.setRevocationEnabled(false);
            // Judge the path, not the dates (expiry is its own finding): validate at the leaf's start time.
            params.setDate(new Date(chain.get(0).getNotBefore().getTime() + 1000));
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** The chain as PKIX validates it: every certificate but a self-signed one after the first. */
    private static List<X509Certificate> pathOf(List<X509Certificate> chain) {
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate c : chain) {
            if (!(isSelfSigned(c) && path.size() > 0)) {
                path.add(c);
            }
        }
        return path;
    }

    private static Anchors anchorsOf(List<X509Certificate> anchors) {
        Anchors a = lastAnchors;
        if (a != null && a.list() == anchors) {
            return a;
        }
        Set<TrustAnchor> ta = new HashSet<>();
        Set<javax.security.auth.x500.X500Principal> subjects = new HashSet<>();
        for (X509Certificate c : anchors) {
            ta.add(new TrustAnchor(c, null));
            subjects.add(c.getSubjectX500Principal());
        }
        a = new Anchors(anchors, Set.copyOf(ta), Set.copyOf(subjects));
        lastAnchors = a;
        return a;
    }

    static int keyBits(X509Certificate x) {
        if (x.getPublicKey() instanceof RSAPublicKey r) {
            return r.getModulus().bitLength();
        }
        if (x.getPublicKey() instanceof ECPublicKey e) {
            return e.getParams().getOrder().bitLength();
        }
        if (x.getPublicKey() == null && isRsaFamily(x)) {
            try {
                return org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(bcCertificate(x).getSubjectPublicKeyInfo().parsePublicKey())
                        .getModulus().bitLength();
            } catch (Exception e) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * The key's algorithm. Certificates of Windows' licensing hierarchy (Standard RDP Security) label their RSA key
     * with a signature algorithm (md5WithRSAEncryption, 1.2.840.113549.1.1.4), which neither the JDK nor BouncyCastle
     * turn into a key: an OID of the PKCS #1 family is read as RSA.
     */
    static String keyType(X509Certificate x) {
        if (x.getPublicKey() != null) {
            return x.getPublicKey().getAlgorithm();
        }
        return isRsaFamily(x) ? "RSA" : bcCertificate(x).getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId();
    }

    private static boolean isRsaFamily(X509Certificate x) {
        return bcCertificate(x).getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId().startsWith("1.2.840.113549.1.1.");
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
