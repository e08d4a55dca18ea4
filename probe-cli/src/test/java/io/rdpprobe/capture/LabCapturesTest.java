package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The captures the project recorded from its own lab servers (testdata/captures, PROVENANCE.md there) give the
 * verdicts a person reading them in Wireshark would reach.
 */
class LabCapturesTest {
    private static final Path DIR = Files.isDirectory(Path.of("../testdata/captures"))
            ? Path.of("../testdata/captures") : Path.of("testdata/captures");

    private static Report only(String name) throws Exception {
        List<AnalyzedConnection> all = CaptureAnalyzer.analyzeAll(DIR.resolve(name));
        assertThat(all).as(name).hasSize(1);
        return all.get(0).report();
    }

    private static StageResult stage(Report r, Stage s) {
        return r.stages().stream().filter(x -> x.stage() == s).findFirst().orElseThrow();
    }

    @Test
    void xfreerdpToXrdpOverTls() throws Exception {
        Report r = only("xrdp-tls-xfreerdp-connect.pcap");
        assertThat(stage(r, Stage.X224).evidence()).containsEntry("selected", "SSL");
        StageResult tls = stage(r, Stage.TLS);
        assertThat(tls.status()).isEqualTo(Status.OK);
        assertThat(tls.summary()).contains("TLS 1.3").contains("TLS_AES_256_GCM_SHA384");
        assertThat(r.verdict().status()).isEqualTo(Status.OK);
    }

    @Test
    void xfreerdpToShadowWithNla() throws Exception {
        Report ok = only("shadow-nla-authonly-ok.pcap");
        assertThat(stage(ok, Stage.X224).evidence()).containsEntry("selected", "HYBRID");
        assertThat(ok.verdict().stage()).isEqualTo(Stage.CREDSSP);
        assertThat(ok.verdict().status()).isEqualTo(Status.OK);
        assertThat(ok.verdict().summary()).contains("most likely passed");

        Report bad = only("shadow-nla-authonly-wrongpass.pcap");
        assertThat(bad.verdict().stage()).isEqualTo(Stage.CREDSSP);
        assertThat(bad.verdict().status()).isEqualTo(Status.FAILED);
        // the live probe's reading of a server that goes silent after NTLM AUTHENTICATE (CredSspReading): LOGON_FAILURE,
        // inferred; here the phase itself is inferred from the order of the encrypted records, and the evidence says so
        assertThat(bad.verdict().cause()).isEqualTo("LOGON_FAILURE");
        assertThat(bad.verdict().inferred()).isTrue();
        assertThat(bad.verdict().summary()).contains("right after NTLM AUTHENTICATE").contains("inferred");
        StageResult credssp = stage(bad, Stage.CREDSSP);
        assertThat(credssp.evidence()).containsEntry("closedBy", "server (TLS alert, then FIN)")
                .containsKey("msAfterAuthenticate").containsKey("phaseInferredFrom");
    }

    @Test
    void refusedNegotiation() throws Exception {
        Report r = only("shadow-nla-xfreerdp-tls-refused.pcap");
        assertThat(r.verdict().stage()).isEqualTo(Stage.X224);
        assertThat(r.verdict().cause()).isEqualTo("HYBRID_REQUIRED_BY_SERVER");

        Report x = only("xrdp-tls-server-rst-unread.pcap");
        assertThat(x.verdict().cause()).isEqualTo("SSL_REQUIRED_BY_SERVER");
    }

    @Test
    void resetsMidHandshake() throws Exception {
        Report r = only("xrdp-tls-client-rst-after-cc.pcap");
        assertThat(r.verdict().stage()).isEqualTo(Stage.TLS);
        assertThat(r.verdict().cause()).isEqualTo("CLIENT_RESET");

        Report alert = only("xrdp-tls-xfreerdp-nla-only.pcap");
        assertThat(alert.verdict().stage()).isEqualTo(Stage.TLS);
        assertThat(alert.verdict().cause()).isEqualTo("TLS_ALERT");
        assertThat(alert.verdict().summary()).contains("decode_error");
    }

    @Test
    void standardRdpSecurityInClear() throws Exception {
        Report r = only("xrdp-rdp-stdsec.pcap");
        assertThat(stage(r, Stage.X224).evidence()).containsEntry("cookie", "root").containsEntry("selected", "RDP");
        StageResult mcs = stage(r, Stage.MCS);
        assertThat(mcs.status()).isEqualTo(Status.OK);
        // xrdp crypt_level=high: 128-bit RC4 with its proprietary certificate; the live probe's keys (XrdpStdSecReplayTest)
        assertThat(mcs.evidence()).containsEntry("encryptionMethod", "ENCRYPTION_METHOD_128BIT (0x00000002)")
                .containsEntry("encryptionLevel", "ENCRYPTION_LEVEL_HIGH (0x00000003)")
                .containsEntry("certificateType", "RSA").containsEntry("certificatePermanent", true);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> client = (java.util.Map<String, Object>) mcs.evidence().get("client");
        assertThat(client).containsEntry("clientName", "vm").containsEntry("desktopWidth", 640);
        // xrdp rejected xfreerdp's salted MAC and sent Disconnect Provider Ultimatum (testdata/lab/README.md) before any
        // server PDU after the Security Exchange: that stage fails, as the live sequence reads it
        assertThat(r.verdict().stage()).isEqualTo(Stage.SECURITY_EXCHANGE);
        assertThat(r.verdict().cause()).isEqualTo("SERVER_DISCONNECTED");
    }
}
