package io.rdpprobe.probe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.demo.DemoServer;
import io.rdpprobe.demo.Fault;
import io.rdpprobe.demo.gateway.DemoGatewayLab;
import io.rdpprobe.demo.gateway.GatewayFault;
import io.rdpprobe.demo.gateway.TargetResolver;
import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.credssp.CredSspOptions;
import io.rdpprobe.probe.credssp.CredSspSettings;
import io.rdpprobe.probe.credssp.Credentials;
import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.enumerate.PortCheck;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.probe.tls.TlsSettings;
import io.rdpprobe.probe.tls.TrustSettings;
import io.rdpprobe.report.ReportJson;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The probe through the embedded RD Gateway to the embedded endpoint, over real sockets on loopback: every
 * gateway stage, both transports, each gateway fault. Each ends with a verdict for its stage within the
 * deadline, and every gateway connection is closed afterwards. (xfreerdp checks the embedded gateway itself:
 * GatewayInteropTest; lab targets behind it: ProbeGatewayInteropTest.)
 */
class ProbeThroughGatewayTest {
    static final long TIMEOUT = 2_000;
    static ProbeRunner runner;

    @BeforeAll
    static void start() {
        runner = new ProbeRunner();
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    static Credentials demo(String password) {
        return new Credentials(DemoServer.DEMO_USER, DemoServer.DEMO_DOMAIN, Secret.of(password.toCharArray()));
    }

    record Run(Report report, long tookMs, int openAfter) {
        StageResult stage(Stage s) {
            return report.stages().stream().filter(x -> x.stage() == s).findFirst().orElse(null);
        }
    }

    static Run probe(GatewayFault fault, GatewaySettings.Transport tr, Credentials gwCreds, String token, String resource,
                     UnaryOperator<io.rdpprobe.demo.gateway.GatewayConfig> change, boolean delegate) throws Exception {
        try (DemoGatewayLab lab = DemoGatewayLab.start(Fault.NONE, 0, 0, c -> change.apply(c.withFault(fault)))) {
            String fp = lab.gateway().certificateSha256();
            TrustSettings pin = new TrustSettings(List.of(), Set.of(fp), false);
            TlsSettings tls = TlsSettings.defaults().withTrust(pin);
            ProbeSettings s = ProbeSettings.defaults().withTimeout(TIMEOUT).withTls(tls)
                    .withCredSsp(new CredSspSettings(demo(DemoServer.DEMO_PASSWORD),
                            CredSspOptions.defaults().withDelegate(delegate)));
            GatewaySettings gw = new GatewaySettings("127.0.0.1", lab.gateway().port(), tr, GatewaySettings.AuthMode.AUTO,
                    gwCreds, token == null ? null : Secret.of(token.toCharArray()), tls, resource,
                    DemoGatewayLab.DEMO_RESOURCE_PORT, "PROBE-TEST");
            long t0 = System.nanoTime();
            Report r = runner.probe(new Target(resource, DemoGatewayLab.DEMO_RESOURCE_PORT), s, gw);
            long took = (System.nanoTime() - t0) / 1_000_000;
            for (int i = 0; i < 50 && lab.gateway().openConnections() > 0; i++) {
                Thread.sleep(20);
            }
            String json = ReportJson.render(r);
            assertThat(json).doesNotContain(DemoGatewayLab.DEMO_TOKEN);   // (the demo password is the word "demo", like the user)
            return new Run(r, took, lab.gateway().openConnections());
        }
    }

    static Run probe(GatewayFault f, GatewaySettings.Transport tr) throws Exception {
        return probe(f, tr, demo(DemoServer.DEMO_PASSWORD), null, DemoGatewayLab.DEMO_RESOURCE, c -> c, true);
    }

    @ParameterizedTest
    @EnumSource(value = GatewaySettings.Transport.class, names = {"WEBSOCKET", "HTTP"})
    void everyStageToActivationThroughTheTunnel(GatewaySettings.Transport tr) throws Exception {
        Run run = probe(GatewayFault.NONE, tr);
        Report r = run.report();
        assertThat(r.stages()).extracting(StageResult::stage).startsWith(Stage.DNS, Stage.TCP, Stage.GATEWAY_TLS,
                Stage.GATEWAY_HTTP, Stage.GATEWAY_TUNNEL, Stage.GATEWAY_CHANNEL, Stage.X224, Stage.TLS, Stage.CREDSSP, Stage.MCS);
        for (Stage s : List.of(Stage.GATEWAY_TLS, Stage.GATEWAY_HTTP, Stage.GATEWAY_TUNNEL, Stage.GATEWAY_CHANNEL,
                Stage.X224, Stage.CREDSSP, Stage.MCS, Stage.LICENSING, Stage.ACTIVATION)) {
            assertThat(run.stage(s).status()).as(s + ": " + run.stage(s).summary()).isEqualTo(Status.OK);
        }
        assertThat(run.stage(Stage.TCP).evidence()).containsEntry("role", "RD Gateway");
        assertThat(run.stage(Stage.GATEWAY_HTTP).evidence().get("transportUsed").toString())
                .startsWith(tr == GatewaySettings.Transport.WEBSOCKET ? "websocket" : "http");
        // the target's TLS stage checks the target's name (SNI "demo"), not the gateway's
        assertThat(run.stage(Stage.TLS).evidence()).containsEntry("sni", "demo");
        assertThat(run.openAfter()).isZero();
    }

    @Test
    void wrongGatewayPasswordIsGatewayHttp401() throws Exception {
        Run run = probe(GatewayFault.NONE, GatewaySettings.Transport.AUTO, demo("wrong"), null, DemoGatewayLab.DEMO_RESOURCE,
                c -> c, false);
        assertThat(run.report().verdict().stage()).isEqualTo(Stage.GATEWAY_HTTP);
        assertThat(run.report().verdict().cause()).isEqualTo("GATEWAY_AUTH_FAILED");
        assertThat(run.report().exitCode()).isEqualTo(21);
        assertThat(run.openAfter()).isZero();
    }

    @Test
    void withoutCredentialsTheGatewaysNtlmInfoIsReported() throws Exception {
        Run run = probe(GatewayFault.NONE, GatewaySettings.Transport.AUTO, null, null, DemoGatewayLab.DEMO_RESOURCE, c -> c, false);
        StageResult http = run.stage(Stage.GATEWAY_HTTP);
        assertThat(http.cause().code()).isEqualTo("GATEWAY_CREDENTIALS_REQUIRED");
        assertThat(http.evidence().get("gatewayNtlm").toString()).contains("osVersion").contains("clockSkewMs");
    }

    @ParameterizedTest
    @CsvSource({"rdp-probe-demo-token, OK", "not-the-token, E_PROXY_COOKIE_AUTHENTICATION_ACCESS_DENIED"})
    void paaToken(String token, String expected) throws Exception {
        Run run = probe(GatewayFault.NONE, GatewaySettings.Transport.HTTP, null, token, DemoGatewayLab.DEMO_RESOURCE, c -> c, true);
        if (expected.equals("OK")) {
            assertThat(run.stage(Stage.GATEWAY_CHANNEL).status()).isEqualTo(Status.OK);
            assertThat(run.stage(Stage.ACTIVATION).status()).isEqualTo(Status.OK);
        } else {
            assertThat(run.report().verdict().stage()).isEqualTo(Stage.GATEWAY_TUNNEL);
            assertThat(run.report().verdict().cause()).isEqualTo(expected);
        }
    }

    @Test
    void capAndRapPoliciesFromTheConfiguration() throws Exception {
        Run cap = probe(GatewayFault.NONE, GatewaySettings.Transport.AUTO, demo(DemoServer.DEMO_PASSWORD), null,
                DemoGatewayLab.DEMO_RESOURCE, c -> c.withCap(Set.of("CORP\\someone-else")), false);
        assertThat(cap.report().verdict().stage()).isEqualTo(Stage.GATEWAY_TUNNEL);
        assertThat(cap.report().verdict().cause()).isEqualTo("E_PROXY_NAP_ACCESSDENIED");
        Run rap = probe(GatewayFault.NONE, GatewaySettings.Transport.AUTO, demo(DemoServer.DEMO_PASSWORD), null,
                "ts9.corp.example", c -> c, false);
        assertThat(rap.report().verdict().stage()).isEqualTo(Stage.GATEWAY_CHANNEL);
        assertThat(rap.report().verdict().cause()).isEqualTo("E_PROXY_RAP_ACCESSDENIED");
        assertThat(rap.report().verdict().clientError().code()).isEqualTo(0x300001B);
    }

    @Test
    void aClosedTargetPortIsTsConnectFailed() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        int port = closed;
        Run run = probe(GatewayFault.NONE, GatewaySettings.Transport.AUTO, demo(DemoServer.DEMO_PASSWORD), null, "down",
                c -> c.withRap(null).withResolver(TargetResolver.mapped(Map.of("down", new InetSocketAddress("127.0.0.1", port)))),
                false);
        assertThat(run.report().verdict().stage()).isEqualTo(Stage.GATEWAY_CHANNEL);
        assertThat(run.report().verdict().cause()).isEqualTo("E_PROXY_TS_CONNECTFAILED");
    }

    @ParameterizedTest
    @CsvSource({
        "CAP_DENIED, GATEWAY_TUNNEL, E_PROXY_NAP_ACCESSDENIED",
        "RAP_DENIED, GATEWAY_CHANNEL, E_PROXY_RAP_ACCESSDENIED",
        "MAX_CONNECTIONS, GATEWAY_TUNNEL, E_PROXY_MAXCONNECTIONSREACHED",
        "SILENT, GATEWAY_HTTP, GATEWAY_NO_RESPONSE",
        "HTML, GATEWAY_HTTP, NOT_A_GATEWAY",
        "NOT_TLS, GATEWAY_TLS, NOT_TLS",
        "RPC_ONLY, GATEWAY_HTTP, GATEWAY_RPC_ONLY",
        "TRUNCATED_PACKET, GATEWAY_TUNNEL, TRUNCATED_RESPONSE",
        "OVERSIZED_PACKET, GATEWAY_TUNNEL, GATEWAY_MALFORMED",
        "CLOSE_AFTER_TUNNEL_RESPONSE, GATEWAY_TUNNEL, GATEWAY_CLOSED",
    })
    void eachGatewayFaultGetsAVerdictForItsStage(GatewayFault f, Stage stage, String cause) throws Exception {
        for (GatewaySettings.Transport tr : List.of(GatewaySettings.Transport.WEBSOCKET, GatewaySettings.Transport.HTTP)) {
            Run run = probe(f, tr);
            assertThat(run.report().verdict().stage()).as(f + " over " + tr + ": " + run.report().verdict().summary())
                    .isEqualTo(stage);
            assertThat(run.report().verdict().cause()).as(f + " over " + tr).isEqualTo(cause);
            assertThat(run.tookMs()).as("within the stage deadlines").isLessThan(4 * TIMEOUT + 3_000);
            assertThat(run.openAfter()).as("every gateway connection closed").isZero();
        }
    }

    @Test
    void aServiceMessageIsReportedAndTheTunnelStillOpens() throws Exception {
        Run run = probe(GatewayFault.SERVICE_MESSAGE, GatewaySettings.Transport.AUTO);
        assertThat(run.stage(Stage.GATEWAY_CHANNEL).status()).isEqualTo(Status.OK);
        assertThat(run.stage(Stage.GATEWAY_CHANNEL).evidence()).containsKey("serviceMessages");
    }

    @Test
    void probingTheGatewaysPortAsAnRdpHostSaysItIsAGateway() throws Exception {
        try (DemoGatewayLab lab = DemoGatewayLab.start(Fault.NONE, 0, 0, c -> c)) {
            Target t = new Target("127.0.0.1", lab.gateway().port());
            ProbeSettings s = ProbeSettings.defaults().withTimeout(TIMEOUT);
            Report direct = runner.probe(t, s);
            Report explained = PortCheck.explain(runner, t, s, direct);
            assertThat(explained.verdict().stage()).isEqualTo(Stage.X224);
            assertThat(explained.verdict().cause()).isEqualTo("RD_GATEWAY_PORT");
            assertThat(explained.verdict().summary()).contains("--gateway 127.0.0.1:" + lab.gateway().port());
        }
    }
}
