package io.rdpprobe.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.credssp.CredSspOptions;
import io.rdpprobe.probe.credssp.CredSspSettings;
import io.rdpprobe.probe.credssp.Credentials;
import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.probe.tls.TrustSettings;
import io.rdpprobe.report.ReportJson;
import io.rdpprobe.report.TextRenderer;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * NLA against FreeRDP's shadow server (/sec:nla, SAM file with the lab's throwaway account). The account comes
 * from the environment (RDP_PROBE_INTEROP_USER / _PASSWORD, set by .ci/run), never from argv.
 */
@Tag("interop")
class CredSspInteropTest {
    private static ProbeRunner runner;

    @BeforeAll
    static void start() {
        runner = new ProbeRunner();
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    private static String user() {
        String u = System.getenv("RDP_PROBE_INTEROP_USER");
        assumeTrue(u != null && System.getenv("RDP_PROBE_INTEROP_PASSWORD") != null, "lab account not in the environment");
        return u;
    }

    private static Report probe(Credentials c, CredSspOptions opts, TrustSettings trust) {
        ProbeSettings s = ProbeSettings.defaults().withTimeout(8000).withCredSsp(new CredSspSettings(c, opts));
        if (trust != null) {
            s = s.withTls(s.tls().withTrust(trust));
        }
        Report r = runner.probe(new Target("localhost", Lab.SHADOW_PORT), s);
        System.out.println("[interop] shadow nla, user " + (c == null ? "none" : c.display()) + "\n" + new TextRenderer(false).render(r));
        String json = ReportJson.render(r);
        assertThat(json).doesNotContain(System.getenv().getOrDefault("RDP_PROBE_INTEROP_PASSWORD", "\u0000never"));
        return r;
    }

    private static StageResult credssp(Report r) {
        return r.stages().stream().filter(s -> s.stage() == Stage.CREDSSP).findFirst().orElseThrow();
    }

    private static Credentials creds(String user, String password) {
        return Credentials.parse(user, Secret.of(password.toCharArray()));
    }

    @Test
    void ntlmInfoWithoutCredentialsMatchesWhatNmapReports() {
        Lab.requireShadow("nla");
        StageResult c = credssp(probe(null, CredSspOptions.defaults(), null));
        assertThat(c.status()).isEqualTo(Status.OK);
        // nmap 7.93 rdp-ntlm-info against the same server (shared/docs/lab-notes.md section 3)
        assertThat(c.evidence()).containsEntry("ntlmTargetName", "VM").containsEntry("netbiosComputerName", "VM")
                .containsEntry("dnsComputerName", "vm").containsEntry("osVersion", "6.1.7601")
                .containsEntry("serverCredSspVersion", 6);
        assertThat(c.evidence()).containsKey("clockSkewMs");
        // FreeRDP's timestamp is time() * 10^7: whole seconds, so the skew is known to a second at best (issue 18 #15)
        assertThat(c.evidence().get("serverTimeResolution").toString()).startsWith("1 s");
        long skew = ((Number) c.evidence().get("clockSkewMs")).longValue();
        long uncertainty = ((Number) c.evidence().get("clockSkewUncertaintyMs")).longValue();
        assertThat(uncertainty).isGreaterThanOrEqualTo(1000);
        assertThat(Math.abs(skew)).as("same machine: true skew 0 within the uncertainty").isLessThanOrEqualTo(uncertainty);
    }

    @Test
    void rightPasswordIsCredSspOkWithoutDelegation() {
        Lab.requireShadow("nla");
        Report r = probe(creds(user(), System.getenv("RDP_PROBE_INTEROP_PASSWORD")), CredSspOptions.defaults(), null);
        StageResult c = credssp(r);
        assertThat(c.status()).isEqualTo(Status.OK);
        assertThat(c.summary()).contains("not delegated");
        assertThat(r.exitCode()).isZero();
        String domain = System.getenv("RDP_PROBE_INTEROP_DOMAIN");
        if (domain != null && !domain.isEmpty()) {
            Report withDomain = probe(new Credentials(user(), domain,
                    Secret.of(System.getenv("RDP_PROBE_INTEROP_PASSWORD").toCharArray())), CredSspOptions.defaults(), null);
            assertThat(credssp(withDomain).status()).isEqualTo(Status.OK);
        }
    }

    @Test
    void wrongPasswordAndUnknownUserAreInferredLogonFailures() {
        Lab.requireShadow("nla");
        for (Credentials c : List.of(creds(user(), "definitely-" + "wrong"),
                creds("nosuchuser", System.getenv("RDP_PROBE_INTEROP_PASSWORD")))) {
            Report r = probe(c, CredSspOptions.defaults(), null);
            StageResult s = credssp(r);
            assertThat(s.status()).isEqualTo(Status.FAILED);
            assertThat(s.cause().code()).isEqualTo("LOGON_FAILURE");
            assertThat(s.inferred()).isTrue();
            assertThat(s.summary()).contains("right after NTLM AUTHENTICATE").contains("inferred");
            assertThat(r.verdict().inferred()).isTrue();
            assertThat(r.exitCode()).isEqualTo(14);
        }
    }

    @Test
    void delegationNeedsATrustedOrPinnedCertificate() {
        Lab.requireShadow("nla");
        Credentials c = creds(user(), System.getenv("RDP_PROBE_INTEROP_PASSWORD"));
        StageResult refused = credssp(probe(c, CredSspOptions.defaults().withDelegate(true), null));
        assertThat(refused.status()).isEqualTo(Status.WARNING);
        assertThat(refused.cause().code()).isEqualTo("DELEGATION_SKIPPED_UNTRUSTED_CERT");
        // pin the server's certificate, as an admin would after checking it
        Report first = probe(null, CredSspOptions.defaults(), null);
        String fp = first.stages().stream().filter(s -> s.stage() == Stage.TLS).findFirst().orElseThrow()
                .evidence().get("leafSha256").toString();
        Report pinned = probe(creds(user(), System.getenv("RDP_PROBE_INTEROP_PASSWORD")),
                CredSspOptions.defaults().withDelegate(true), new TrustSettings(List.of(), Set.of(fp), false));
        StageResult d = credssp(pinned);
        assertThat(d.status()).isEqualTo(Status.OK);
        assertThat(d.evidence()).containsEntry("delegated", true);
        // with the credentials delegated the NLA server lets the connection through to Demand Active
        assertThat(pinned.verdict().stage()).isEqualTo(Stage.ACTIVATION);
        assertThat(pinned.verdict().status()).isEqualTo(Status.OK);
        StageResult act = pinned.stages().stream().filter(s -> s.stage() == Stage.ACTIVATION).findFirst().orElseThrow();
        assertThat(act.evidence()).containsKey("capabilityCount").containsEntry("desktopSize", "1024x768");
        assertThat(pinned.exitCode()).isZero();
    }

    /** xfreerdp +auth-only on the same server agrees: rc 0 for the right password, 147 for a wrong one. */
    @Test
    void xfreerdpAuthOnlyAgrees() throws Exception {
        Lab.requireShadow("nla");
        String display = System.getProperty("interop.display", System.getenv("DISPLAY"));
        assumeTrue(display != null && !display.isEmpty() && new File("/usr/bin/xfreerdp").canExecute(), "no xfreerdp/DISPLAY");
        String good = System.getenv("RDP_PROBE_INTEROP_PASSWORD");
        int rcGood = xfreerdp(display, user(), good);
        int rcBad = xfreerdp(display, user(), "definitely-wrong");
        System.out.println("[interop] xfreerdp +auth-only: right password rc=" + rcGood + ", wrong password rc=" + rcBad);
        assertThat(rcGood).isZero();
        assertThat(rcBad).isEqualTo(147);
        assertThat(credssp(probe(creds(user(), good), CredSspOptions.defaults(), null)).status()).isEqualTo(Status.OK);
        assertThat(credssp(probe(creds(user(), "definitely-wrong"), CredSspOptions.defaults(), null)).cause().code())
                .isEqualTo("LOGON_FAILURE");
    }

    private static int xfreerdp(String display, String user, String password) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("xfreerdp", "/v:localhost:" + Lab.SHADOW_PORT, "/cert:ignore", "/u:" + user,
                "/from-stdin:force", "+auth-only");
        pb.environment().put("DISPLAY", display);
        pb.environment().put("HOME", System.getProperty("interop.lab.dir", System.getProperty("java.io.tmpdir")) + "/home");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write((password + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    /** FreeRDP in rdp mode refuses TLS at X.224 but still answers NTLM if the client starts TLS anyway. */
    @Test
    void ntlmInfoFromTheShadowServerInRdpModeAfterItsRefusal() {
        Lab.requireShadow("rdp");
        ProbeSettings s = ProbeSettings.defaults().withTimeout(8000).withProtocols(io.rdpprobe.protocol.x224.Protocols.HYBRID)
                .withCredSsp(new CredSspSettings(null, CredSspOptions.defaults(), true));
        Report r = runner.probe(new Target("localhost", Lab.SHADOW_PORT), s);
        System.out.println("[interop] shadow rdp --ntlm-info\n" + new TextRenderer(false).render(r));
        assertThat(r.verdict().cause()).isEqualTo("SSL_NOT_ALLOWED_BY_SERVER");
        StageResult c = credssp(r);
        assertThat(c.status()).isEqualTo(Status.OK);
        assertThat(c.evidence()).containsEntry("netbiosComputerName", "VM").containsEntry("osVersion", "6.1.7601");
    }

    @Test
    void credSspVersion3AndFreeRdpRefusingSpnego() {
        Lab.requireShadow("nla");
        String pw = System.getenv().getOrDefault("RDP_PROBE_INTEROP_PASSWORD", "");
        StageResult v3 = credssp(probe(creds(user(), pw), CredSspOptions.defaults().withVersion(3), null));
        assertThat(v3.status()).isEqualTo(Status.OK);
        assertThat(v3.evidence()).containsEntry("negotiatedCredSspVersion", 3);
        // FreeRDP 2.x expects raw NTLM in negoTokens: SPNEGO-wrapped NTLM gets an errorCode back
        StageResult spnego = credssp(probe(creds(user(), pw), CredSspOptions.defaults().withSpnego(true), null));
        assertThat(spnego.status()).isEqualTo(Status.FAILED);
        assertThat(spnego.evidence()).containsEntry("errorCode", "0xC00700EA");
    }

    /**
     * Issue 18 finding 11: the probe's own capture decrypted with its own key log (tshark, as the README suggests)
     * must not reveal the password, in ASCII or UTF-16LE, after delegation all the way to ACTIVATION. The user name in
     * UTF-16LE (NTLM AUTHENTICATE, Client Info) is visible only with the keys: proof that the decryption worked.
     */
    @Test
    void captureDecryptedWithItsKeyLogDoesNotRevealThePassword(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Lab.requireShadow("nla");
        assumeTrue(new File("/usr/bin/tshark").canExecute(), "tshark not installed");
        String user = user();
        String password = System.getenv("RDP_PROBE_INTEROP_PASSWORD");
        String fp = probe(null, CredSspOptions.defaults(), null).stages().stream().filter(s -> s.stage() == Stage.TLS)
                .findFirst().orElseThrow().evidence().get("leafSha256").toString();
        java.nio.file.Path pcap = dir.resolve("probe.pcap");
        java.nio.file.Path keys = dir.resolve("probe.keys");
        java.io.ByteArrayOutputStream outBytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        int code;
        try {
            System.setOut(new java.io.PrintStream(outBytes, true, StandardCharsets.UTF_8));
            code = io.rdpprobe.cli.Main.run("probe", "127.0.0.1:" + Lab.SHADOW_PORT, "--user", user, "--password-env",
                    "RDP_PROBE_INTEROP_PASSWORD", "--delegate-credentials", "--trust-cert", fp, "--capture", pcap.toString(),
                    "--keylog", keys.toString(), "--json");
        } finally {
            System.setOut(old);
        }
        String json = outBytes.toString(StandardCharsets.UTF_8);
        System.out.println("[interop] delegation with --capture/--keylog: exit " + code + "\n" + json);
        assertThat(code).isZero();
        assertThat(json).doesNotContain(password).contains("no password (delegated through CredSSP)");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("verdict").path("stage").asText())
                .isEqualTo("ACTIVATION");
        byte[] clear = tsharkBytes(pcap, null);
        byte[] decrypted = tsharkBytes(pcap, keys);
        byte[] userUtf16 = user.getBytes(StandardCharsets.UTF_16LE);
        assertThat(indexOf(clear, userUtf16)).as("user name visible without the key log").isNegative();
        assertThat(indexOf(decrypted, userUtf16)).as("user name visible with the key log (decryption worked)").isNotNegative();
        for (byte[] needle : List.of(password.getBytes(StandardCharsets.US_ASCII), password.getBytes(StandardCharsets.UTF_16LE))) {
            assertThat(indexOf(decrypted, needle)).as("password in the decrypted capture").isNegative();
            assertThat(indexOf(Files.readAllBytes(pcap), needle)).isNegative();
            assertThat(indexOf(Files.readAllBytes(keys), needle)).isNegative();
        }
    }

    /** Every byte tshark shows with -x (frames, reassembled TCP and, with keys, decrypted TLS), concatenated. */
    private static byte[] tsharkBytes(java.nio.file.Path pcap, java.nio.file.Path keys) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("tshark", "-r", pcap.toString(), "-d",
                "tcp.port==" + Lab.SHADOW_PORT + ",tls", "-x"));
        if (keys != null) {
            cmd.add("-o");
            cmd.add("tls.keylog_file:" + keys);
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("^[0-9a-f]{4,}  ((?:[0-9a-f]{2} ){0,15}[0-9a-f]{2})");
        for (String l : out.split("\n")) {
            java.util.regex.Matcher m = line.matcher(l);
            if (m.find()) {
                b.writeBytes(java.util.HexFormat.of().parseHex(m.group(1).replace(" ", "")));
            }
        }
        assertThat(b.size()).isGreaterThan(1000);
        return b.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
