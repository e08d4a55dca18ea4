package io.rdpprobe.probe.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.demo.DemoServer;
import io.rdpprobe.demo.Fault;
import io.rdpprobe.demo.Negotiator;
import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.x224.Protocols;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real sockets against the embedded endpoint: every misbehaviour gets its verdict within the deadline. */
class DemoFaultsTest {
    private static ProbeRunner runner;

    @BeforeAll
    static void start() {
        runner = new ProbeRunner();
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    @ParameterizedTest
    @CsvSource({
            "NONE, WARNING, CERT_SELF_SIGNED",
            "SILENT, FAILED, NO_RESPONSE",
            "GARBAGE, FAILED, NOT_RDP",
            "HTTP, FAILED, NOT_RDP",
            "CLOSE, FAILED, CONNECTION_CLOSED",
            "RESET, FAILED, CONNECTION_RESET",
            "HOSTILE_LENGTH, FAILED, MALFORMED_RESPONSE",
            "TRUNCATED, FAILED, TRUNCATED_RESPONSE",
            "BAD_X224, FAILED, MALFORMED_RESPONSE"})
    void eachFaultGetsAnX224VerdictWithinTheDeadline(Fault fault, Status status, String cause) throws Exception {
        // the first TLS handshake in a cold JVM on 2 cores can take a second: give the healthy case room
        long timeout = fault == Fault.NONE ? 8000 : 800;
        try (DemoServer server = DemoServer.start(fault)) {
            long t0 = System.nanoTime();
            Report r = runner.probe(new Target("127.0.0.1", server.port()), ProbeSettings.defaults().withTimeout(timeout));
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            // NONE: the default request selects HYBRID_EX; without credentials the probe stops after the NTLM
            // CHALLENGE, so the verdict sits at CREDSSP with the self-signed certificate as its warning
            assertThat(r.verdict().stage()).isEqualTo(fault == Fault.NONE ? Stage.CREDSSP : Stage.X224);
            assertThat(r.verdict().status()).isEqualTo(status);
            assertThat(r.verdict().cause()).isEqualTo(cause);
            // deadline plus scheduling slack; a hang would take the watchdog's 12x budget
            assertThat(tookMs).isLessThan(timeout + 1500);
        }
    }

    @Test
    void nlaOnlyServerRefusesAnSslRequestWithHybridRequired() throws Exception {
        try (DemoServer server = DemoServer.start(new Negotiator(Protocols.HYBRID, false), Fault.NONE)) {
            Report r = runner.probe(new Target("127.0.0.1", server.port()),
                    ProbeSettings.defaults().withProtocols(Protocols.SSL).withTimeout(2000));
            assertThat(r.verdict().cause()).isEqualTo("HYBRID_REQUIRED_BY_SERVER");
            assertThat(r.verdict().summary()).startsWith("NLA required");
        }
    }

    @Test
    void closedPortIsConnectionRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Report r = runner.probe(new Target("127.0.0.1", port), ProbeSettings.defaults().withTimeout(2000));
        assertThat(r.verdict().stage()).isEqualTo(Stage.TCP);
        assertThat(r.verdict().cause()).isEqualTo("CONNECTION_REFUSED");
        assertThat(r.exitCode()).isEqualTo(11);
    }

    @Test
    void unresolvableNameIsDnsNotFound() {
        Report r = runner.probe(new Target("no-such-host.invalid", 3389), ProbeSettings.defaults().withTimeout(3000));
        assertThat(r.verdict().stage()).isEqualTo(Stage.DNS);
        assertThat(r.verdict().cause()).isEqualTo("DNS_NOT_FOUND");
    }

    @Test
    void targetParsing() {
        assertThat(Target.parse("host", null)).isEqualTo(new Target("host", 3389));
        assertThat(Target.parse("host:33891", null)).isEqualTo(new Target("host", 33891));
        assertThat(Target.parse("[::1]:3390", null)).isEqualTo(new Target("::1", 3390));
        assertThat(Target.parse("::1", null)).isEqualTo(new Target("::1", 3389));
        assertThat(Target.parse("h:1", 2)).isEqualTo(new Target("h", 2));
    }

    @Test
    void socketErrorsAreClassified() {
        assertThat(ProbeRunner.classify(new io.netty.channel.ConnectTimeoutException("connection timed out after 10000 ms")))
                .isEqualTo(io.rdpprobe.probe.connector.TcpFailure.TIMEOUT);
        assertThat(ProbeRunner.classify(new java.net.NoRouteToHostException("No route to host")))
                .isEqualTo(io.rdpprobe.probe.connector.TcpFailure.HOST_UNREACHABLE);
        assertThat(ProbeRunner.classify(new java.net.ConnectException("Network is unreachable")))
                .isEqualTo(io.rdpprobe.probe.connector.TcpFailure.NET_UNREACHABLE);
        // the epoll transport's wording (io.netty.channel.unix.Errors.NativeConnectException)
        assertThat(ProbeRunner.classify(new java.net.ConnectException("finishConnect(..) failed: No route to host")))
                .isEqualTo(io.rdpprobe.probe.connector.TcpFailure.HOST_UNREACHABLE);
        assertThat(ProbeRunner.classify(new java.net.ConnectException("connect(..) failed: Network is unreachable")))
                .isEqualTo(io.rdpprobe.probe.connector.TcpFailure.NET_UNREACHABLE);
        // epoll's EHOSTUNREACH carries no text (measured: "null: 10.216.0.2:3390"); the errno's text is put in
        assertThat(ProbeRunner.errorText(new java.net.NoRouteToHostException("null: 10.216.0.2:3390")))
                .isEqualTo("No route to host: 10.216.0.2:3390");
        assertThat(ProbeRunner.classify(new java.net.ConnectException("finishConnect(..) failed: Connection refused")))
                .isEqualTo(io.rdpprobe.probe.connector.TcpFailure.REFUSED);
        assertThat(ProbeRunner.classify(new java.net.ConnectException("Connection refused")))
                .isEqualTo(io.rdpprobe.probe.connector.TcpFailure.REFUSED);
    }
}
