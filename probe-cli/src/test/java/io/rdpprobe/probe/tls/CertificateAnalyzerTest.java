package io.rdpprobe.probe.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.demo.DemoCertificate;
import io.rdpprobe.probe.model.TlsCauses;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class CertificateAnalyzerTest {
    private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");
    private static final TrustSettings NO_ANCHORS = new TrustSettings(List.of(), Set.of(), false);

    private static DemoCertificate cert(String cn, Instant from, Instant to, int bits, String alg, String... sans) {
        return DemoCertificate.selfSigned(cn, from, to, bits, alg, sans);
    }

    private static DemoCertificate good() {
        return cert("localhost", NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(300)), 2048, "SHA256withRSA",
                "DNS:localhost", "IP:127.0.0.1");
    }

    private static List<byte[]> chain(X509Certificate... certs) throws Exception {
        List<byte[]> out = new java.util.ArrayList<>();
        for (X509Certificate c : certs) out.add(c.getEncoded());
        return out;
    }

    @Test
    void selfSignedIsAWarningAndTheKeyIsExtracted() throws Exception {
        DemoCertificate c = good();
        CertificateAnalysis a = CertificateAnalyzer.analyze(chain(c.certificate()), "localhost", NOW, NO_ANCHORS);
        assertThat(a.findings()).extracting(CertificateAnalysis.Finding::cause).containsExactly(TlsCauses.CERT_SELF_SIGNED);
        assertThat(a.mostSevere().fatal()).isFalse();
        assertThat(a.trusted()).isFalse();
        // the RSAPublicKey DER: SEQUENCE { modulus, exponent }, 270 bytes for RSA-2048
        assertThat(a.serverPublicKey()).hasSize(270);
        assertThat(a.serverPublicKey()[0]).isEqualTo((byte) 0x30);
        assertThat(a.certificates().get(0)).containsEntry("keyBits", 2048).containsEntry("selfSigned", true)
                .containsEntry("signatureAlgorithm", "SHA256withRSA");
    }

    /** Issue 18 #6: an IPv6 iPAddress SAN is printed compressed (IP:::1) and still matches a probe of [::1]. */
    @Test
    void ipv6SansAreCompressedAndMatch() throws Exception {
        DemoCertificate c = cert("localhost", NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(300)), 2048,
                "SHA256withRSA", "DNS:localhost", "IP:0:0:0:0:0:0:0:1");
        assertThat(CertificateAnalyzer.sans(c.certificate())).containsExactly("DNS:localhost", "IP:::1");
        assertThat(CertificateAnalyzer.nameMismatch(c.certificate(), "::1")).isNull();
        assertThat(CertificateAnalyzer.nameMismatch(c.certificate(), "0:0:0:0:0:0:0:1")).isNull();
        assertThat(CertificateAnalyzer.nameMismatch(c.certificate(), "::2")).contains("IP:::1").endsWith("connected to ::2");
    }

    @Test
    void expiredNamesTheDateAndHowLongAgo() throws Exception {
        DemoCertificate c = cert("localhost", Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2021-01-01T00:00:00Z"),
                2048, "SHA256withRSA", "DNS:localhost", "IP:127.0.0.1");
        CertificateAnalysis a = CertificateAnalyzer.analyze(chain(c.certificate()), "127.0.0.1", NOW, NO_ANCHORS);
        assertThat(a.mostSevere().cause()).isEqualTo(TlsCauses.CERT_EXPIRED);
        assertThat(a.mostSevere().detail()).contains("2021-01-01T00:00:00Z").contains("2149 days ago");
        assertThat(a.findings()).extracting(CertificateAnalysis.Finding::cause)
                .containsExactly(TlsCauses.CERT_EXPIRED, TlsCauses.CERT_SELF_SIGNED);
    }

    @Test
    void notYetValid() throws Exception {
        DemoCertificate c = cert("localhost", NOW.plus(Duration.ofDays(3)), NOW.plus(Duration.ofDays(30)), 2048,
                "SHA256withRSA", "DNS:localhost");
        assertThat(CertificateAnalyzer.analyze(chain(c.certificate()), "localhost", NOW, NO_ANCHORS).mostSevere().cause())
                .isEqualTo(TlsCauses.CERT_NOT_YET_VALID);
    }

    @Test
    void nameChecksCoverDnsIpWildcardsAndCommonName() throws Exception {
        DemoCertificate wrong = cert("wrong.example.invalid", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)),
                2048, "SHA256withRSA", "DNS:wrong.example.invalid");
        CertificateAnalysis a = CertificateAnalyzer.analyze(chain(wrong.certificate()), "localhost", NOW, NO_ANCHORS);
        assertThat(a.mostSevere().cause()).isEqualTo(TlsCauses.CERT_NAME_MISMATCH);
        assertThat(a.mostSevere().detail()).contains("DNS:wrong.example.invalid").contains("connected to localhost");

        X509Certificate ip = good().certificate();
        assertThat(CertificateAnalyzer.nameMismatch(ip, "127.0.0.1")).isNull();
        assertThat(CertificateAnalyzer.nameMismatch(ip, "LOCALHOST")).isNull();
        assertThat(CertificateAnalyzer.nameMismatch(ip, "10.0.0.1")).contains("connected to 10.0.0.1");
        assertThat(CertificateAnalyzer.matchesDns("*.corp.example", "rds1.corp.example")).isTrue();
        assertThat(CertificateAnalyzer.matchesDns("*.corp.example", "a.rds1.corp.example")).isFalse();
        X509Certificate cnOnly = cert("rds1.corp.example", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)),
                2048, "SHA256withRSA").certificate();
        assertThat(CertificateAnalyzer.nameMismatch(cnOnly, "rds1.corp.example")).isNull();
    }

    @Test
    void weakKeyAndCorruptDer() throws Exception {
        DemoCertificate weak = cert("localhost", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)), 1024,
                "SHA256withRSA", "DNS:localhost");
        CertificateAnalysis a = CertificateAnalyzer.analyze(chain(weak.certificate()), "localhost", NOW, NO_ANCHORS);
        assertThat(a.findings()).extracting(CertificateAnalysis.Finding::cause).contains(TlsCauses.CERT_WEAK_KEY);

        byte[] der = good().certificate().getEncoded();
        byte[] broken = java.util.Arrays.copyOf(der, der.length / 2);
        CertificateAnalysis bad = CertificateAnalyzer.analyze(List.of(broken), "localhost", NOW, NO_ANCHORS);
        assertThat(bad.mostSevere().cause()).isEqualTo(TlsCauses.CERT_CORRUPT);
        assertThat(bad.mostSevere().fatal()).isTrue();
        assertThat(CertificateAnalyzer.analyze(List.of(), "h", NOW, NO_ANCHORS).mostSevere().cause())
                .isEqualTo(TlsCauses.NO_CERTIFICATE);
    }

    @Test
    void caIssuedChainIsTrustedWithItsCaAndUntrustedWithout() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair caKey = g.generateKeyPair();
        KeyPair leafKey = g.generateKeyPair();
        X500Name caName = new X500Name("CN=Lab Root CA");
        var cab = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, Date.from(NOW.minus(Duration.ofDays(100))),
                Date.from(NOW.plus(Duration.ofDays(1000))), caName, caKey.getPublic());
        cab.addExtension(Extension.basicConstraints, true, new org.bouncycastle.asn1.x509.BasicConstraints(true));
        X509Certificate ca = new JcaX509CertificateConverter().getCertificate(
                cab.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKey.getPrivate())));
        var lb = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, Date.from(NOW.minus(Duration.ofDays(10))),
                Date.from(NOW.plus(Duration.ofDays(100))), new X500Name("CN=rds1.corp.example"), leafKey.getPublic());
        lb.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, "rds1.corp.example")));
        X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(
                lb.build(new JcaContentSignerBuilder("SHA1withRSA").build(caKey.getPrivate())));

        CertificateAnalysis untrusted = CertificateAnalyzer.analyze(chain(leaf), "rds1.corp.example", NOW, NO_ANCHORS);
        assertThat(untrusted.findings()).extracting(CertificateAnalysis.Finding::cause)
                .containsExactly(TlsCauses.CERT_UNTRUSTED, TlsCauses.CERT_WEAK_SIGNATURE);

        CertificateAnalysis trusted = CertificateAnalyzer.analyze(chain(leaf), "rds1.corp.example", NOW,
                new TrustSettings(List.of(ca), Set.of(), false));
        assertThat(trusted.trusted()).isTrue();
        assertThat(trusted.findings()).extracting(CertificateAnalysis.Finding::cause)
                .containsExactly(TlsCauses.CERT_WEAK_SIGNATURE);
    }

    @Test
    void pinsTrustTheExactCertificateAndFailOthers() throws Exception {
        DemoCertificate c = good();
        String fp = CertificateAnalyzer.sha256(c.certificate().getEncoded());
        String colons = fp.toUpperCase().replaceAll("(..)(?!$)", "$1:");
        CertificateAnalysis pinned = CertificateAnalyzer.analyze(chain(c.certificate()), "localhost", NOW,
                new TrustSettings(List.of(), Set.of(colons), false));
        assertThat(pinned.trusted()).isTrue();
        assertThat(pinned.findings()).isEmpty();
        CertificateAnalysis other = CertificateAnalyzer.analyze(chain(good().certificate()), "localhost", NOW,
                new TrustSettings(List.of(), Set.of(fp), false));
        assertThat(other.mostSevere().cause()).isEqualTo(TlsCauses.CERT_PIN_MISMATCH);
        assertThat(other.mostSevere().fatal()).isTrue();
    }
}
