package io.rdpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.capture.CaptureReader;
import io.rdpprobe.capture.DecryptionSecrets;
import io.rdpprobe.capture.RawPacket;
import io.rdpprobe.protocol.codec.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12: {@code --capture FILE.pcapng} holds each TLS session's key log lines in a Decryption Secrets Block, read
 * before the packet carrying the ServerHello (tshark takes a DSB only for later packets); {@code --capture-secrets=no}
 * leaves it out; any other name is classic pcap. With tshark installed, tshark decrypts the probe's capture alone.
 */
class CaptureSecretsCliTest {
    @TempDir
    Path dir;

    /** One TCP segment of a raw-IPv4 packet of the probe's capture. */
    private record Segment(int sport, int dport, int flags, byte[] payload) {}

    private static Segment segment(byte[] d) {
        int ihl = (d[0] & 0x0F) * 4;
        int sport = ((d[ihl] & 0xFF) << 8) | (d[ihl + 1] & 0xFF);
        int dport = ((d[ihl + 2] & 0xFF) << 8) | (d[ihl + 3] & 0xFF);
        int off = ((d[ihl + 12] & 0xF0) >> 4) * 4;
        return new Segment(sport, dport, d[ihl + 13] & 0xFF, Arrays.copyOfRange(d, ihl + off, d.length));
    }

    /** A TLS handshake record whose first message is {@code type} (1 ClientHello, 2 ServerHello). */
    private static boolean handshake(byte[] p, int type) {
        return p.length > 43 && p[0] == 0x16 && p[1] == 0x03 && p[5] == type;
    }

    /** What reading the capture in order shows: the client random, and the secrets known when the ServerHello came. */
    private record Read(String clientRandom, List<String> secretsBeforeServerHello, List<String> allSecrets, int serverPort,
                        int packets, List<String> comments) {}

    private static Read read(Path f) throws IOException {
        String clientRandom = null;
        List<String> before = null;
        int serverPort = -1;
        int packets = 0;
        List<String> comments = new ArrayList<>();
        List<String> all;
        try (CaptureReader r = CaptureReader.open(f)) {
            RawPacket p;
            while ((p = r.next()) != null) {
                packets++;
                if (p.comment() != null) {
                    comments.add(p.comment());
                }
                Segment s = segment(p.data());
                if (serverPort < 0 && (s.flags & 0x12) == 0x02) {
                    serverPort = s.dport;
                }
                if (clientRandom == null && s.dport == serverPort && handshake(s.payload, 1)) {
                    clientRandom = Wire.hex(Arrays.copyOfRange(s.payload, 11, 43));
                }
                if (before == null && s.sport == serverPort && handshake(s.payload, 2)) {
                    before = lines(r.secrets());
                }
            }
            all = lines(r.secrets());
        }
        return new Read(clientRandom, before, all, serverPort, packets, comments);
    }

    private static List<String> lines(List<DecryptionSecrets> secrets) {
        List<String> out = new ArrayList<>();
        for (DecryptionSecrets s : secrets) {
            assertThat(s.isTlsKeyLog()).as("secrets type TLSK").isTrue();
            String text = new String(s.data(), StandardCharsets.US_ASCII);
            assertThat(text).endsWith("\n");
            out.addAll(List.of(text.split("\n")));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.3", "1.2"})
    void theSecretsBlockComesBeforeTheServerHelloAndHoldsTheKeyLogLines(String version) throws Exception {
        Path f = dir.resolve("x.pcapng");
        Path keys = dir.resolve("x.keys");
        CliTest.Run run = CliTest.run("demo", "--capture", f.toString(), "--keylog", keys.toString(), "--tls-versions", version,
                "--brief", "--timeout", "8s");
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.err()).doesNotContain("classic pcap");
        Read r = read(f);
        assertThat(r.clientRandom()).as("the ClientHello in the capture").isNotNull();
        assertThat(r.secretsBeforeServerHello()).as("secrets read before the ServerHello packet").isNotNull().isNotEmpty();
        String label = version.equals("1.3") ? "CLIENT_HANDSHAKE_TRAFFIC_SECRET " : "CLIENT_RANDOM ";
        assertThat(r.secretsBeforeServerHello()).anyMatch(l -> l.startsWith(label + r.clientRandom() + " "));
        if (version.equals("1.3")) {
            assertThat(r.allSecrets()).anyMatch(l -> l.startsWith("SERVER_HANDSHAKE_TRAFFIC_SECRET " + r.clientRandom()))
                    .anyMatch(l -> l.startsWith("CLIENT_TRAFFIC_SECRET_0 " + r.clientRandom()))
                    .anyMatch(l -> l.startsWith("SERVER_TRAFFIC_SECRET_0 " + r.clientRandom()));
        }
        // the very lines --keylog wrote, nothing else
        assertThat(r.allSecrets()).containsExactlyElementsOf(Files.readAllLines(keys, StandardCharsets.US_ASCII));
        assertThat(r.comments()).contains(io.rdpprobe.capture.ProbeCaptureFile.OWN_MARKER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "http"})
    void throughTheGatewayTheGatewaysTlsAndTheTunnelledRdpTlsAreBothInTheCapture(String transport) throws Exception {
        Path f = dir.resolve("gw.pcapng");
        Path keys = dir.resolve("gw.keys");
        CliTest.Run run = CliTest.run("demo", "--gateway", "--gateway-transport", transport, "--capture", f.toString(),
                "--keylog", keys.toString(), "--brief", "--timeout", "8s");
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        Read r = read(f);
        // the first ServerHello is the gateway's: its secrets came before it
        assertThat(r.secretsBeforeServerHello()).anyMatch(l -> l.contains(" " + r.clientRandom() + " "));
        List<String> logged = Files.readAllLines(keys, StandardCharsets.US_ASCII);
        long sessions = logged.stream().filter(l -> l.startsWith("CLIENT_TRAFFIC_SECRET_0 ")
                || l.startsWith("CLIENT_RANDOM ")).count();
        assertThat(sessions).as("gateway leg(s) and the RDP TLS inside the tunnel").isGreaterThanOrEqualTo(2);
        assertThat(r.allSecrets()).containsExactlyInAnyOrderElementsOf(logged);
    }

    @Test
    void withoutKeylogTheCaptureStillHoldsTheSecretsAndTsharkDecryptsIt() throws Exception {
        Path f = dir.resolve("alone.pcapng");
        CliTest.Run run = CliTest.run("demo", "--capture", f.toString(), "--brief", "--timeout", "8s");
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        Read r = read(f);
        assertThat(r.secretsBeforeServerHello()).anyMatch(l -> l.contains(" " + r.clientRandom() + " "));

        List<String> tshark = tshark("-r", f.toString(), "-d", "tcp.port==" + r.serverPort() + ",tls",
                "-d", "tls.port==" + r.serverPort() + ",tpkt", "-Y", "tls", "-T", "fields", "-e", "_ws.col.Protocol",
                "-e", "_ws.col.Info");
        assumeTrue(tshark != null, "tshark is not installed");
        String all = String.join("\n", tshark);
        // decrypted: CredSSP with the NTLM messages, then TPKT-framed MCS inside TLS
        assertThat(all).contains("NTLMSSP_NEGOTIATE").contains("NTLMSSP_CHALLENGE").contains("NTLMSSP_AUTH, User: DEMO\\demo")
                .contains("ServerData");
    }

    @Test
    void captureSecretsNoLeavesTheBlockOut() throws Exception {
        Path f = dir.resolve("none.pcapng");
        CliTest.Run run = CliTest.run("demo", "--capture", f.toString(), "--capture-secrets=no", "--brief", "--timeout", "8s");
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        Read r = read(f);
        assertThat(r.clientRandom()).isNotNull();
        assertThat(r.allSecrets()).isEmpty();
        assertThat(r.comments()).contains(io.rdpprobe.capture.ProbeCaptureFile.OWN_MARKER);
    }

    @Test
    void anyOtherNameIsClassicPcapWithANoticeOnce() throws Exception {
        Path f = dir.resolve("x.pcap");
        CliTest.Run run = CliTest.run("demo", "--capture", f.toString(), "--brief", "--timeout", "8s");
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.err()).contains("classic pcap").contains("need a .pcapng name");
        assertThat(run.err().split("classic pcap", -1)).hasSize(2);
        byte[] head = Arrays.copyOf(Files.readAllBytes(f), 24);
        assertThat(head).startsWith(0xD4, 0xC3, 0xB2, 0xA1); // libpcap, microseconds, little-endian
        assertThat(head[20]).isEqualTo((byte) 101); // LINKTYPE_RAW
        try (CaptureReader reader = CaptureReader.open(f)) {
            assertThat(reader.format()).isEqualTo("pcap");
        }
        Read r = read(f);
        assertThat(r.packets()).isGreaterThan(10);
        assertThat(r.clientRandom()).isNotNull();
        assertThat(r.comments()).isEmpty();
        assertThat(r.allSecrets()).isEmpty();

        List<String> tshark = tshark("-r", f.toString(), "-d", "tcp.port==" + r.serverPort() + ",tls", "-T", "fields",
                "-e", "_ws.col.Info");
        assumeTrue(tshark != null, "tshark is not installed");
        assertThat(tshark).hasSize(r.packets()).anyMatch(l -> l.contains("Client Hello"));
    }

    @Test
    void gatewayBasicIsRefusedWhenTheCaptureHoldsTheSecrets() throws IOException {
        Path f = dir.resolve("gw.pcapng");
        Path pw = Files.writeString(dir.resolve("pw"), "not-a-real-password\n");
        CliTest.Run run = CliTest.run("probe", "127.0.0.1:9", "--gateway", "127.0.0.1:9", "--gateway-auth", "basic",
                "-u", "DEMO\\demo", "--password-file", pw.toString(), "--capture", f.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--gateway-auth basic with --capture").contains("holds the TLS secrets")
                .contains("--capture-secrets=no");
        assertThat(f).doesNotExist();
    }

    /** tshark's output lines, or null when tshark cannot be run. */
    private static List<String> tshark(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("tshark");
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return null;
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tshark did not finish");
        }
        assertThat(p.exitValue()).as("tshark exit code").isZero();
        return new String(out, StandardCharsets.UTF_8).lines().toList();
    }
}
