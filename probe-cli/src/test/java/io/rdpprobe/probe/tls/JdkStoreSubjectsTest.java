package io.rdpprobe.probe.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.demo.DemoCertificate;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/** The JDK store's subjects without its certificates (issue 13): the same answer as the anchors, or none. */
class JdkStoreSubjectsTest {
    private static final Instant NOW = Instant.now();

    private static X509Certificate selfSigned(String cn) {
        return DemoCertificate.selfSigned(cn, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)), 2048,
                "SHA256withRSA", "DNS:" + cn).certificate();
    }

    private static byte[] jks(X509Certificate... certs) throws Exception {
        KeyStore ks = KeyStore.getInstance("JKS");
        ks.load(null, null);
        for (int i = 0; i < certs.length; i++) {
            ks.setCertificateEntry("c" + i, certs[i]);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ks.store(out, "changeit".toCharArray());
        return out.toByteArray();
    }

    @Test
    void theIndexOfThisJdksStoreHoldsExactlyTheSubjectsOfItsAnchors() throws Exception {
        Path dir = Path.of(System.getProperty("java.home"), "lib", "security");
        Path store = Files.isRegularFile(dir.resolve("jssecacerts")) ? dir.resolve("jssecacerts") : dir.resolve("cacerts");
        byte[] head = Arrays.copyOf(Files.readAllBytes(store), 4);
        List<X500Principal> index = JdkStoreSubjects.read();
        if (!Arrays.equals(head, new byte[] {(byte) 0xFE, (byte) 0xED, (byte) 0xFE, (byte) 0xED})) {
            assertThat(index).as("not JKS: the anchors are read as before").isNull();
            return;
        }
        Set<X500Principal> loaded = TrustSettings.jdkAnchors().stream()
                .map(X509Certificate::getSubjectX500Principal).collect(Collectors.toSet());
        assertThat(loaded).hasSizeGreaterThan(50);
        assertThat(Set.copyOf(index)).isEqualTo(loaded);
        for (X500Principal p : loaded) {
            assertThat(JdkStoreSubjects.contains(index, p)).isTrue();
        }
        assertThat(JdkStoreSubjects.contains(index, new X500Principal("CN=localhost"))).isFalse();
    }

    @Test
    void aJksOfTrustedCertificatesGivesTheirSubjects() throws Exception {
        X509Certificate a = selfSigned("a.example");
        X509Certificate b = selfSigned("b.example");
        assertThat(JdkStoreSubjects.subjectsOfJks(jks(a, b)))
                .containsExactlyInAnyOrder(a.getSubjectX500Principal(), b.getSubjectX500Principal());
        // canonical equality, as the JDK compares names: case and spacing do not matter
        assertThat(JdkStoreSubjects.contains(JdkStoreSubjects.subjectsOfJks(jks(a)), new X500Principal("cn=  A.EXAMPLE")))
                .isTrue();
        assertThat(JdkStoreSubjects.contains(JdkStoreSubjects.subjectsOfJks(jks(a)), new X500Principal("CN=b.example")))
                .isFalse();
        assertThat(JdkStoreSubjects.subjectsOfJks(jks())).isEmpty();
    }

    @Test
    void anythingElseGivesNullSoTheAnchorsAreReadAsBefore() throws Exception {
        byte[] good = jks(selfSigned("a.example"));
        assertThat(JdkStoreSubjects.subjectsOfJks(new byte[0])).isNull();
        assertThat(JdkStoreSubjects.subjectsOfJks(new byte[] {0x30, (byte) 0x82, 1, 0, 2, 1, 3})).isNull(); // PKCS12 starts so
        for (int cut = 1; cut < good.length - 20; cut += 7) { // truncated anywhere before the keyed digest
            assertThat(JdkStoreSubjects.subjectsOfJks(Arrays.copyOf(good, cut))).as("cut at %d", cut).isNull();
        }
        byte[] huge = good.clone();
        huge[11] = 0x7F; // an entry count no file of this size holds
        assertThat(JdkStoreSubjects.subjectsOfJks(huge)).isNull();
        KeyStore ks = KeyStore.getInstance("JKS");
        ks.load(null, null);
        DemoCertificate key = DemoCertificate.selfSigned("k.example", NOW, NOW.plus(Duration.ofDays(1)), 2048,
                "SHA256withRSA", "DNS:k.example");
        ks.setKeyEntry("k", key.keyPair().getPrivate(), "pw".toCharArray(), new java.security.cert.Certificate[] {key.certificate()});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ks.store(out, "changeit".toCharArray());
        assertThat(JdkStoreSubjects.subjectsOfJks(out.toByteArray())).as("a key entry").isNull();
        assertThat(JdkStoreSubjects.subjectOf(new byte[] {0x30, 0x03, 0x30, 0x01, 0x02}, 0, 5)).isNull();
    }

    @Test
    void theJdkDefaultsStillTrustAnAnchorAndNotASelfSignedServer() throws Exception {
        X509Certificate anchor = TrustSettings.jdkAnchors().get(0);
        assertThat(CertificateAnalyzer.chainsToAnchor(List.of(anchor), TrustSettings.jdkAnchors())).isTrue();
        X509Certificate server = selfSigned("rds1.corp.example");
        assertThat(CertificateAnalyzer.chainsToAnchor(List.of(server), TrustSettings.jdkAnchors())).isFalse();
        assertThat(CertificateAnalyzer.chainsToAnchor(List.of(server), TrustSettings.jdkAnchorsPlus(List.of(server))))
                .as("an extra anchor (--ca) equal to the leaf").isTrue();
    }
}
