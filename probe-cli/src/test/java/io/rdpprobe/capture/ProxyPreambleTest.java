package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.report.ReportJson;
import io.rdpprobe.report.TextRenderer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 13: RDP behind a SOCKS5 or HTTP CONNECT preamble is found; the TCP stage names the proxy and the requested
 * destination, and the RDP after the preamble is analysed. Two real lab captures (xfreerdp /proxy:... through
 * testdata/lab/proxy-relay.py to xrdp, PROVENANCE.md) and scripted variants (authentication, refusals).
 */
class ProxyPreambleTest {
    private static final Path DIR = Files.isDirectory(Path.of("../testdata/captures"))
            ? Path.of("../testdata/captures") : Path.of("testdata/captures");

    @TempDir
    Path dir;

    private static StageResult stage(Report r, Stage s) {
        return r.stages().stream().filter(x -> x.stage() == s).findFirst().orElseThrow();
    }

    private static Report only(Path f) throws Exception {
        List<AnalyzedConnection> all = CaptureAnalyzer.analyzeAll(f);
        assertThat(all).as(f.toString()).hasSize(1);
        return all.get(0).report();
    }

    @Test
    void realXfreerdpThroughSocks5() throws Exception {
        Report r = only(DIR.resolve("xrdp-tls-xfreerdp-via-socks5.pcap"));
        StageResult tcp = stage(r, Stage.TCP);
        assertThat(tcp.summary()).isEqualTo("connected through the SOCKS5 proxy 127.0.0.1:35893 to 127.0.0.1:35891");
        assertThat(tcp.evidence()).containsEntry("proxy", "SOCKS5").containsEntry("proxyDestination", "127.0.0.1:35891")
                .containsEntry("proxyAuthentication", "none");
        assertThat((String) tcp.evidence().get("proxyReply")).startsWith("succeeded (bound 127.0.0.1:");
        assertThat(stage(r, Stage.X224).evidence()).containsEntry("cookie", "root").containsEntry("selected", "SSL");
        assertThat(stage(r, Stage.TLS).status()).isEqualTo(Status.OK);
        assertThat(stage(r, Stage.TLS).summary()).contains("TLS 1.3");
    }

    @Test
    void realXfreerdpThroughHttpConnect() throws Exception {
        Report r = only(DIR.resolve("xrdp-tls-xfreerdp-via-http-connect.pcap"));
        StageResult tcp = stage(r, Stage.TCP);
        assertThat(tcp.summary()).isEqualTo("connected through the HTTP CONNECT proxy 127.0.0.1:35894 to 127.0.0.1:35891");
        assertThat(tcp.evidence()).containsEntry("proxy", "HTTP CONNECT").containsEntry("proxyDestination", "127.0.0.1:35891")
                .containsEntry("proxyReply", "HTTP/1.1 200 Connection established");
        assertThat(stage(r, Stage.X224).evidence()).containsEntry("selected", "SSL");
        assertThat(stage(r, Stage.TLS).status()).isEqualTo(Status.OK);
    }

    private static byte[] b(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (byte) v[i];
        return out;
    }

    private Path write(String name, TcpConversation t) throws Exception {
        return TestCaptures.write(dir.resolve(name), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, t.packets());
    }

    @Test
    void socks5WithPasswordAuthenticationNeverShowsThePassword() throws Exception {
        byte[] user = "proxyuser".getBytes(StandardCharsets.US_ASCII);
        byte[] pass = "S3cretProxyPw".getBytes(StandardCharsets.US_ASCII);
        byte[] auth = TcpConversation.concat(b(1, user.length), user, b(pass.length), pass);
        byte[] host = "rds1.example".getBytes(StandardCharsets.US_ASCII);
        TcpConversation t = new TcpConversation(TestCaptures.C4, 40000, TestCaptures.S4, 1080, 1_700_000_000_000_000_000L, 1, 2);
        t.handshake()
                .client(b(5, 2, 0, 2)).server(b(5, 2))
                .client(auth).server(b(1, 0))
                .client(TcpConversation.concat(b(5, 1, 0, 3, host.length), host, b(0x0D, 0x3D))).server(b(5, 0, 0, 1, 10, 0, 0, 2, 0x9c, 0x40))
                .client(TcpConversation.connectionRequest("alice", 0)).server(TcpConversation.connectionConfirm(0))
                .fin(true).fin(false);
        Report r = only(write("auth.pcap", t));
        StageResult tcp = stage(r, Stage.TCP);
        assertThat(tcp.evidence()).containsEntry("proxyDestination", "rds1.example:3389")
                .containsEntry("proxyAuthentication", "username/password (RFC 1929; not shown)")
                .containsEntry("proxyReply", "succeeded (bound 10.0.0.2:40000)");
        assertThat(stage(r, Stage.X224).evidence()).containsEntry("cookie", "alice").containsEntry("selected", "RDP");
        String json = ReportJson.render(r);
        String text = new TextRenderer(true).render(r);
        assertThat(json).doesNotContain("S3cretProxyPw");
        assertThat(text).doesNotContain("S3cretProxyPw");
    }

    @Test
    void socks5RefusalIsTheVerdict() throws Exception {
        TcpConversation t = new TcpConversation(TestCaptures.C4, 40001, TestCaptures.S4, 1080, 1_700_000_000_000_000_000L, 1, 2);
        t.handshake().client(b(5, 1, 0)).server(b(5, 0))
                .client(b(5, 1, 0, 1, 192, 0, 2, 7, 0x0D, 0x3D)).server(b(5, 5, 0, 1, 0, 0, 0, 0, 0, 0)).fin(false).fin(true);
        Report r = only(write("refused.pcap", t));
        assertThat(r.verdict().stage()).isEqualTo(Stage.TCP);
        assertThat(r.verdict().cause()).isEqualTo("PROXY_REFUSED");
        assertThat(r.verdict().summary()).isEqualTo(
                "the SOCKS5 proxy 10.0.0.2:1080 refused to connect to 192.0.2.7:3389: connection refused (SOCKS5 reply 5)");
    }

    @Test
    void httpConnectRefusalAndProxyAuthorization() throws Exception {
        TcpConversation t = new TcpConversation(TestCaptures.C4, 40002, TestCaptures.S4, 8080, 1_700_000_000_000_000_000L, 1, 2);
        t.handshake().client("CONNECT rds1.example:3389 HTTP/1.1\r\nHost: rds1.example:3389\r\nProxy-Authorization: Basic dXNlcjpTM2NyZXQ=\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII))
                .server("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
                .fin(false).fin(true);
        Report r = only(write("407.pcap", t));
        assertThat(r.verdict().cause()).isEqualTo("PROXY_REFUSED");
        assertThat(r.verdict().summary()).endsWith("refused to connect to rds1.example:3389: HTTP/1.1 407 Proxy Authentication Required");
        assertThat(stage(r, Stage.TCP).evidence()).containsEntry("proxyAuthentication", "Proxy-Authorization Basic (credentials not shown)");
        assertThat(ReportJson.render(r)).doesNotContain("dXNlcjpTM2NyZXQ=");
    }

    @Test
    void streamsThatOnlyLookLikeAPreambleAreLeftAlone() throws Exception {
        // a client that starts with 'C' but is no CONNECT, on a non-RDP port: not RDP at all
        TcpConversation t = new TcpConversation(TestCaptures.C4, 40003, TestCaptures.S4, 110, 1_700_000_000_000_000_000L, 1, 2);
        t.handshake().client("CAPA\r\n".getBytes(StandardCharsets.US_ASCII)).server("+OK\r\n".getBytes(StandardCharsets.US_ASCII))
                .fin(true).fin(false);
        assertThat(CaptureAnalyzer.analyzeAll(write("pop.pcap", t))).isEmpty();
        // a normal RDP connection still starts with its CR
        assertThat(only(write("plain.pcap", TestCaptures.tlsHandshake(TestCaptures.C4, TestCaptures.S4, 50000))).stages().get(0).summary())
                .isEqualTo("connected");
    }

    @Test
    void mutatedPreamblesNeverBreakTheAnalyser() throws Exception {
        java.util.Random r = new java.util.Random(20261201);
        byte[] host = "rds1.example".getBytes(StandardCharsets.US_ASCII);
        byte[][] client = {
            TcpConversation.concat(b(5, 2, 0, 2), b(1, 3, 'u', 's', 'r', 2, 'p', 'w'), b(5, 1, 0, 3, host.length), host, b(0x0D, 0x3D),
                    TcpConversation.connectionRequest("z", 3)),
            ("CONNECT rds1.example:3389 HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII)};
        byte[][] server = {TcpConversation.concat(b(5, 2), b(1, 0), b(5, 0, 0, 4), new byte[16], b(0, 1), TcpConversation.connectionConfirm(2)),
            "HTTP/1.0 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII)};
        List<TcpConversation.Packet> all = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int k = i % 2;
            byte[] c = java.util.Arrays.copyOf(client[k], 1 + r.nextInt(client[k].length));
            byte[] s = java.util.Arrays.copyOf(server[k], r.nextInt(server[k].length + 1));
            for (int m = 0; m < r.nextInt(4); m++) {
                int at = r.nextInt(c.length);
                if (at > 0 || k == 0) c[at] = (byte) r.nextInt(256); // keep the first byte most of the time
            }
            for (int m = 0; m < r.nextInt(4) && s.length > 0; m++) s[r.nextInt(s.length)] = (byte) r.nextInt(256);
            TcpConversation t = new TcpConversation(TestCaptures.C4, 20000 + i, TestCaptures.S4, 1080, 1_000_000_000L * i, i, 7L * i);
            t.mss(1 + r.nextInt(20)).handshake().client(c);
            if (s.length > 0) t.server(s);
            t.client(new byte[r.nextInt(30)]);
            if (r.nextBoolean()) t.fin(true).fin(false);
            all.addAll(t.packets());
        }
        Path f = TestCaptures.write(dir.resolve("fuzz.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, all);
        for (AnalyzedConnection a : CaptureAnalyzer.analyzeAll(f)) {
            assertThat(a.report().stages()).isNotEmpty();
            assertThat(ReportJson.render(a.report())).doesNotContain("\"pw\"");
        }
    }

    @Test
    void anEndlessHttpHeaderIsGivenUpAtTheLimit() throws Exception {
        // 20 KB of header without an end, one byte per segment, to the RDP port: buffered up to the limit only
        StringBuilder h = new StringBuilder("CONNECT rds1.example:3389 HTTP/1.1\r\n");
        while (h.length() < 20_000) h.append("X-Pad: aaaaaaaaaaaaaaaa\r\n");
        TcpConversation t = new TcpConversation(TestCaptures.C4, 40009, TestCaptures.S4, 3389, 1_700_000_000_000_000_000L, 1, 2);
        t.mss(1).handshake().client(h.toString().getBytes(StandardCharsets.US_ASCII)).fin(true).fin(false);
        Report r = only(write("endless.pcap", t));
        StageResult tcp = stage(r, Stage.TCP);
        assertThat(tcp.evidence()).containsEntry("proxy", "HTTP CONNECT").containsEntry("proxyNote",
                "preamble longer than " + ProxyPreamble.MAX_BUFFERED + " bytes");
        assertThat(tcp.status()).isEqualTo(Status.FAILED); // the client closed before any proxy reply
    }
}
