package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.Status;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioTest {
    @TempDir
    Path dir;

    private AnalyzedConnection one(TcpConversation t) throws IOException {
        Path f = TestCaptures.write(dir.resolve("s.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, t.packets());
        var cs = TestCaptures.analyze(f);
        assertThat(cs).hasSize(1);
        return cs.get(0);
    }

    private static TcpConversation conv(int port) {
        return new TcpConversation(TestCaptures.C4, port, TestCaptures.S4, 3389, 1_000_000_000L, 11, 22);
    }

    @Test
    void negotiationFailureGivesItsCause() throws IOException {
        AnalyzedConnection c = one(conv(1).handshake().client(TcpConversation.connectionRequest("u", 0))
                .server(TcpConversation.negotiationFailure(5)).fin(false).fin(true));
        assertThat(c.report().verdict().stage()).isEqualTo(Stage.X224);
        assertThat(c.report().verdict().cause()).isEqualTo("HYBRID_REQUIRED_BY_SERVER");
        assertThat(c.report().exitCode()).isEqualTo(12);
        assertThat(ZeekMapping.rdpLog(c.tcp())).containsEntry("result", "HYBRID_REQUIRED_BY_SERVER").containsEntry("cookie", "u");
    }

    @Test
    void refusedSyn() throws IOException {
        AnalyzedConnection c = one(conv(2).refused());
        assertThat(c.report().verdict().stage()).isEqualTo(Stage.TCP);
        assertThat(c.report().verdict().cause()).isEqualTo(Causes.CONNECTION_REFUSED.code());
    }

    @Test
    void serverClosesAfterTheConnectionRequest() throws IOException {
        AnalyzedConnection c = one(conv(3).handshake().client(TcpConversation.connectionRequest("u", 3)).fin(false));
        assertThat(c.report().verdict().stage()).isEqualTo(Stage.X224);
        assertThat(c.report().verdict().cause()).isEqualTo(Causes.CONNECTION_CLOSED.code());
        assertThat(c.report().verdict().summary()).contains("server closed the connection (FIN) after client: X.224 Connection Request");
    }

    @Test
    void fatalAlertInClear() throws IOException {
        AnalyzedConnection c = one(conv(4).handshake().client(TcpConversation.connectionRequest("u", 1))
                .server(TcpConversation.connectionConfirm(1)).client(TcpConversation.clientHelloRecord("h"))
                .server(TcpConversation.alert(2, 70)).fin(false));
        assertThat(c.report().verdict().stage()).isEqualTo(Stage.TLS);
        assertThat(c.report().verdict().cause()).isEqualTo("TLS_ALERT");
        assertThat(c.report().verdict().summary()).contains("protocol_version").contains("server");
    }

    @Test
    void malformedConnectionConfirm() throws IOException {
        byte[] cc = TcpConversation.connectionConfirm(1);
        cc[13] = 0; // RDP_NEG_RSP.length = 0
        cc[14] = 0;
        AnalyzedConnection c = one(conv(5).handshake().client(TcpConversation.connectionRequest("u", 1)).server(cc));
        assertThat(c.report().verdict().cause()).isEqualTo(Causes.MALFORMED_RESPONSE.code());
        assertThat(c.report().verdict().summary()).contains("RDP_NEG_RSP.length");
    }

    @Test
    void sslOnlyHandshakeSkipsCredSsp() throws IOException {
        AnalyzedConnection c = one(conv(6).handshake().client(TcpConversation.connectionRequest(null, 1))
                .server(TcpConversation.connectionConfirm(1)).client(TcpConversation.clientHelloRecord("h"))
                .server(TcpConversation.serverFlightRecord(0x002F, java.util.List.of()))
                .client(TcpConversation.changeCipherSpec()).server(TcpConversation.changeCipherSpec()));
        assertThat(c.report().stages().get(3).status()).isEqualTo(Status.SKIPPED);
        assertThat(c.report().verdict().stage()).isEqualTo(Stage.TLS);
        assertThat(c.report().verdict().status()).isEqualTo(Status.OK);
        assertThat(ZeekMapping.rdpLog(c.tcp())).containsEntry("result", "encrypted").containsEntry("security_protocol", "SSL");
    }

    static byte[] tlsFixture(String name) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String l : java.nio.file.Files.readAllLines(Path.of("../testdata/fixtures/tls", name))) {
            if (!l.startsWith("#")) sb.append(l);
        }
        return io.rdpprobe.protocol.codec.Wire.unhex(sb);
    }

    @Test
    void recordedTls13HandshakeIsSeenAsTls13WithAnEncryptedCertificate() throws IOException {
        AnalyzedConnection c = one(conv(7).handshake().client(TcpConversation.connectionRequest("u", 1))
                .server(TcpConversation.connectionConfirm(1)).client(tlsFixture("client-hello-tls13.hex"))
                .server(tlsFixture("server-flight-tls13.hex"))
                .client(TcpConversation.concat(TcpConversation.changeCipherSpec(), TcpConversation.applicationData(80)))
                .fin(true).fin(false));
        var tls = c.report().stages().get(2);
        assertThat(tls.status()).isEqualTo(Status.OK);
        assertThat(tls.evidence()).containsEntry("version", "TLS 1.3").containsEntry("clientMaxVersion", "TLS 1.3")
                .containsEntry("sni", "rdp13.example").containsEntry("certificates", "encrypted (TLS 1.3)");
        assertThat(tls.evidence().get("cipherSuite").toString()).startsWith("TLS_AES_");
    }

    @Test
    void recordedTls12FlightGivesTheCertificate() throws IOException {
        AnalyzedConnection c = one(conv(8).handshake().client(TcpConversation.connectionRequest("u", 1))
                .server(TcpConversation.connectionConfirm(1)).client(tlsFixture("client-hello-tls12.hex"))
                .server(tlsFixture("server-flight-tls12.hex"))
                .client(TcpConversation.changeCipherSpec()).server(TcpConversation.changeCipherSpec()).rst(true));
        var tls = c.report().stages().get(2);
        assertThat(tls.status()).isEqualTo(Status.OK);
        @SuppressWarnings("unchecked")
        var chain = (java.util.List<java.util.Map<String, Object>>) tls.evidence().get("certificates");
        assertThat(chain).hasSize(1);
        assertThat(chain.get(0)).containsEntry("subject", "CN=rdp-probe-test").containsEntry("selfIssued", true);
        assertThat(chain.get(0).get("sha256").toString()).hasSize(64);
    }

    @Test
    void nonRdpTrafficOnOtherPortsIsIgnored() throws IOException {
        TcpConversation t = new TcpConversation(TestCaptures.C4, 40000, TestCaptures.S4, 80, 0, 1, 2);
        t.handshake().client("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes()).server("HTTP/1.1 200 OK\r\n\r\n".getBytes()).fin(true).fin(false);
        Path f = TestCaptures.write(dir.resolve("http.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, t.packets());
        assertThat(TestCaptures.analyze(f)).isEmpty();
    }

    @Test
    void httpsIsAbandonedAtItsFirstRecordAndNotReported() throws IOException {
        TcpConversation t = new TcpConversation(TestCaptures.C4, 40002, TestCaptures.S4, 443, 0, 1, 2);
        t.handshake().client(TcpConversation.clientHelloRecord("www.example"))
                .server(TcpConversation.serverFlightRecord(0x002F, java.util.List.of())).fin(true).fin(false);
        Path f = TestCaptures.write(dir.resolve("https.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, t.packets());
        CaptureAnalyzer a = new CaptureAnalyzer(c -> { throw new AssertionError("reported " + c.report().target()); });
        try (CaptureReader r = CaptureReader.open(f)) {
            RawPacket p;
            while ((p = r.next()) != null) {
                a.accept(p);
            }
        }
        a.finish();
        assertThat(a.openConnections()).isZero();
    }

    @Test
    void midstreamConnectionSaysTheNegotiationIsNotInTheCapture() throws IOException {
        TcpConversation t = TestCaptures.tlsHandshake(TestCaptures.C4, TestCaptures.S4, 40003);
        var ps = t.packets().subList(12, t.packets().size());
        Path f = TestCaptures.write(dir.resolve("mid.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, ps);
        AnalyzedConnection c = TestCaptures.analyze(f).get(0);
        assertThat(c.report().stages().get(0).summary()).contains("already open");
        assertThat(c.report().stages().get(1).status()).isEqualTo(Status.NOT_REACHED);
        assertThat(c.report().stages().get(1).summary()).contains("starts after the X.224 negotiation");
    }

    @Test
    void rdpOnAnyPortIsFoundByTheConnectionRequest() throws IOException {
        TcpConversation t = new TcpConversation(TestCaptures.C4, 40001, TestCaptures.S4, 13389, 0, 1, 2);
        t.handshake().client(TcpConversation.connectionRequest("eve", 3)).server(TcpConversation.negotiationFailure(1));
        Path f = TestCaptures.write(dir.resolve("p.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, t.packets());
        var cs = TestCaptures.analyze(f);
        assertThat(cs).hasSize(1);
        assertThat(cs.get(0).report().verdict().cause()).isEqualTo("SSL_REQUIRED_BY_SERVER");
    }
}
