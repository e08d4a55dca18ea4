package io.rdpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.capture.AnalyzedConnection;
import io.rdpprobe.capture.CaptureAnalyzer;
import io.rdpprobe.capture.CaptureReader;
import io.rdpprobe.capture.ProbeCaptureFile;
import io.rdpprobe.capture.RawPacket;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 #6, #7, #8: the probe's own capture (pcapng, synthesised, each close from the side that started it, marked
 * with the probe's stop reason) and what {@code analyze} makes of it.
 */
class CaptureMarkerCliTest {
    @TempDir
    Path dir;

    private static StageResult stage(AnalyzedConnection c, Stage s) {
        return c.report().stages().stream().filter(r -> r.stage() == s).findFirst().orElseThrow();
    }

    /** The TCP flags of every packet, in order, as "c:S" (client) / "s:R" (server) with S/A/F/R/P letters. */
    private static List<String> flags(Path f) throws Exception {
        List<String> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(f)) {
            RawPacket p;
            int clientPort = -1;
            while ((p = r.next()) != null) {
                byte[] d = p.data();
                int ihl = (d[0] & 0x0F) * 4;
                int sport = ((d[ihl] & 0xFF) << 8) | (d[ihl + 1] & 0xFF);
                int fl = d[ihl + 13] & 0xFF;
                if ((fl & 0x02) != 0 && (fl & 0x10) == 0) {
                    clientPort = sport;
                }
                String who = sport == clientPort ? "c:" : "s:";
                out.add(who + ((fl & 0x02) != 0 ? "S" : "") + ((fl & 0x04) != 0 ? "R" : "") + ((fl & 0x01) != 0 ? "F" : "")
                        + ((fl & 0x08) != 0 ? "P" : ""));
            }
        }
        return out;
    }

    @Test
    void aServerResetIsTheServersInTheCaptureAndAnalyzeSaysSo() throws Exception {
        Path f = dir.resolve("reset.pcapng");
        CliTest.Run r = CliTest.run("demo", "--fault", "RESET", "--capture", f.toString(), "--brief", "--timeout", "5s");
        assertThat(r.out()).contains("CONNECTION_RESET");
        assertThat(Files.readAllBytes(f)).startsWith(0x0A, 0x0D, 0x0D, 0x0A); // pcapng
        String bytes = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(bytes).contains("synthesised from the probe's own socket events").contains("fixed 65535");
        // the first connection: SYN, SYN+ACK, ACK, the CR, then the server's RST (never the client's)
        assertThat(flags(f).subList(0, 5)).containsExactly("c:S", "s:S", "c:", "c:P", "s:R");
        List<AnalyzedConnection> all = CaptureAnalyzer.analyzeAll(f);
        AnalyzedConnection c = all.get(0);
        assertThat(c.report().verdict().cause()).isEqualTo("CONNECTION_RESET").isNotEqualTo("CLIENT_RESET");
        assertThat(stage(c, Stage.X224).summary()).contains("the server closed the connection (RST)");
        CliTest.Run a = CliTest.run("analyze", f.toString());
        assertThat(a.out()).contains("rdp-probe's own connection 127.0.0.1:").doesNotContain("CLIENT_RESET");
    }

    @Test
    void anEarlyStopByDesignIsNotAFailureInTheProbesOwnCapture() throws Exception {
        Path f = dir.resolve("ntlm.pcapng");
        CliTest.Run r = CliTest.run("demo", "--ntlm-info", "--capture", f.toString(), "--brief", "--timeout", "5s");
        assertThat(r.code()).isZero();
        AnalyzedConnection c = CaptureAnalyzer.analyzeAll(f).get(0);
        StageResult credssp = stage(c, Stage.CREDSSP);
        assertThat(credssp.status()).isEqualTo(Status.OK);
        assertThat(credssp.summary()).contains(ProbeCaptureFile.STOP_PREFIX + "CREDSSP as asked");
        assertThat(c.report().verdict().status()).isNotEqualTo(Status.FAILED);
        assertThat(stage(c, Stage.MCS).status()).isEqualTo(Status.NOT_REACHED);
        assertThat(stage(c, Stage.MCS).summary()).startsWith("not tried: rdp-probe stopped after CREDSSP as asked");
        CliTest.Run a = CliTest.run("analyze", f.toString());
        assertThat(a.out()).doesNotContain("CLIENT_CLOSED").doesNotContain("credential prompt cancelled")
                .contains("rdp-probe stopped after CREDSSP as asked");
    }

    @Test
    void stopAfterTlsSaysTheLaterStagesWereNotTried() throws Exception {
        Path f = dir.resolve("tls.pcapng");
        CliTest.run("demo", "--stop-after", "TLS", "--capture", f.toString(), "--brief", "--timeout", "5s");
        AnalyzedConnection c = CaptureAnalyzer.analyzeAll(f).get(0);
        assertThat(stage(c, Stage.TLS).status()).isEqualTo(Status.OK);
        assertThat(stage(c, Stage.CREDSSP).status()).isEqualTo(Status.NOT_REACHED);
        assertThat(stage(c, Stage.CREDSSP).summary()).isEqualTo("not tried: rdp-probe stopped after TLS as asked (--stop-after TLS)");
        assertThat(c.report().verdict().status()).isEqualTo(Status.OK);
    }

    @Test
    void xfreerdpsConnectionInALabCaptureIsACaptureConnection() {
        // testdata/captures/PROVENANCE.md: xfreerdp -> xrdp tls mode, recorded with tcpdump (no rdp-probe marker)
        CliTest.Run a = CliTest.run("analyze", "../testdata/captures/xrdp-tls-xfreerdp-connect.pcap");
        assertThat(a.out()).contains("[1] capture connection 127.0.0.1:49092 -> 127.0.0.1:33891 (client -> server)")
                .doesNotContain("rdp-probe 127.0.0.1").doesNotContain("rdp-probe's own");
        CliTest.Run j = CliTest.run("analyze", "--json", "../testdata/captures/xrdp-tls-xfreerdp-connect.pcap");
        assertThat(j.out()).containsPattern("\"connection\"\\s*:\\s*\"capture connection\"").doesNotContain("probeMarker");
    }
}
