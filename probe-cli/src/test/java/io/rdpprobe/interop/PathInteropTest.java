package io.rdpprobe.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rdpprobe.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The TCP stage's kernel figures, {@code --rtt}, the socket-error reading and the {@code --enumerate} client table
 * against real xrdp (tls) and FreeRDP shadow (nla) on loopback: .ci/run group 1.
 */
@Tag("interop")
class PathInteropTest {
    private static JsonNode probe(String... args) throws Exception {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(new StringWriter()));
        String[] all = new String[args.length + 2];
        all[0] = "probe";
        System.arraycopy(args, 0, all, 1, args.length);
        all[all.length - 1] = "--json";
        cl.execute(all);
        System.out.println("[interop] probe " + String.join(" ", args) + " (xrdp " + Lab.XRDP_MODE + ", shadow "
                + Lab.SHADOW_MODE + ")\n" + out);
        return new ObjectMapper().readTree(out.toString());
    }

    private static JsonNode tcp(JsonNode r) {
        return r.get("stages").get(1);
    }

    private static JsonNode client(JsonNode r, String prefix) {
        for (JsonNode c : r.at("/clients/clients")) {
            if (c.get("client").asText().startsWith(prefix)) {
                return c;
            }
        }
        throw new AssertionError("no client " + prefix);
    }

    @Test
    void xrdpTlsOnLoopbackHasCleanKernelFiguresAndNoPathWarning() throws Exception {
        Lab.requireXrdp("tls");
        JsonNode r = probe("localhost:" + Lab.XRDP_PORT, "--rtt", "3");
        JsonNode tcp = tcp(r);
        assertThat(tcp.get("status").asText()).isEqualTo("OK");
        if ("epoll".equals(tcp.at("/evidence/transport").asText())) {
            assertThat(tcp.at("/evidence/tcpInfo/pmtu").asLong()).isEqualTo(65535);
            // loopback loses nothing; a timer-fired retransmission on a busy CI host is named, never PATH_LOSS
            if (tcp.at("/evidence/tcpInfoAtEnd/totalRetrans").asLong() > 0) {
                assertThat(tcp.at("/evidence/pathNote").asText()).startsWith("loopback peer:");
            }
            assertThat(tcp.at("/evidence/rtt/source").asText()).isEqualTo("TCP_INFO");
        }
        assertThat(tcp.at("/evidence/rtt/completed").asInt()).isEqualTo(3);
        assertThat(tcp.at("/evidence/rtt/jitterMs").asDouble()).isLessThan(15.0);
    }

    @Test
    void xrdpTlsClientTableRefusesOnlyTheTls10Client() throws Exception {
        Lab.requireXrdp("tls");
        JsonNode r = probe("localhost:" + Lab.XRDP_PORT, "--enumerate", "--stop-after", "TLS");
        assertThat(client(r, "mstsc, Windows 7 SP1 without").get("canConnect").asText()).isEqualTo("no");
        assertThat(client(r, "mstsc, Windows 7 SP1 without").get("cause").asText()).isEqualTo("TLS_VERSION_MISMATCH");
        assertThat(client(r, "mstsc, Windows 10/11").get("canConnect").asText()).isEqualTo("yes");
        assertThat(client(r, "mstsc, Windows 10/11").get("via").asText()).startsWith("SSL");
    }

    @Test
    void shadowNlaSpeaksCredSsp6AndNeedsNla() throws Exception {
        Lab.requireShadow("nla");
        JsonNode r = probe("localhost:" + Lab.SHADOW_PORT, "--enumerate");
        assertThat(r.at("/clients/serverCredSspVersion").asInt()).isEqualTo(6);
        assertThat(client(r, "mstsc, Windows 10/11").get("canConnect").asText()).isEqualTo("yes");
        assertThat(client(r, "mstsc, Windows 10/11").get("via").asText()).startsWith("HYBRID");
        assertThat(client(r, "xrdp-era").get("canConnect").asText()).isEqualTo("no");
    }

    @Test
    void aClosedLoopbackPortIsClosedNotFiltered() throws Exception {
        Lab.requireXrdp("tls");
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        JsonNode tcp = tcp(probe("127.0.0.1:" + closed, "--timeout", "2s"));
        assertThat(tcp.get("cause").asText()).isEqualTo("CONNECTION_REFUSED");
        assertThat(tcp.at("/evidence/reachability").asText()).isEqualTo("CLOSED");
    }
}
