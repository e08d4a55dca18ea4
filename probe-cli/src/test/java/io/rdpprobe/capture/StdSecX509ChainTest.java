package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 16: an X.509 chain in the Server Security Data (Standard RDP Security, MS-RDPBCGR 2.2.1.4.3.1.2) is read
 * certificate by certificate with the TLS stage's CertificateAnalyzer. The bytes are those of Zeek's real Windows
 * trace rdp-x509.pcap, as kept in Zeek's fuzzing seed corpus (../shared/corpus/zeek-rdp-corpus.zip, entry
 * rdp-x509.pkt, read in place: chunks "\1PKT" + direction (1 client, 2 server) + payload). The pcap itself is not in
 * ../shared/pcaps/zeek, so the payloads are replayed as one scripted TCP connection; retransmitted duplicate chunks
 * are dropped. Expected values are Zeek's x509.log ones (subject L=TURNBKL+CN=SERVR, 512-bit RSA, 2015/2016
 * validity), checked with openssl.
 */
class StdSecX509ChainTest {
    @TempDir
    Path dir;

    /** [client bytes, server bytes] of rdp-x509.pkt, or null when the corpus is absent. */
    static byte[][] x509Streams() throws IOException {
        Path z = ZeekAgreementTest.zeekDir();
        if (z == null) return null;
        Path zip = z.getParent().getParent().resolve("corpus/zeek-rdp-corpus.zip");
        if (!Files.exists(zip)) return null;
        byte[] pkt = null;
        try (InputStream in = Files.newInputStream(zip); ZipInputStream zin = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                if (e.getName().endsWith("rdp-x509.pkt")) pkt = zin.readAllBytes();
            }
        }
        if (pkt == null) return null;
        byte[] magic = {1, 'P', 'K', 'T'};
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i + 4 <= pkt.length; i++) {
            if (Arrays.equals(Arrays.copyOfRange(pkt, i, i + 4), magic)) starts.add(i);
        }
        ByteArrayOutputStream[] dirs = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        byte[][] last = new byte[2][];
        for (int k = 0; k < starts.size(); k++) {
            int from = starts.get(k) + 5;
            int to = k + 1 < starts.size() ? starts.get(k + 1) : pkt.length;
            int d = pkt[starts.get(k) + 4] == 1 ? 0 : 1;
            byte[] chunk = Arrays.copyOfRange(pkt, from, to);
            if (last[d] != null && Arrays.equals(last[d], chunk)) continue; // a retransmission
            last[d] = chunk;
            dirs[d].writeBytes(chunk);
        }
        return new byte[][] {dirs[0].toByteArray(), dirs[1].toByteArray()};
    }

    private Report analyse(long startNanos) throws IOException {
        byte[][] s = x509Streams();
        assumeTrue(s != null, "../shared/corpus/zeek-rdp-corpus.zip (rdp-x509.pkt) is absent");
        // client: CR then Connect-Initial; server: CC then Connect-Response, in that order
        int crLen = ((s[0][2] & 0xFF) << 8) | (s[0][3] & 0xFF);
        int ccLen = ((s[1][2] & 0xFF) << 8) | (s[1][3] & 0xFF);
        TcpConversation t = new TcpConversation(TestCaptures.C4, 49000, TestCaptures.S4, 3389, startNanos, 10, 20);
        t.handshake().client(Arrays.copyOf(s[0], crLen)).server(Arrays.copyOf(s[1], ccLen))
                .client(Arrays.copyOfRange(s[0], crLen, s[0].length)).server(Arrays.copyOfRange(s[1], ccLen, s[1].length));
        Path f = TestCaptures.write(dir.resolve("x509.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, t.packets());
        List<AnalyzedConnection> all = TestCaptures.analyze(f);
        assertThat(all).hasSize(1);
        return all.get(0).report();
    }

    private static StageResult mcs(Report r) {
        return r.stages().stream().filter(x -> x.stage() == Stage.MCS).findFirst().orElseThrow();
    }

    @Test
    void eachCertificateOfTheChainIsAnalysed() throws IOException {
        // dated as the real trace (February 2015: the server's self-signed certificate dates from 2015-02-11)
        Report r = analyse(java.time.Instant.parse("2015-02-12T15:40:00Z").toEpochMilli() * 1_000_000L);
        StageResult mcs = mcs(r);
        assertThat(mcs.status()).isEqualTo(Status.WARNING);
        // the live probe's MCS evidence keys (one interpretation, issue 12)
        assertThat(mcs.evidence()).containsEntry("certificateType", "X.509").containsEntry("certificateCount", 2)
                .containsEntry("certificatePermanent", false);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> certs = (List<Map<String, Object>>) mcs.evidence().get("serverCertificates");
        assertThat(certs).hasSize(2);
        Map<String, Object> leaf = certs.get(0); // the server's (last on the wire)
        // the serialNumber attribute ends in CR LF: escaped, so the report's lines stay lines
        assertThat(leaf).containsEntry("subject", "CN=ncalrpc:SERVR+L=ncalrpc:SERVR+SERIALNUMBER=1BcKefYSF97EvkaiCqahPY8uPd0\\=\\0D\\0A");
        assertThat(leaf).containsEntry("issuer", "CN=SERVR+L=TURNBKL").containsEntry("serial", "100000001")
                .containsEntry("notBefore", "2013-04-05T15:15:55Z").containsEntry("notAfter", "2016-12-31T23:59:59Z")
                .containsEntry("keyType", "RSA").containsEntry("keyBits", 512);
        Map<String, Object> root = certs.get(1);
        assertThat(root).containsEntry("subject", "CN=SERVR+L=TURNBKL").containsEntry("issuer", "CN=SERVR+L=TURNBKL")
                .containsEntry("serial", "59eb28cb02b1a0d4").containsEntry("notBefore", "2015-02-11T14:15:06Z")
                .containsEntry("notAfter", "2015-05-12T00:00:00Z").containsEntry("keyBits", 512)
                // Windows' signature on it does not verify with SHA1withRSA (JDK and BouncyCastle agree): said, not hidden
                .containsEntry("selfSigned", false)
                .containsEntry("selfIssued", "subject = issuer, but the signature does not verify with the certificate's own key");
        @SuppressWarnings("unchecked")
        List<String> findings = (List<String>) mcs.evidence().get("certificateFindings");
        assertThat(findings).anyMatch(f -> f.startsWith("CERT_WEAK_KEY: certificate 0 has a 512-bit RSA key"))
                .anyMatch(f -> f.startsWith("CERT_WEAK_KEY: certificate 1 has a 512-bit RSA key"))
                .anyMatch(f -> f.startsWith("CERT_WEAK_SIGNATURE: certificate 0 is signed with SHA1withRSA"))
                .anyMatch(f -> f.startsWith("CERT_UNTRUSTED: no path from CN=SERVR+L=TURNBKL"))
                .noneMatch(f -> f.startsWith("CERT_EXPIRED")) // valid when the server presented it
                .noneMatch(f -> f.startsWith("CERT_NAME_MISMATCH")); // no name check under Standard RDP Security
        assertThat(mcs.cause().code()).isEqualTo("CERT_UNTRUSTED");
        assertThat(mcs.evidence().get("certificatesJudgedAt").toString()).startsWith("2015-02-12T15:40:00");
    }

    @Test
    void aChainPresentedAfterItsDatesIsExpired() throws IOException {
        // the same handshake captured in 2017: both certificates had expired by then
        Report r = analyse(java.time.Instant.parse("2017-01-15T00:00:00Z").toEpochMilli() * 1_000_000L);
        StageResult mcs = mcs(r);
        assertThat(mcs.status()).isEqualTo(Status.WARNING);
        assertThat(mcs.cause().code()).isEqualTo("CERT_EXPIRED");
        assertThat(mcs.summary()).contains("server certificate chain: expired 2016-12-31T23:59:59Z (14 days ago)");
        @SuppressWarnings("unchecked")
        List<String> findings = (List<String>) mcs.evidence().get("certificateFindings");
        assertThat(findings).contains("CERT_EXPIRED: certificate 1 (CN=SERVR+L=TURNBKL) expired 2015-05-12T00:00:00Z (614 days ago); "
                + "valid from 2015-02-11T14:15:06Z");
    }
}
