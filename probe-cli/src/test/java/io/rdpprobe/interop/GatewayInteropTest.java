package io.rdpprobe.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.demo.DemoCertificate;
import io.rdpprobe.demo.DemoServer;
import io.rdpprobe.demo.Fault;
import io.rdpprobe.demo.gateway.DemoGateway;
import io.rdpprobe.demo.gateway.DemoGatewayLab;
import io.rdpprobe.demo.gateway.GatewayAccount;
import io.rdpprobe.demo.gateway.GatewayConfig;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * xfreerdp 2.11, a real RD Gateway client, through the embedded gateway ({@link DemoGateway}) to the real lab
 * servers and to the embedded endpoint: it must get as far as it gets directly, over the WebSocket transport
 * ({@code /gt:http}) and the two-connection one ({@code /gt:http,no-websockets}), with NTLM ({@code /gu: /gd:},
 * the password read from stdin) and with a PAA token ({@code /gat:}). Passwords go to xfreerdp on stdin
 * ({@code /from-stdin:force}: "Password:", then "Gateway Password:"), never on its command line.
 */
@Tag("interop")
class GatewayInteropTest {
    private static final String WS = "http";
    private static final String LEGACY = "http,no-websockets";
    private static final String TOKEN = "interop-paa-token";

    /** xfreerdp's exit code and output. */
    record Run(int rc, String out) {}

    private static String display() {
        String display = System.getProperty("interop.display", System.getenv("DISPLAY"));
        assumeTrue(display != null && !display.isEmpty() && new File("/usr/bin/xfreerdp").canExecute(), "no xfreerdp/DISPLAY");
        return display;
    }

    private static String user() {
        String u = System.getenv("RDP_PROBE_INTEROP_USER");
        assumeTrue(u != null && System.getenv("RDP_PROBE_INTEROP_PASSWORD") != null, "lab account not in the environment");
        return u;
    }

    private static String password() {
        return System.getenv("RDP_PROBE_INTEROP_PASSWORD");
    }

    private static String domain() {
        return System.getenv().getOrDefault("RDP_PROBE_INTEROP_DOMAIN", "LAB");
    }

    /** A gateway for the lab account (NTLM) and {@link #TOKEN} (PAA), every target allowed unless changed. */
    private static DemoGateway gateway(UnaryOperator<GatewayConfig> change) throws InterruptedException {
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        GatewayConfig c = GatewayConfig.defaults(DemoCertificate.demo(), new GatewayAccount(user(), domain(), password()))
                .withPaaToken(TOKEN, domain() + "\\" + user())
                .withLog(line -> System.out.println("[gateway] " + line));
        return DemoGateway.start(change.apply(c), 0);
    }

    private static Run xfreerdp(List<String> args, String... stdinLines) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("xfreerdp", "/cert:ignore", "/from-stdin:force", "+auth-only"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("DISPLAY", display());
        Path home = Path.of(System.getProperty("interop.lab.dir", System.getProperty("java.io.tmpdir")), "home");
        Files.createDirectories(home);
        pb.environment().put("HOME", home.toAbsolutePath().toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            for (String s : stdinLines) {
                in.write((s + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Run r = new Run(p.exitValue(), out);
        System.out.println("[interop] xfreerdp " + String.join(" ", args) + " -> rc " + r.rc());
        // passwords only on stdin: no /p: or /gp:, and the lab password nowhere on the command line
        assertThat(cmd).noneMatch(x -> x.startsWith("/p:") || x.startsWith("/gp:"));
        assertThat(String.join(" ", cmd)).doesNotContain(password() == null ? "\u0000never" : password());
        return r;
    }

    /** Through the gateway with NTLM: target password, then the gateway password, both on stdin. */
    private static Run viaNtlm(DemoGateway gw, String transport, String target, String targetUser, String targetDomain,
                               String targetPassword, String gatewayPassword) throws Exception {
        List<String> a = new ArrayList<>(List.of("/v:" + target, "/g:127.0.0.1:" + gw.port(), "/gu:" + user(),
                "/gd:" + domain(), "/gt:" + transport, "/u:" + targetUser));
        if (targetDomain != null) {
            a.add("/d:" + targetDomain);
        }
        return xfreerdp(a, targetPassword, gatewayPassword);
    }

    private static Run viaPaa(DemoGateway gw, String transport, String token, String target, String targetUser,
                              String targetDomain, String targetPassword) throws Exception {
        List<String> a = new ArrayList<>(List.of("/v:" + target, "/g:127.0.0.1:" + gw.port(), "/gat:" + token,
                "/gt:" + transport, "/u:" + targetUser));
        if (targetDomain != null) {
            a.add("/d:" + targetDomain);
        }
        return xfreerdp(a, targetPassword);
    }

    @Test
    void shadowNlaThroughTheGatewayAsDirect() throws Exception {
        Lab.requireShadow("nla");
        String shadow = "127.0.0.1:" + Lab.SHADOW_PORT;
        int directGood = xfreerdp(List.of("/v:" + shadow, "/u:" + user()), password()).rc();
        int directBad = xfreerdp(List.of("/v:" + shadow, "/u:" + user()), "definitely-wrong").rc();
        assertThat(directGood).isZero();
        assertThat(directBad).isEqualTo(147);
        try (DemoGateway gw = gateway(c -> c)) {
            for (String t : List.of(WS, LEGACY)) {
                assertThat(viaNtlm(gw, t, shadow, user(), null, password(), password()).rc()).as("NTLM %s", t).isZero();
                assertThat(viaNtlm(gw, t, shadow, user(), null, "definitely-wrong", password()).rc())
                        .as("NTLM %s, wrong target password", t).isEqualTo(directBad);
                assertThat(viaPaa(gw, t, TOKEN, shadow, user(), null, password()).rc()).as("PAA %s", t).isZero();
            }
            assertThat(gw.openTunnels()).isZero();
        }
    }

    @Test
    void gatewayRefusalsAsXfreerdpPrintsThem() throws Exception {
        Lab.requireShadow("nla");
        String shadow = "127.0.0.1:" + Lab.SHADOW_PORT;
        try (DemoGateway gw = gateway(c -> c.withRap(Set.of("rds1.corp.example:3389")))) {
            for (String t : List.of(WS, LEGACY)) {
                Run r = viaNtlm(gw, t, shadow, user(), null, password(), password());
                assertThat(r.rc()).as("RAP %s", t).isEqualTo(131);
                assertThat(r.out()).contains("E_PROXY_RAP_ACCESSDENIED");
            }
        }
        try (DemoGateway gw = gateway(c -> c.withCap(Set.of("someone-else")))) {
            Run r = viaNtlm(gw, WS, shadow, user(), null, password(), password());
            System.out.println("[interop] CAP denied: rc " + r.rc() + " " + lines(r.out(), "E_PROXY"));
            assertThat(r.rc()).isEqualTo(131);
            assertThat(r.out()).contains("E_PROXY_NAP_ACCESSDENIED");
        }
        try (DemoGateway gw = gateway(c -> c)) {
            Run bad = viaPaa(gw, LEGACY, "not-the-token", shadow, user(), null, password());
            assertThat(bad.rc()).isEqualTo(131);
            assertThat(bad.out()).contains("E_PROXY_COOKIE_AUTHENTICATION_ACCESS_DENIED");
            Run wrongGw = viaNtlm(gw, WS, shadow, user(), null, password(), "definitely-wrong");
            System.out.println("[interop] wrong gateway password: rc " + wrongGw.rc() + " " + lines(wrongGw.out(), "ERROR"));
            // 401 again, then the gateway closes: xfreerdp gives up with ERRCONNECT_ACCESS_DENIED
            assertThat(wrongGw.rc()).isEqualTo(155);
            assertThat(wrongGw.out()).contains("ERRCONNECT_ACCESS_DENIED");
            Run closed = viaNtlm(gw, LEGACY, "127.0.0.1:1", user(), null, password(), password());
            System.out.println("[interop] target port closed: rc " + closed.rc() + " " + lines(closed.out(), "E_PROXY"));
            assertThat(closed.rc()).isEqualTo(131);
            assertThat(closed.out()).contains("E_PROXY_TS_CONNECTFAILED");
            assertThat(gw.openTunnels()).isZero();
        }
    }

    @Test
    void xrdpTlsThroughTheGatewayAsDirect() throws Exception {
        Lab.requireXrdp("tls");
        display();
        String xrdp = "127.0.0.1:" + Lab.XRDP_PORT;
        Run direct = xfreerdp(List.of("/v:" + xrdp, "/u:" + user(), "/sec:tls"), password());
        System.out.println("[interop] xrdp tls direct: rc " + direct.rc() + " " + lines(direct.out(), "ERROR"));
        try (DemoGateway gw = gateway(c -> c)) {
            for (String t : List.of(WS, LEGACY)) {
                List<String> a = List.of("/v:" + xrdp, "/g:127.0.0.1:" + gw.port(), "/gu:" + user(), "/gd:" + domain(),
                        "/gt:" + t, "/u:" + user(), "/sec:tls");
                Run r = xfreerdp(a, password(), password());
                System.out.println("[interop] xrdp tls via gateway " + t + ": rc " + r.rc() + " " + lines(r.out(), "ERROR"));
                assertThat(r.rc()).as("xrdp via %s", t).isEqualTo(direct.rc());
            }
        }
    }

    @Test
    void demoEndpointDirectAndThroughTheDemoGateway() throws Exception {
        display();
        try (DemoGatewayLab lab = DemoGatewayLab.start(Fault.NONE, 0, 0, c -> c)) {
            String direct = "127.0.0.1:" + lab.server().port();
            List<String> d = List.of("/v:" + direct, "/u:" + DemoServer.DEMO_USER, "/d:" + DemoServer.DEMO_DOMAIN);
            assertThat(xfreerdp(d, DemoServer.DEMO_PASSWORD).rc()).isZero();
            Run bad = xfreerdp(d, "not-the-demo-password");
            assertThat(bad.rc()).isEqualTo(134); // ERRCONNECT_LOGON_FAILURE: the endpoint answers with an errorCode
            assertThat(bad.out()).contains("ERRCONNECT_LOGON_FAILURE");
            int gw = lab.gateway().port();
            for (String t : List.of(WS, LEGACY)) {
                List<String> a = List.of("/v:" + DemoGatewayLab.DEMO_RESOURCE, "/g:127.0.0.1:" + gw,
                        "/gu:" + DemoServer.DEMO_USER, "/gd:" + DemoServer.DEMO_DOMAIN, "/gt:" + t,
                        "/u:" + DemoServer.DEMO_USER, "/d:" + DemoServer.DEMO_DOMAIN);
                assertThat(xfreerdp(a, DemoServer.DEMO_PASSWORD, DemoServer.DEMO_PASSWORD).rc()).as("demo via %s", t).isZero();
                List<String> p = List.of("/v:" + DemoGatewayLab.DEMO_RESOURCE, "/g:127.0.0.1:" + gw,
                        "/gat:" + DemoGatewayLab.DEMO_TOKEN, "/gt:" + t, "/u:" + DemoServer.DEMO_USER,
                        "/d:" + DemoServer.DEMO_DOMAIN);
                assertThat(xfreerdp(p, DemoServer.DEMO_PASSWORD).rc()).as("demo via PAA %s", t).isZero();
            }
        }
    }

    private static String lines(String out, String marker) {
        return out.lines().filter(l -> l.contains(marker)).map(l -> l.replaceFirst("^.*\\]\\[", "["))
                .limit(4).reduce((a, b) -> a + " | " + b).orElse("");
    }
}
