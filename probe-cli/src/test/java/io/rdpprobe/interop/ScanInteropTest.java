package io.rdpprobe.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rdpprobe.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code rdp-probe scan} of the real lab servers that run (xrdp in its mode, FreeRDP's shadow server in its mode),
 * a closed port and a blackhole (SYNs dropped: a listener whose accept queue is full) in one scan: each target's row
 * equals a single {@code probe} of it with the same options, and the fleet summary lists what the probes found.
 */
@Tag("interop")
class ScanInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ServerSocket blackhole;
    private static final List<java.net.Socket> fillers = new ArrayList<>();
    private static int closedPort;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        // a blackhole without root: a listener that never accepts, its accept queue filled by our own connections, so
        // that the kernel drops every further SYN (net.ipv4.tcp_abort_on_overflow=0, the default): nothing answers
        blackhole = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.3"));
        for (int i = 0; i < 8; i++) {
            java.net.Socket s = new java.net.Socket();
            try {
                s.connect(blackhole.getLocalSocketAddress(), 300);
                fillers.add(s);
            } catch (java.net.SocketTimeoutException full) {
                s.close();
                break;
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            closedPort = s.getLocalPort();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (java.net.Socket s : fillers) {
            s.close();
        }
        blackhole.close();
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static boolean xrdp() {
        return !Lab.XRDP_MODE.isEmpty() && !Lab.XRDP_MODE.equals("none");
    }

    private static boolean shadow() {
        return !Lab.SHADOW_MODE.isEmpty() && !Lab.SHADOW_MODE.equals("none");
    }

    private static String xrdpTarget() {
        return "127.0.0.1:" + Lab.XRDP_PORT;
    }

    private static String shadowTarget() {
        return "127.0.0.1:" + Lab.SHADOW_PORT;
    }

    private static String closedTarget() {
        return "127.0.0.2:" + closedPort;
    }

    private static String blackholeTarget() {
        return "127.0.0.3:" + blackhole.getLocalPort();
    }

    private List<String> targets() {
        List<String> t = new ArrayList<>();
        if (xrdp()) {
            t.add(xrdpTarget());
        }
        if (shadow()) {
            t.add(shadowTarget());
        }
        t.add(closedTarget());
        t.add(blackholeTarget());
        return t;
    }

    private static Map<String, JsonNode> rows(Path jsonl) throws Exception {
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(jsonl)) {
            JsonNode n = JSON.readTree(line);
            assertThat(rows.put(n.get("target").asText(), n)).as("one row per target").isNull();
        }
        return rows;
    }

    /** Every stage's status and cause, the verdict, and the enumeration's conclusions: what must be equal. */
    private static String shape(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode s : r.get("stages")) {
            sb.append(s.get("stage").asText()).append('=').append(s.get("status").asText()).append('/')
                    .append(s.get("cause").asText()).append(' ');
        }
        JsonNode v = r.get("verdict");
        sb.append("| ").append(v.get("status").asText()).append(' ').append(v.get("stage").asText()).append(' ')
                .append(v.get("cause").asText()).append(" inferred=").append(v.get("inferred").asBoolean())
                .append(" finding=").append(v.get("findingStage").asText());
        if (r.has("enumeration")) {
            JsonNode e = r.get("enumeration");
            sb.append(" | nla=").append(e.get("nlaRequired").asText()).append(" legacy=")
                    .append(e.get("legacyRdpSecurityAllowed").asText()).append(" selected=");
            for (JsonNode row : e.get("requests")) {
                sb.append(row.get("request").asText()).append(':').append(row.get("selected").asText()).append('/')
                        .append(row.get("failureCode").asText()).append(',');
            }
        }
        if (r.has("tlsVersions")) {
            sb.append(" | tls=");
            for (JsonNode row : r.get("tlsVersions")) {
                sb.append(row.get("version").asText()).append(':').append(row.get("accepted").asBoolean()).append(',');
            }
        }
        return sb.toString();
    }

    private static void assertEqualsSingleProbes(Map<String, JsonNode> rows, List<String> probeOptions) throws Exception {
        for (Map.Entry<String, JsonNode> e : rows.entrySet()) {
            List<String> args = new ArrayList<>(List.of("probe", e.getKey(), "--json"));
            args.addAll(probeOptions);
            Run p = run(args.toArray(String[]::new));
            String scanned = shape(e.getValue());
            String probed = shape(JSON.readTree(p.out()));
            System.out.println("[interop] scan row " + e.getKey() + ": " + scanned);
            assertThat(scanned).as(e.getKey() + ": scan row vs 'rdp-probe " + String.join(" ", args) + "'").isEqualTo(probed);
        }
    }

    @Test
    void eachTargetsVerdictEqualsASingleProbeOfIt() throws Exception {
        assumeTrue(xrdp() || shadow(), "no lab server running");
        Path out = dir.resolve("lab.jsonl");
        List<String> args = new ArrayList<>(List.of("scan", "--timeout", "5s", "--out", out.toString(), "-q"));
        args.addAll(targets());
        Run r = run(args.toArray(String[]::new));
        System.out.println("[interop] scan summary (xrdp " + Lab.XRDP_MODE + ", shadow " + Lab.SHADOW_MODE + "):\n" + r.out());
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, JsonNode> rows = rows(out);
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(targets());
        assertEqualsSingleProbes(rows, List.of("--stop-after", "CREDSSP", "--timeout", "5s"));

        assertThat(rows.get(closedTarget()).at("/verdict/cause").asText()).isEqualTo("CONNECTION_REFUSED");
        assertThat(rows.get(blackholeTarget()).at("/verdict/cause").asText()).isEqualTo("CONNECT_TIMEOUT");
        assertThat(r.out()).contains("1  FAILED CONNECTION_REFUSED").contains("1  FAILED CONNECT_TIMEOUT");
        if (xrdp()) {
            // xrdp never selects HYBRID: never NLA; in rdp mode it selects Standard RDP Security for any request
            assertThat(r.out()).contains(xrdpTarget() + "  selected " + ("rdp".equals(Lab.XRDP_MODE) ? "RDP" : "SSL")
                    + " (requested SSL|HYBRID|HYBRID_EX)");
            if ("rdp".equals(Lab.XRDP_MODE)) {
                assertThat(r.out()).contains("Hosts with legacy RDP security (Standard RDP Security): 1\n  " + xrdpTarget());
            }
            if ("tls-expired".equals(Lab.XRDP_MODE)) {
                assertThat(r.out()).contains("2021-01-01T00:00:00Z").contains(xrdpTarget() + "  CN=localhost");
            }
        }
        if (shadow() && List.of("nla", "all").contains(Lab.SHADOW_MODE)) {
            assertThat(r.out()).doesNotContain(shadowTarget() + "  selected");
            assertThat(rows.get(shadowTarget()).at("/stages/4/evidence/osVersion").asText()).isNotEmpty();
        }
    }

    @Test
    void enumerateGivesTheSameTablesAsProbeEnumerate() throws Exception {
        assumeTrue(xrdp() || shadow(), "no lab server running");
        Path out = dir.resolve("enum.jsonl");
        List<String> args = new ArrayList<>(List.of("scan", "--enumerate", "--timeout", "5s", "--out", out.toString(), "-q"));
        args.addAll(targets());
        Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        assertEqualsSingleProbes(rows(out), List.of("--enumerate", "--stop-after", "CREDSSP", "--timeout", "5s"));
        if (xrdp() && List.of("rdp", "negotiate").contains(Lab.XRDP_MODE)) {
            assertThat(r.out()).contains(xrdpTarget() + "  --enumerate: legacy RDP security allowed: yes");
        }
        if (shadow() && "nla".equals(Lab.SHADOW_MODE)) {
            assertThat(r.out()).doesNotContain(shadowTarget() + "  --enumerate: NLA required: no");
        }
    }

    @Test
    void aCsvRowsUserIsAuthenticatedAsProbeWouldWithThatUser() throws Exception {
        assumeTrue(shadow() && List.of("nla", "all").contains(Lab.SHADOW_MODE), "shadow nla/all not running");
        String user = System.getenv("RDP_PROBE_INTEROP_USER");
        assumeTrue(user != null && System.getenv("RDP_PROBE_INTEROP_PASSWORD") != null, "lab account not in the environment");
        Path csv = dir.resolve("fleet.csv");
        Files.writeString(csv, "target,user,password-env\n" + shadowTarget() + "," + user + ",RDP_PROBE_INTEROP_PASSWORD\n"
                + closedTarget() + ",,\n");
        Path out = dir.resolve("csv.jsonl");
        Run r = run("scan", "--targets-csv", csv.toString(), "--timeout", "5s", "--out", out.toString(), "-q");
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, JsonNode> rows = rows(out);
        JsonNode shadowRow = rows.get(shadowTarget());
        assertThat(shadowRow.at("/verdict/status").asText()).isNotEqualTo("FAILED");
        assertThat(shadowRow.toString()).contains("credentials proven")
                .doesNotContain(System.getenv("RDP_PROBE_INTEROP_PASSWORD"));
        Run p = run("probe", shadowTarget(), "--user", user, "--password-env", "RDP_PROBE_INTEROP_PASSWORD",
                "--stop-after", "CREDSSP", "--timeout", "5s", "--json");
        assertThat(shape(shadowRow)).isEqualTo(shape(JSON.readTree(p.out())));
        assertThat(Files.readString(out)).doesNotContain(System.getenv("RDP_PROBE_INTEROP_PASSWORD"));
    }
}
