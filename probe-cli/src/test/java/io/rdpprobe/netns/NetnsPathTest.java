package io.rdpprobe.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The path warnings and the TCP failure kinds produced for real, in two network namespaces this test creates (root
 * only; skipped otherwise, or without ip/nft). The client namespace runs the probe ({@code ip netns exec ... java
 * io.rdpprobe.cli.Main probe ... --json}); the server namespace runs the embedded demo endpoint on 10.216.0.2:3389
 * ({@link NetnsDemoMain}); a veth pair joins them. Only addresses inside that pair are used, and both namespaces (and
 * with them the veth pair) are deleted at the end.
 *
 * <ul>
 *   <li>loss: nftables {@code numgen inc mod 4 0 drop} on the client's output (every 4th segment, the SYN first);</li>
 *   <li>MTU: {@code ip link set mtu 1300} on both veth ends; the black hole: the server's segments above 1000 bytes
 *       dropped (nftables) while the MTU stays 1500;</li>
 *   <li>REJECT vs DROP: nftables rules on the server's input per port, a closed port, and an address on the veth
 *       subnet that nobody has.</li>
 * </ul>
 * Delay and jitter are not produced here (this kernel has no netem); PathVerdictsTest feeds recorded RTT series.
 */
class NetnsPathTest {
    private static final String C_ADDR = "10.216.0.1";
    private static final String S_ADDR = "10.216.0.2";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String nsC;
    private static String nsS;
    private static String vethC;
    private static String vethS;
    private static Process server;
    private static String classpath;

    @BeforeAll
    static void namespaces() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for ip netns");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nft")) || Files.isExecutable(Path.of("/sbin/nft")),
                "needs nftables (testdata/lab/lab.sh install)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "needs iproute2");
        long id = ProcessHandle.current().pid() % 100_000;
        nsC = "rp16c-" + id;
        nsS = "rp16s-" + id;
        vethC = "rp16c" + id;
        vethS = "rp16s" + id;
        String cp = System.getProperty("surefire.test.class.path");
        classpath = cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
        sh("ip", "netns", "add", nsC);
        sh("ip", "netns", "add", nsS);
        sh("ip", "link", "add", vethC, "netns", nsC, "type", "veth", "peer", "name", vethS, "netns", nsS);
        sh("ip", "-n", nsC, "addr", "add", C_ADDR + "/24", "dev", vethC);
        sh("ip", "-n", nsS, "addr", "add", S_ADDR + "/24", "dev", vethS);
        for (String[] nd : new String[][] {{nsC, vethC}, {nsS, vethS}}) {
            sh("ip", "-n", nd[0], "link", "set", nd[1], "up");
            sh("ip", "-n", nd[0], "link", "set", "lo", "up");
        }
        // the server side's firewall: one rule per port, measured with the socket errors Linux returns
        nft(nsS, """
                table inet rp16 {
                  chain input {
                    type filter hook input priority 0; policy accept;
                    tcp dport 3390 reject with icmp type admin-prohibited
                    tcp dport 3391 reject with tcp reset
                    tcp dport 3392 drop
                  }
                }
                """);
        server = new ProcessBuilder("ip", "netns", "exec", nsS, javaBin(), "-cp", classpath,
                NetnsDemoMain.class.getName(), S_ADDR, "3389").redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        assertThat(line).as("the demo endpoint inside " + nsS).startsWith("READY");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (server != null) {
            server.getOutputStream().close();
            if (!server.waitFor(5, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (nsC != null) {
            quiet("ip", "netns", "del", nsC);
            quiet("ip", "netns", "del", nsS);
        }
    }

    @Test
    void aCleanVethPathIsOkWithTheKernelsFigures() throws Exception {
        JsonNode tcp = tcp(probe(S_ADDR + ":3389", "--stop-after", "TLS", "--rtt", "3"));
        assertThat(tcp.get("status").asText()).isEqualTo("OK");
        assertThat(tcp.at("/evidence/transport").asText()).isEqualTo("epoll");
        assertThat(tcp.at("/evidence/tcpInfo/pmtu").asLong()).isEqualTo(1500);
        // 1500 less 40 bytes of IPv4 and TCP headers, less 12 for the timestamp option
        assertThat(tcp.at("/evidence/tcpInfo/advMss").asLong()).isBetween(1400L, 1460L);
        assertThat(tcp.at("/evidence/tcpInfoAtEnd/totalRetrans").asLong()).isZero();
        assertThat(tcp.at("/evidence/rtt/completed").asInt()).isEqualTo(3);
        assertThat(tcp.at("/evidence/rtt/source").asText()).isEqualTo("TCP_INFO");
    }

    @Test
    void droppedSegmentsArePathLoss() throws Exception {
        nft(nsC, """
                table inet rp16loss {
                  chain output {
                    type filter hook output priority 0; policy accept;
                    ip daddr 10.216.0.2 tcp dport 3389 numgen inc mod 4 0 drop
                  }
                }
                """);
        try {
            JsonNode report = probe(S_ADDR + ":3389", "--stop-after", "TLS", "--timeout", "8s");
            JsonNode tcp = tcp(report);
            assertThat(tcp.get("status").asText()).isEqualTo("WARNING");
            assertThat(tcp.get("cause").asText()).isEqualTo("PATH_LOSS");
            assertThat(tcp.at("/evidence/tcpInfoAtEnd/totalRetrans").asLong()).isPositive();
            // the verdict names the last warning (the demo certificate does not name 10.216.0.2); the TCP stage keeps its own
            assertThat(report.at("/verdict/status").asText()).isEqualTo("WARNING");
        } finally {
            sh("ip", "netns", "exec", nsC, "nft", "delete", "table", "inet", "rp16loss");
        }
    }

    @Test
    void aSmallMtuIsPathMtu() throws Exception {
        sh("ip", "-n", nsC, "link", "set", vethC, "mtu", "1300");
        sh("ip", "-n", nsS, "link", "set", vethS, "mtu", "1300");
        try {
            JsonNode tcp = tcp(probe(S_ADDR + ":3389", "--stop-after", "TLS"));
            assertThat(tcp.get("status").asText()).isEqualTo("WARNING");
            assertThat(tcp.get("cause").asText()).isEqualTo("PATH_MTU");
            assertThat(tcp.at("/evidence/tcpInfo/pmtu").asLong()).isEqualTo(1300);
            assertThat(tcp.at("/evidence/tcpInfo/sndMss").asLong()).isLessThan(1400);
            assertThat(tcp.get("summary").asText()).contains("below 1400");
        } finally {
            sh("ip", "-n", nsC, "link", "set", vethC, "mtu", "1500");
            sh("ip", "-n", nsS, "link", "set", vethS, "mtu", "1500");
        }
    }

    @Test
    void aBlackHoleForLargeSegmentsStallsTlsAndIsAnInferredPathMtu() throws Exception {
        nft(nsS, """
                table inet rp16hole {
                  chain output {
                    type filter hook output priority 0; policy accept;
                    tcp sport 3389 ip length > 1000 drop
                  }
                }
                """);
        try {
            JsonNode report = probe(S_ADDR + ":3389", "--stop-after", "TLS", "--timeout", "3s");
            JsonNode tls = stage(report, "TLS");
            assertThat(tls.get("cause").asText()).isEqualTo("TLS_HANDSHAKE_STALLED");
            JsonNode tcp = tcp(report);
            assertThat(tcp.get("status").asText()).isEqualTo("WARNING");
            // the client's ClientHello may be retransmitted too (the server's ACK rode on a dropped segment): PATH_LOSS
            // then comes first, and the stall's PATH_MTU follows it
            List<String> findings = new ArrayList<>();
            tcp.at("/evidence/pathFindings").forEach(f -> findings.add(f.asText()));
            assertThat(findings).anySatisfy(f -> assertThat(f).startsWith("PATH_MTU: the server's flight stalled at TLS "
                    + "(TLS_HANDSHAKE_STALLED").endsWith("[inferred]"));
            assertThat(report.at("/verdict/cause").asText()).isEqualTo("TLS_HANDSHAKE_STALLED");
        } finally {
            sh("ip", "netns", "exec", nsS, "nft", "delete", "table", "inet", "rp16hole");
        }
    }

    @Test
    void rejectDropClosedAndDownAreToldApart() throws Exception {
        record Case(String target, String reachability, String cause, String timeout) {}
        for (Case k : List.of(
                new Case(S_ADDR + ":3390", "ICMP_UNREACHABLE", "HOST_UNREACHABLE", "2s"),   // reject admin-prohibited
                new Case(S_ADDR + ":3391", "CLOSED", "CONNECTION_REFUSED", "2s"),            // reject with tcp reset
                new Case(S_ADDR + ":3393", "CLOSED", "CONNECTION_REFUSED", "2s"),            // nothing listens
                new Case(S_ADDR + ":3392", "SILENCE", "CONNECT_TIMEOUT", "2s"),              // drop
                new Case("10.216.0.9:3389", "NO_NEIGHBOUR", "HOST_UNREACHABLE", "6s"))) {   // nobody has the address
            JsonNode report = probe(k.target(), "--timeout", k.timeout());
            JsonNode tcp = tcp(report);
            assertThat(tcp.get("status").asText()).as(k.toString()).isEqualTo("FAILED");
            assertThat(tcp.at("/evidence/reachability").asText()).as(k.toString()).isEqualTo(k.reachability());
            assertThat(tcp.get("cause").asText()).as(k.toString()).isEqualTo(k.cause());
            assertThat(tcp.at("/evidence/transport").asText()).isEqualTo("epoll");
            assertThat(tcp.at("/evidence/error").asText()).doesNotStartWith("null");
            assertThat(report.at("/verdict/stage").asText()).isEqualTo("TCP");
        }
    }

    @Test
    void throughAGatewayABlockedGatewayPortIsNamed() throws Exception {
        JsonNode report = probe("target.invalid:3389", "--gateway", S_ADDR + ":3392", "--timeout", "2s");
        JsonNode tcp = tcp(report);
        assertThat(tcp.at("/evidence/reachability").asText()).isEqualTo("SILENCE");
        assertThat(tcp.get("summary").asText()).contains("the RD Gateway's port is what is blocked");
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static JsonNode probe(String target, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", nsC, javaBin(), "-cp", classpath,
                "io.rdpprobe.cli.Main", "probe", target, "--json"));
        cmd.addAll(List.of(more));
        if (!cmd.contains("--timeout")) {
            cmd.addAll(List.of("--timeout", "5s"));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        System.out.println("[netns] probe " + target + " " + String.join(" ", more) + "\n" + text);
        return JSON.readTree(text);
    }

    private static JsonNode stage(JsonNode report, String name) {
        for (JsonNode s : report.get("stages")) {
            if (s.get("stage").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no " + name + " stage in " + report);
    }

    private static JsonNode tcp(JsonNode report) {
        return stage(report, "TCP");
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void nft(String ns, String ruleset) throws Exception {
        Path f = Files.createTempFile("rp16-", ".nft");
        try {
            Files.writeString(f, ruleset);
            sh("ip", "netns", "exec", ns, "nft", "-f", f.toString());
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static void quiet(String... cmd) {
        try {
            sh(cmd);
        } catch (IOException | InterruptedException e) {
            // best effort at cleanup
        }
    }
}
