package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.probe.model.CaptureSection;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real RD Gateway captures (xfreerdp 2.11 through the embedded gateway to FreeRDP's shadow server in nla mode and
 * to xrdp in tls mode, testdata/captures/PROVENANCE.md) with xfreerdp's key log, which holds the secrets of both the
 * outer (gateway) and the inner (target) TLS: analyze gives the gateway stages as the live probe reads them, then the
 * target's stages read from the tunnelled DATA, which must agree stage by stage with the capture's own direct leg
 * (the gateway's TCP connection to the target, which carries the same inner TLS records).
 */
class GatewayCapturesTest {
    private static final Path DIR = Files.isDirectory(Path.of("../testdata/captures"))
            ? Path.of("../testdata/captures") : Path.of("testdata/captures");
    static final int GATEWAY_PORT = 34210;

    static List<AnalyzedConnection> analyze(String base, boolean withKeys) throws IOException {
        List<AnalyzedConnection> all = new ArrayList<>();
        CaptureSecrets.Files files = withKeys ? CaptureSecrets.load(List.of(DIR.resolve(base + ".keys")), List.of())
                : CaptureSecrets.Files.NONE;
        CaptureAnalyzer.analyze(DIR.resolve(base + ".pcap"), files, all::add, null);
        return all;
    }

    static StageResult stage(Report r, Stage s) {
        return r.stages().stream().filter(x -> x.stage() == s).findFirst().orElseThrow(() -> new AssertionError(s + " in " + r.stages()));
    }

    static final List<Stage> GATEWAY = List.of(Stage.GATEWAY_TLS, Stage.GATEWAY_HTTP, Stage.GATEWAY_TUNNEL, Stage.GATEWAY_CHANNEL);
    static final List<Stage> TARGET = List.of(Stage.X224, Stage.TLS, Stage.CREDSSP, Stage.MCS, Stage.SECURITY_EXCHANGE,
            Stage.LICENSING, Stage.ACTIVATION);

    /** The gateway connection and the direct leg (gateway -> target), in that order. */
    static AnalyzedConnection[] legs(String base) throws IOException {
        List<AnalyzedConnection> all = analyze(base, true);
        assertThat(all).as(base + ": the tunnel (its RDG_IN_DATA leg reported with it) and the gateway's leg to the target")
                .hasSize(2);
        AnalyzedConnection gw = all.stream().filter(a -> a.tcp().server().port() == GATEWAY_PORT).findFirst().orElseThrow();
        AnalyzedConnection direct = all.stream().filter(a -> a != gw).findFirst().orElseThrow();
        return new AnalyzedConnection[] {gw, direct};
    }

    void throughTheGatewayAsDirect(String base, int targetPort, String transport, String selected, String inner) throws IOException {
        AnalyzedConnection[] l = legs(base);
        Report gw = l[0].report();
        Report direct = l[1].report();
        assertThat(gw.stages()).extracting(StageResult::stage).containsSequence(GATEWAY).containsSequence(TARGET);
        for (Stage s : GATEWAY) {
            assertThat(stage(gw, s).status()).as(base + " " + s).isEqualTo(Status.OK);
        }
        assertThat(stage(gw, Stage.GATEWAY_TLS).summary()).isEqualTo("TLS 1.3, TLS_AES_128_GCM_SHA256");
        StageResult http = stage(gw, Stage.GATEWAY_HTTP);
        assertThat(http.evidence()).containsEntry("authUsed", "NTLM").containsEntry("transportUsed", transport);
        assertThat(http.summary()).endsWith("(NTLM authentication as LAB\\rdptest)");
        assertThat(stage(gw, Stage.GATEWAY_CHANNEL).summary()).endsWith("to 127.0.0.1:" + targetPort + " open");
        assertThat(stage(gw, Stage.GATEWAY_CHANNEL).evidence()).containsEntry("channelStatus", "S_OK (0x00000000)");
        assertThat(gw.target()).isEqualTo(l[0].tcp().client() + " -> 127.0.0.1:" + GATEWAY_PORT + " (RD Gateway) -> 127.0.0.1:"
                + targetPort);
        // the tunnelled target stages: the same readings as the direct leg's
        for (Stage s : TARGET) {
            StageResult a = stage(gw, s);
            StageResult b = stage(direct, s);
            assertThat(a.status()).as(base + " " + s).isEqualTo(b.status());
            assertThat(a.cause() == null ? null : a.cause().code()).as(base + " " + s).isEqualTo(b.cause() == null ? null : b.cause().code());
            assertThat(a.summary()).as(base + " " + s).isEqualTo(b.summary());
        }
        assertThat(stage(gw, Stage.X224).summary()).startsWith("selected " + selected);
        assertThat(stage(gw, Stage.TLS).summary()).isEqualTo("TLS 1.3, " + inner);
        assertThat(stage(gw, Stage.ACTIVATION).status()).isEqualTo(Status.OK);
        @SuppressWarnings("unchecked")
        Map<String, Object> g = (Map<String, Object>) gw.section(CaptureSection.class).orElseThrow().facts().get("gateway");
        assertThat(g).containsEntry("transport", transport);
        assertThat((Long) g.get("dataBytesClient")).isPositive();
    }

    @Test
    void webSocketToTheShadowServer() throws IOException {
        throughTheGatewayAsDirect("gateway-ws-shadow-nla-authonly", 34202, "websocket", "HYBRID", "TLS_AES_256_GCM_SHA384");
        assertThat(stage(legs("gateway-ws-shadow-nla-authonly")[0].report(), Stage.CREDSSP).summary()).contains("rdptest");
    }

    @Test
    void twoConnectionTransportToTheShadowServer() throws IOException {
        throughTheGatewayAsDirect("gateway-http-shadow-nla-authonly", 34202, "http (RDG_OUT_DATA + RDG_IN_DATA)", "HYBRID",
                "TLS_AES_256_GCM_SHA384");
        StageResult http = stage(legs("gateway-http-shadow-nla-authonly")[0].report(), Stage.GATEWAY_HTTP);
        assertThat(http.evidence()).containsEntry("inConnection", "paired by RDG-Connection-Id");
        assertThat(http.evidence().get("exchanges")).isEqualTo(List.of(
                "RDG_OUT_DATA (NTLM NEGOTIATE) -> 401 Unauthorized", "RDG_OUT_DATA (NTLM AUTHENTICATE) -> 200 OK",
                "RDG_IN_DATA (NTLM NEGOTIATE) -> 401 Unauthorized", "RDG_IN_DATA (NTLM AUTHENTICATE) -> 200 OK"));
    }

    @Test
    void webSocketToXrdp() throws IOException {
        throughTheGatewayAsDirect("gateway-ws-xrdp-tls-connect", 34201, "websocket", "SSL", "TLS_AES_256_GCM_SHA384");
    }

    /** The failing stage of the only gateway connection, the target stages NOT_REACHED. */
    static StageResult failedAt(String base, Stage st) throws IOException {
        List<AnalyzedConnection> all = analyze(base, true);
        assertThat(all).as(base + ": the gateway connection only (its IN leg with it)").hasSize(1);
        Report r = all.get(0).report();
        assertThat(r.verdict().stage()).isEqualTo(st);
        for (Stage s : TARGET) {
            assertThat(stage(r, s).status()).isEqualTo(Status.NOT_REACHED);
        }
        return stage(r, st);
    }

    @Test
    void aWrongGatewayPasswordIsTheLiveProbesGatewayAuthFailed() throws IOException {
        StageResult r = failedAt("gateway-ws-wrong-gateway-password", Stage.GATEWAY_HTTP);
        // the live GatewaySequence's words for the same answer (GatewayReading), with the user read from the AUTHENTICATE
        io.rdpprobe.probe.gateway.GatewayReading.Failure live = io.rdpprobe.probe.gateway.GatewayReading.authRejected(
                "NTLM AUTHENTICATE", "LAB\\rdptest", false);
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.cause().code()).isEqualTo("GATEWAY_AUTH_FAILED").isEqualTo(live.cause().code());
        assertThat(r.summary()).isEqualTo(live.summary());
        assertThat(r.inferred()).isFalse();
        assertThat(r.cause().clientError().code()).isEqualTo(0x300001A);
        assertThat(r.evidence().get("exchanges")).isEqualTo(List.of("RDG_OUT_DATA (NTLM NEGOTIATE) -> 401 Unauthorized",
                "RDG_OUT_DATA (NTLM AUTHENTICATE) -> 401 Unauthorized"));
    }

    @Test
    void aRefusedTargetIsTheGatewaysHresultAtGatewayChannel() throws IOException {
        StageResult r = failedAt("gateway-http-target-refused", Stage.GATEWAY_CHANNEL);
        assertThat(r.cause().code()).isEqualTo("E_PROXY_TS_CONNECTFAILED");
        assertThat(r.cause()).isEqualTo(io.rdpprobe.probe.model.GatewayCauses.forStatus(
                io.rdpprobe.protocol.rdg.RdgStatus.E_PROXY_TS_CONNECTFAILED));
        assertThat(r.summary()).startsWith("CHANNEL_RESPONSE for 127.0.0.1:34219: E_PROXY_TS_CONNECTFAILED");
        assertThat(r.evidence()).containsEntry("resource", "127.0.0.1").containsEntry("port", 34219);
    }

    @Test
    void withoutTheKeyLogTheGatewayConnectionIsNotReadAsRdp() throws IOException {
        List<AnalyzedConnection> all = analyze("gateway-ws-shadow-nla-authonly", false);
        assertThat(all).hasSize(1);
        assertThat(all.get(0).tcp().server().port()).isEqualTo(34202);
    }

    // ---- tshark 4.0: decodes the outer TLS and the HTTP responses (not the RDG_* request methods, the WebSocket
    // frames after the 101, nor MS-TSGU), and the inner TLS only on the direct leg ----------------------------------

    static List<String> tshark(String base, String filter, String... fields) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", DIR.resolve(base + ".pcap").toString(), "-o",
                "tls.keylog_file:" + DIR.resolve(base + ".keys"), "-d", "tcp.port==" + GATEWAY_PORT + ",tls",
                "-d", "tcp.port==34201,tls", "-d", "tcp.port==34202,tls", "-Y", filter,
                "-T", "fields"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    static boolean hasTshark() {
        try {
            Process p = new ProcessBuilder("tshark", "-v").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void httpStatusesAndTlsSuitesAgreeWithTshark() throws Exception {
        assumeTrue(hasTshark(), "tshark is not installed");
        for (String base : List.of("gateway-ws-shadow-nla-authonly", "gateway-http-shadow-nla-authonly", "gateway-ws-xrdp-tls-connect")) {
            AnalyzedConnection[] l = legs(base);
            @SuppressWarnings("unchecked")
            List<String> exchanges = (List<String>) stage(l[0].report(), Stage.GATEWAY_HTTP).evidence().get("exchanges");
            List<String> ours = exchanges.stream().map(e -> e.substring(e.indexOf("-> ") + 3, e.indexOf("-> ") + 6)).toList();
            List<String> theirs = tshark(base, "http.response && tcp.port==" + GATEWAY_PORT, "http.response.code");
            // tshark shows a response whose body it can delimit: not the legacy OUT channel's 200 (an endless body)
            List<String> comparable = base.contains("-http-") ? List.of("401", "401", "200") : ours;
            assertThat(theirs).as(base).isEqualTo(comparable);
            if (base.contains("-http-")) {
                assertThat(ours).containsExactly("401", "200", "401", "200");
            }
            List<String> suites = tshark(base, "tls.handshake.type==2", "tcp.dstport", "tls.handshake.ciphersuite");
            assertThat(suites).as(base).contains(l[0].tcp().client().port() + "\t0x1301",
                    l[1].tcp().client().port() + "\t0x1302");
        }
    }
}
