package io.rdpprobe.demo;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed certificates for the demo target and tests, generated in memory with BouncyCastle. */
public record DemoCertificate(KeyPair keyPair, X509Certificate certificate) {

    /** A certificate like the one a Windows RDP host generates: self-signed, RSA 2048, SHA-256, a year long. */
    public static DemoCertificate selfSigned(String cn, Instant notBefore, Instant notAfter, int rsaBits, String sigAlg,
                                             String... sans) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(rsaBits);
            KeyPair kp = g.generateKeyPair();
            X500Name name = new X500Name("CN=" + cn);
            var b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(System.nanoTime() & 0x7fffffffL),
                    Date.from(notBefore), Date.from(notAfter), name, kp.getPublic());
            if (sans.length > 0) {
                GeneralName[] gn = new GeneralName[sans.length];
                for (int i = 0; i < sans.length; i++) {
                    String s = sans[i];
                    gn[i] = s.startsWith("IP:") ? new GeneralName(GeneralName.iPAddress, s.substring(3))
                            : new GeneralName(GeneralName.dNSName, s.startsWith("DNS:") ? s.substring(4) : s);
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(gn));
            }
            var signer = new JcaContentSignerBuilder(sigAlg).build(kp.getPrivate());
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(signer));
            return new DemoCertificate(kp, cert);
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate a certificate: " + e, e);
        }
    }

    public static DemoCertificate demo() {
        Instant now = Instant.now();
        return selfSigned("rdp-probe-demo", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)), 2048,
                "SHA256withRSA", "DNS:localhost", "DNS:demo", "IP:127.0.0.1", "IP:::1");
    }
}
