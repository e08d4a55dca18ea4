package io.rdpprobe.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.demo.DemoCertificate;
import io.rdpprobe.demo.gateway.DemoGateway;
import io.rdpprobe.demo.gateway.GatewayAccount;
import io.rdpprobe.demo.gateway.GatewayConfig;
import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.credssp.CredSspOptions;
import io.rdpprobe.probe.credssp.CredSspSettings;
import io.rdpprobe.probe.credssp.Credentials;
import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.gateway.GatewaySettings;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.probe.tls.TlsSettings;
import io.rdpprobe.probe.tls.TrustSettings;
import io.rdpprobe.protocol.x224.Protocols;
import io.rdpprobe.report.ReportJson;
import io.rdpprobe.report.TextRenderer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * rdp-probe through the embedded RD Gateway to the real lab servers: the target's stages must give the same
 * verdicts as a direct probe of the same server (stage, status, cause), over both gateway transports.
 */
@Tag("interop")
class ProbeGatewayInteropTest {
    static final List<GatewaySettings.Transport> TRANSPORTS = List.of(GatewaySettings.Transport.WEBSOCKET,
            GatewaySettings.Transport.HTTP);
    static final List<Stage> TARGET_STAGES = List.of(Stage.X224, Stage.TLS, Stage.CREDSSP, Stage.MCS,
            Stage.SECURITY_EXCHANGE, Stage.LICENSING, Stage.ACTIVATION);
    static ProbeRunner runner;

    @BeforeAll
    static void start() {
        runner = new ProbeRunner();
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    static String user() {
        String u = System.getenv("RDP_PROBE_INTEROP_USER");
        assumeTrue(u != null && System.getenv("RDP_PROBE_INTEROP_PASSWORD") != null, "lab account not in the environment");
        return u;
    }

    static Credentials creds(String password) {
        return new Credentials(user(), System.getenv().getOrDefault("RDP_PROBE_INTEROP_DOMAIN", "LAB"),
                Secret.of(password.toCharArray()));
    }

    /** A gateway that knows the lab account and allows every target (names resolved as given). */
    static DemoGateway gateway() throws InterruptedException {
        return DemoGateway.start(GatewayConfig.defaults(DemoCertificate.demo(),
                new GatewayAccount(user(), System.getenv().getOrDefault("RDP_PROBE_INTEROP_DOMAIN", "LAB"),
                        System.getenv("RDP_PROBE_INTEROP_PASSWORD"))), 0);
    }

    static List<String> verdicts(Report r) {
        List<String> v = new ArrayList<>();
        for (StageResult s : r.stages()) {
            if (TARGET_STAGES.contains(s.stage())) {
                v.add(s.stage() + " " + s.status() + (s.cause() == null ? "" : " " + s.cause().code()) + (s.inferred() ? " (inferred)" : ""));
            }
        }
        return v;
    }

    static Report via(DemoGateway gw, GatewaySettings.Transport tr, int port, ProbeSettings s, String label) {
        TlsSettings gwTls = TlsSettings.defaults().withTrust(new TrustSettings(List.of(), Set.of(gw.certificateSha256()), false));
        GatewaySettings g = new GatewaySettings("127.0.0.1", gw.port(), tr, GatewaySettings.AuthMode.AUTO,
                creds(System.getenv("RDP_PROBE_INTEROP_PASSWORD")), null, gwTls, "localhost", port, "INTEROP");
        Report r = runner.probe(new Target("localhost", port), s, g);
        System.out.println("[interop] through the gateway (" + tr + "): " + label + "\n" + new TextRenderer(false).render(r));
        assertThat(ReportJson.render(r)).doesNotContain(System.getenv("RDP_PROBE_INTEROP_PASSWORD"));
        for (Stage st : List.of(Stage.GATEWAY_TLS, Stage.GATEWAY_HTTP, Stage.GATEWAY_TUNNEL, Stage.GATEWAY_CHANNEL)) {
            StageResult x = r.stages().stream().filter(y -> y.stage() == st).findFirst().orElseThrow();
            assertThat(x.status()).as(st + " " + x.summary()).isEqualTo(Status.OK);
        }
        return r;
    }

    static Report direct(int port, ProbeSettings s, String label) {
        Report r = runner.probe(new Target("localhost", port), s);
        System.out.println("[interop] direct: " + label + "\n" + new TextRenderer(false).render(r));
        return r;
    }

    void sameAsDirect(int port, ProbeSettings s, String label, String... expected) throws Exception {
        Report d = direct(port, s, label);
        assertThat(verdicts(d)).as("direct " + label).containsExactly(expected);
        try (DemoGateway gw = gateway()) {
            for (GatewaySettings.Transport tr : TRANSPORTS) {
                assertThat(verdicts(via(gw, tr, port, s, label))).as(label + " via " + tr).isEqualTo(verdicts(d));
            }
        }
    }

    @Test
    void xrdpTls() throws Exception {
        Lab.requireXrdp("tls");
        sameAsDirect(Lab.XRDP_PORT, ProbeSettings.defaults().withTimeout(10_000), "xrdp tls",
                "X224 OK", "TLS WARNING CERT_SELF_SIGNED", "MCS OK", "SECURITY_EXCHANGE SKIPPED", "LICENSING OK", "ACTIVATION OK");
    }

    @Test
    void xrdpTlsExpiredCertificate() throws Exception {
        Lab.requireXrdp("tls-expired");
        sameAsDirect(Lab.XRDP_PORT, ProbeSettings.defaults().withTimeout(10_000), "xrdp tls-expired",
                "X224 OK", "TLS WARNING CERT_EXPIRED", "MCS OK", "SECURITY_EXCHANGE SKIPPED", "LICENSING OK", "ACTIVATION OK");
    }

    @Test
    void xrdpStandardRdpSecurity() throws Exception {
        Lab.requireXrdp("rdp");
        sameAsDirect(Lab.XRDP_PORT, ProbeSettings.defaults().withTimeout(10_000).withProtocols(Protocols.RDP), "xrdp rdp",
                "X224 OK", "MCS OK", "SECURITY_EXCHANGE OK", "LICENSING OK", "ACTIVATION OK");
    }

    /** The gateway's own refusals, with real xrdp behind it: the stage and the cause as the gateway gives them. */
    @Test
    void gatewayRefusalsInFrontOfRealXrdp() throws Exception {
        Lab.requireXrdp("tls");
        ProbeSettings s = ProbeSettings.defaults().withTimeout(10_000);
        String domain = System.getenv().getOrDefault("RDP_PROBE_INTEROP_DOMAIN", "LAB");
        record Case(String label, java.util.function.UnaryOperator<GatewayConfig> config, String password, int port,
                    Stage stage, String cause) {}
        List<Case> cases = List.of(
                new Case("wrong gateway password", c -> c, "not-the-password", Lab.XRDP_PORT, Stage.GATEWAY_HTTP, "GATEWAY_AUTH_FAILED"),
                new Case("CAP denies the user", c -> c.withCap(Set.of(domain + "\\someone-else")),
                        System.getenv("RDP_PROBE_INTEROP_PASSWORD"), Lab.XRDP_PORT, Stage.GATEWAY_TUNNEL, "E_PROXY_NAP_ACCESSDENIED"),
                new Case("RAP lists another host", c -> c.withRap(Set.of("ts9.corp.example:3389")),
                        System.getenv("RDP_PROBE_INTEROP_PASSWORD"), Lab.XRDP_PORT, Stage.GATEWAY_CHANNEL, "E_PROXY_RAP_ACCESSDENIED"),
                new Case("target port closed", c -> c, System.getenv("RDP_PROBE_INTEROP_PASSWORD"), 1,
                        Stage.GATEWAY_CHANNEL, "E_PROXY_TS_CONNECTFAILED"));
        for (Case k : cases) {
            try (DemoGateway gw = DemoGateway.start(k.config().apply(GatewayConfig.defaults(DemoCertificate.demo(),
                    new GatewayAccount(user(), domain, System.getenv("RDP_PROBE_INTEROP_PASSWORD")))), 0)) {
                for (GatewaySettings.Transport tr : TRANSPORTS) {
                    TlsSettings gwTls = TlsSettings.defaults().withTrust(new TrustSettings(List.of(), Set.of(gw.certificateSha256()), false));
                    GatewaySettings g = new GatewaySettings("127.0.0.1", gw.port(), tr, GatewaySettings.AuthMode.AUTO,
                            creds(k.password()), null, gwTls, "localhost", k.port(), "INTEROP");
                    Report r = runner.probe(new Target("localhost", k.port()), s, g);
                    System.out.println("[interop] gateway refusal (" + tr + "): " + k.label() + "\n" + new TextRenderer(false).render(r));
                    assertThat(r.verdict().stage()).as(k.label() + " via " + tr).isEqualTo(k.stage());
                    assertThat(r.verdict().cause()).as(k.label() + " via " + tr).isEqualTo(k.cause());
                    assertThat(ReportJson.render(r)).doesNotContain(System.getenv("RDP_PROBE_INTEROP_PASSWORD"));
                }
            }
        }
    }

    @Test
    void shadowNlaRightAndWrongPassword() throws Exception {
        Lab.requireShadow("nla");
        Report first = direct(Lab.SHADOW_PORT, ProbeSettings.defaults().withTimeout(10_000), "shadow nla, no credentials");
        String fp = first.stages().stream().filter(s -> s.stage() == Stage.TLS).findFirst().orElseThrow()
                .evidence().get("leafSha256").toString();
        ProbeSettings right = ProbeSettings.defaults().withTimeout(10_000)
                .withTls(TlsSettings.defaults().withTrust(new TrustSettings(List.of(), Set.of(fp), false)))
                .withCredSsp(new CredSspSettings(creds(System.getenv("RDP_PROBE_INTEROP_PASSWORD")),
                        CredSspOptions.defaults().withDelegate(true)));
        sameAsDirect(Lab.SHADOW_PORT, right, "shadow nla, right password, delegated",
                "X224 OK", "TLS OK", "CREDSSP OK", "MCS OK", "SECURITY_EXCHANGE SKIPPED", "LICENSING OK", "ACTIVATION OK");
        ProbeSettings wrong = ProbeSettings.defaults().withTimeout(10_000)
                .withCredSsp(new CredSspSettings(creds("not-the-password"), CredSspOptions.defaults()));
        sameAsDirect(Lab.SHADOW_PORT, wrong, "shadow nla, wrong password",
                "X224 OK", "TLS WARNING CERT_SELF_SIGNED", "CREDSSP FAILED LOGON_FAILURE (inferred)");
    }
}
