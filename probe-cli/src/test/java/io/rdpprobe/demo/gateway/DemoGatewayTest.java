package io.rdpprobe.demo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.rdpprobe.demo.DemoCertificate;
import io.rdpprobe.protocol.ntlm.AvPair;
import io.rdpprobe.protocol.ntlm.ChallengeMessage;
import io.rdpprobe.protocol.ntlm.NegotiateFlags;
import io.rdpprobe.protocol.ntlm.NtlmCrypto;
import io.rdpprobe.protocol.ntlm.NtlmInitiator;
import io.rdpprobe.protocol.ntlm.NtlmVersion;
import io.rdpprobe.protocol.rdg.ChannelCreate;
import io.rdpprobe.protocol.rdg.ChannelResponse;
import io.rdpprobe.protocol.rdg.CloseChannel;
import io.rdpprobe.protocol.rdg.DataPacket;
import io.rdpprobe.protocol.rdg.ExtendedAuth;
import io.rdpprobe.protocol.rdg.HandshakeRequest;
import io.rdpprobe.protocol.rdg.HandshakeResponse;
import io.rdpprobe.protocol.rdg.HttpBlob;
import io.rdpprobe.protocol.rdg.Keepalive;
import io.rdpprobe.protocol.rdg.RdgPacket;
import io.rdpprobe.protocol.rdg.RdgStatus;
import io.rdpprobe.protocol.rdg.ServiceMessage;
import io.rdpprobe.protocol.rdg.TunnelAuth;
import io.rdpprobe.protocol.rdg.TunnelAuthResponse;
import io.rdpprobe.protocol.rdg.TunnelCreate;
import io.rdpprobe.protocol.rdg.TunnelResponse;
import io.rdpprobe.protocol.spnego.NegTokenInit;
import io.rdpprobe.protocol.spnego.NegTokenResp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The embedded gateway against a scripted client (a JDK TLS socket writing HTTP and RDG bytes made with the
 * codec): HTTP routing and authentication, both transports end to end to an echo target, CAP/RAP/limits, PAA,
 * and what each {@link GatewayFault} looks like on the wire.
 */
class DemoGatewayTest {
    private static final DemoCertificate CERT = DemoCertificate.demo();
    private static final GatewayAccount ALICE = new GatewayAccount("alice", "CORP", "S3cret!");
    private static final String CONN_ID = "{6a5b8a1e-2a4f-4a39-9d3c-5a7a2e0d3f11}";
    private static EchoServer echo;
    private DemoGateway gateway;

    @BeforeAll
    static void startEcho() throws IOException {
        echo = new EchoServer();
    }

    @AfterAll
    static void stopEcho() throws IOException {
        echo.close();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private DemoGateway start(UnaryOperator<GatewayConfig> change) throws InterruptedException {
        GatewayConfig c = GatewayConfig.defaults(CERT, ALICE).withPaaToken("good-token", "CORP\\alice");
        gateway = DemoGateway.start(change.apply(c), 0);
        return gateway;
    }

    /** Every connection of the gateway (HTTP channels and target sockets) is closed; polled, the close is async. */
    private void assertAllConnectionsClosed() throws InterruptedException {
        for (int i = 0; i < 100 && gateway.openConnections() > 0; i++) {
            Thread.sleep(50);
        }
        assertThat(gateway.openConnections()).as("open connections at the gateway").isZero();
    }

    private static Map<String, String> out(boolean websocket) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("RDG-Connection-Id", CONN_ID);
        h.put("Content-Length", "0");
        if (websocket) {
            h.put("Connection", "Upgrade");
            h.put("Upgrade", "websocket");
            h.put("Sec-WebSocket-Version", "13");
            h.put("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        }
        return h;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- HTTP

    @Test
    void withoutAuthorizationEverySchemeIsOffered() throws Exception {
        start(c -> c);
        try (RawGatewayClient c = RawGatewayClient.tls(gateway.port())) {
            c.request("RDG_OUT_DATA", "/remoteDesktopGateway/", out(true));
            RawGatewayClient.Response r = c.response();
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.all("WWW-Authenticate")).containsExactly("NTLM", "Negotiate", "Basic realm=\"rdp-probe-gateway\"");
            assertThat(r.header("Content-Length")).isEqualTo("0");
            // keep-alive: the same connection takes the next request
            c.request("RDG_OUT_DATA", "/remoteDesktopGateway/", out(true));
            assertThat(c.response().status()).isEqualTo(401);
        }
    }

    @Test
    void otherPathsAndMethodsAnswerAsIisDoes() throws Exception {
        start(c -> c);
        try (RawGatewayClient c = RawGatewayClient.tls(gateway.port())) {
            c.request("GET", "/", Map.of());
            assertThat(c.response().status()).isEqualTo(404);
            c.request("RPC_IN_DATA", "/rpc/rpcproxy.dll?localhost:3388", Map.of("Content-Length", "0"));
            assertThat(c.response().status()).isEqualTo(404);
            c.request("GET", "/remoteDesktopGateway/", Map.of());
            RawGatewayClient.Response r = c.response();
            assertThat(r.status()).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("RDG_OUT_DATA, RDG_IN_DATA");
        }
    }

    @Test
    void ntlmChallengeLooksLikeWindows() throws Exception {
        start(c -> c);
        try (RawGatewayClient c = RawGatewayClient.tls(gateway.port())) {
            RawGatewayClient.NtlmRun run = c.ntlm("NTLM", "RDG_OUT_DATA", out(true), "alice", "CORP", "S3cret!");
            ChallengeMessage ch = ChallengeMessage.decode(Unpooled.wrappedBuffer(run.challenge()));
            assertThat(ch.targetInfoOrEmpty().nbComputerName()).contains("RDP-PROBE-GW");
            assertThat(ch.targetInfoOrEmpty().nbDomainName()).contains("DEMO");
            assertThat(ch.targetInfoOrEmpty().dnsComputerName()).contains("rdp-probe-gw.demo.invalid");
            assertThat(ch.targetInfoOrEmpty().timestampMillis()).isPresent();
            assertThat(ch.targetInfoOrEmpty().get(AvPair.MSV_AV_TIMESTAMP)).isPresent();
            assertThat(ch.version()).isNotNull();
            assertThat(run.last().status()).isEqualTo(101);
        }
    }

    @Test
    void wrongPasswordGets401AgainAndTheConnectionCloses() throws Exception {
        start(c -> c);
        try (RawGatewayClient c = RawGatewayClient.tls(gateway.port())) {
            RawGatewayClient.NtlmRun run = c.ntlm("NTLM", "RDG_OUT_DATA", out(true), "alice", "CORP", "wrong");
            assertThat(run.last().status()).isEqualTo(401);
            assertThat(run.last().all("WWW-Authenticate")).contains("NTLM", "Negotiate");
            assertThat(run.last().header("Connection")).isEqualToIgnoringCase("close");
            assertThat(c.closedByPeer()).isTrue();
        }
        try (RawGatewayClient c = RawGatewayClient.tls(gateway.port())) {
            c.request("RDG_OUT_DATA", "/remoteDesktopGateway/", Map.of("Authorization", basic("CORP\\alice", "nope"),
                    "Content-Length", "0"));
            assertThat(c.response().status()).isEqualTo(401);
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void negotiateCarryingRawNtlmAsHttpSysAccepts() throws Exception {
        start(c -> c);
        try (RawGatewayClient c = RawGatewayClient.tls(gateway.port())) {
            RawGatewayClient.NtlmRun run = c.ntlm("Negotiate", "RDG_OUT_DATA", out(true), "alice", "CORP", "S3cret!");
            assertThat(new String(run.challenge(), 0, 7, StandardCharsets.US_ASCII)).isEqualTo("NTLMSSP"); // raw back
            assertThat(run.last().status()).isEqualTo(101);
        }
    }

    @Test
    void negotiateWithSpnegoWrappedNtlm() throws Exception {
        start(c -> c);
        try (RawGatewayClient c = RawGatewayClient.tls(gateway.port())) {
            NtlmInitiator ntlm = new NtlmInitiator("alice", "CORP", NtlmCrypto.ntHash("S3cret!".toCharArray()), "WS", null,
                    new NtlmVersion(10, 0, 19041, 15), NegotiateFlags.CREDSSP_CLIENT);
            NegTokenInit init = NegTokenInit.ntlm(ntlm.negotiate());
            Map<String, String> h = new LinkedHashMap<>(out(true));
            h.put("Authorization", "Negotiate " + Base64.getEncoder().encodeToString(init.toBytes()));
            c.request("RDG_OUT_DATA", "/remoteDesktopGateway/", h);
            RawGatewayClient.Response r = c.response();
            assertThat(r.status()).isEqualTo(401);
            String www = r.header("WWW-Authenticate");
            assertThat(www).startsWith("Negotiate ");
            NegTokenResp resp = NegTokenResp.decode(Base64.getDecoder().decode(www.substring(10)));
            assertThat(resp.negState()).isEqualTo(NegTokenResp.ACCEPT_INCOMPLETE);
            byte[] cc = new byte[8];
            byte[] key = new byte[16];
            new SecureRandom().nextBytes(key);
            NtlmInitiator.Result a = ntlm.authenticate(resp.responseToken(), cc, key, System.currentTimeMillis());
            byte[] mic = a.sealing().sign(init.mechTypesDer());
            h.put("Authorization", "Negotiate " + Base64.getEncoder().encodeToString(
                    new NegTokenResp(null, null, a.authenticateBytes(), mic).toBytes()));
            c.request("RDG_OUT_DATA", "/remoteDesktopGateway/", h);
            RawGatewayClient.Response done = c.response();
            assertThat(done.status()).isEqualTo(101);
            NegTokenResp fin = NegTokenResp.decode(Base64.getDecoder().decode(done.header("WWW-Authenticate").substring(10)));
            assertThat(fin.negState()).isEqualTo(NegTokenResp.ACCEPT_COMPLETED);
            assertThat(fin.mechListMic()).isNotNull();
        }
    }

    // ---------------------------------------------------------------- WebSocket transport

    /** An authenticated WebSocket client (Basic, so each test is short). */
    private RawGatewayClient websocket() throws Exception {
        RawGatewayClient c = RawGatewayClient.tls(gateway.port());
        Map<String, String> h = new LinkedHashMap<>(out(true));
        h.put("Authorization", basic("CORP\\alice", "S3cret!"));
        c.request("RDG_OUT_DATA", "/remoteDesktopGateway/", h);
        RawGatewayClient.Response r = c.response();
        assertThat(r.status()).isEqualTo(101);
        // RFC 6455 4.2.2 example: key dGhlIHNhbXBsZSBub25jZQ== -> s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
        assertThat(r.header("Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(r.header("Upgrade")).isEqualToIgnoringCase("websocket");
        c.websocket();
        return c;
    }

    private static RdgPacket ws(RawGatewayClient c, RdgPacket p) throws IOException {
        c.frame(RawGatewayClient.bytes(p));
        return c.wsPacket();
    }

    private static ChannelCreate echoChannel() {
        return ChannelCreate.of("127.0.0.1", echo.port());
    }

    @Test
    void websocketTunnelCarriesDataBothWays() throws Exception {
        start(c -> c);
        try (RawGatewayClient c = websocket()) {
            HandshakeResponse h = (HandshakeResponse) ws(c, HandshakeRequest.of(ExtendedAuth.NONE));
            assertThat(h.errorCode()).isZero();
            assertThat(h.versionMajor()).isEqualTo(1);
            assertThat(h.extendedAuth()).isEqualTo(ExtendedAuth.NONE);
            TunnelResponse t = (TunnelResponse) ws(c, TunnelCreate.of(0x1f, null));
            assertThat(t.statusCode()).isZero();
            assertThat(t.tunnelId()).isNotNull();
            assertThat(t.capsFlags()).isEqualTo(GatewayConfig.SERVER_CAPS);
            TunnelAuthResponse a = (TunnelAuthResponse) ws(c, TunnelAuth.of("TESTWS"));
            assertThat(a.errorCode()).isZero();
            assertThat(a.idleTimeoutMinutes()).isEqualTo(30L);
            assertThat(a.redirFlags()).isEqualTo(GatewayConfig.REDIRECT_ENABLE_ALL);
            assertThat(gateway.openTunnels()).isEqualTo(1);
            // a packet split across two frames, then a keep-alive and a DATA packet in one frame
            byte[] cc = RawGatewayClient.bytes(echoChannel());
            c.frame(java.util.Arrays.copyOf(cc, 5));
            c.frame(java.util.Arrays.copyOfRange(cc, 5, cc.length));
            ChannelResponse ch = (ChannelResponse) c.wsPacket();
            assertThat(ch.errorCode()).isZero();
            assertThat(ch.channelId()).isNotNull();
            ByteArrayOutputStream two = new ByteArrayOutputStream();
            two.write(RawGatewayClient.bytes(new Keepalive()));
            two.write(RawGatewayClient.bytes(new DataPacket("hello".getBytes(StandardCharsets.US_ASCII))));
            c.frame(two.toByteArray());
            assertThat(((DataPacket) c.wsPacket()).data()).asString(StandardCharsets.US_ASCII).isEqualTo("hello");
            // 100,000 bytes from the target come back in DATA packets of at most 65535 bytes
            byte[] big = new byte[100_000];
            new SecureRandom().nextBytes(big);
            c.frame(RawGatewayClient.bytes(new DataPacket(java.util.Arrays.copyOf(big, 60_000))));
            c.frame(RawGatewayClient.bytes(new DataPacket(java.util.Arrays.copyOfRange(big, 60_000, 100_000))));
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            while (back.size() < big.length) {
                byte[] d = ((DataPacket) c.wsPacket()).data();
                assertThat(d.length).isLessThanOrEqualTo(DataPacket.MAX_DATA);
                back.write(d);
            }
            assertThat(back.toByteArray()).isEqualTo(big);
            // CLOSE_CHANNEL -> CLOSE_CHANNEL_RESPONSE, then everything closes
            assertThat(gateway.openConnections()).isEqualTo(2); // the WebSocket connection and the target socket
            CloseChannel done = (CloseChannel) ws(c, new CloseChannel(false, 0));
            assertThat(done.response()).isTrue();
            assertThat(c.wsPacket()).isNull();
        }
        assertThat(gateway.openTunnels()).isZero();
        assertAllConnectionsClosed();
    }

    @Test
    void targetEndGetsCloseChannelThenTheTunnelCloses() throws Exception {
        start(c -> c);
        try (ServerSocket target = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             RawGatewayClient c = websocket()) {
            Thread t = new Thread(() -> {
                try (Socket s = target.accept(); OutputStream o = s.getOutputStream()) {
                    o.write("bye".getBytes(StandardCharsets.US_ASCII)); // then the target closes
                } catch (IOException ignored) {
                    // the test fails on what the client sees
                }
            });
            t.start();
            ws(c, HandshakeRequest.of(0));
            ws(c, TunnelCreate.of(0, null));
            ws(c, TunnelAuth.of("TESTWS"));
            assertThat(((ChannelResponse) ws(c, ChannelCreate.of("127.0.0.1", target.getLocalPort()))).errorCode()).isZero();
            assertThat(((DataPacket) c.wsPacket()).data()).asString(StandardCharsets.US_ASCII).isEqualTo("bye");
            CloseChannel close = (CloseChannel) c.wsPacket(); // MS-TSGU 3.3.5.5: the server closes the channel
            assertThat(close.response()).isFalse();
            c.frame(RawGatewayClient.bytes(new CloseChannel(true, 0)));
            assertThat(c.wsPacket()).isNull();
            t.join();
        }
        assertThat(gateway.openTunnels()).isZero();
        assertAllConnectionsClosed();
    }

    @Test
    void capDeniesAUserNotListed() throws Exception {
        start(c -> c.withCap(Set.of("bob")));
        try (RawGatewayClient c = websocket()) {
            ws(c, HandshakeRequest.of(0));
            ws(c, TunnelCreate.of(0, null));
            TunnelAuthResponse a = (TunnelAuthResponse) ws(c, TunnelAuth.of("TESTWS"));
            assertThat(a.status()).isEqualTo(RdgStatus.E_PROXY_NAP_ACCESSDENIED);
            assertThat(c.wsPacket()).isNull();
        }
        stop();
        start(c -> c.withCap(Set.of("corp\\alice")));
        try (RawGatewayClient c = websocket()) {
            ws(c, HandshakeRequest.of(0));
            ws(c, TunnelCreate.of(0, null));
            assertThat(((TunnelAuthResponse) ws(c, TunnelAuth.of("TESTWS"))).errorCode()).isZero();
        }
    }

    private RdgPacket channel(UnaryOperator<GatewayConfig> change, ChannelCreate create) throws Exception {
        start(change);
        try (RawGatewayClient c = websocket()) {
            ws(c, HandshakeRequest.of(0));
            ws(c, TunnelCreate.of(0, null));
            ws(c, TunnelAuth.of("TESTWS"));
            RdgPacket p = ws(c, create);
            if (p instanceof ChannelResponse r && r.errorCode() != 0) {
                assertThat(c.wsPacket()).as("closed after the denial").isNull();
            }
            return p;
        }
    }

    @Test
    void rapChecksTheNameAsSentAndThePort() throws Exception {
        ChannelResponse denied = (ChannelResponse) channel(c -> c.withRap(Set.of("rds1.corp.example:3389")), echoChannel());
        assertThat(denied.status()).isEqualTo(RdgStatus.E_PROXY_RAP_ACCESSDENIED);
        assertThat(denied.channelId()).isNull();
        stop();
        ChannelResponse allowed = (ChannelResponse) channel(c -> c.withRap(Set.of("127.0.0.1:" + echo.port())), echoChannel());
        assertThat(allowed.errorCode()).isZero();
    }

    @Test
    void unreachableTargetIsTsConnectFailed() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        ChannelResponse r = (ChannelResponse) channel(c -> c, ChannelCreate.of("127.0.0.1", closed));
        assertThat(r.status()).isEqualTo(RdgStatus.E_PROXY_TS_CONNECTFAILED);
        stop();
        ChannelResponse unresolved = (ChannelResponse) channel(c -> c, ChannelCreate.of("no-such-host.invalid", 3389));
        assertThat(unresolved.status()).isEqualTo(RdgStatus.E_PROXY_TS_CONNECTFAILED);
    }

    @Test
    void maxConnectionsCountsOpenTunnels() throws Exception {
        start(c -> c.withMaxConnections(1));
        try (RawGatewayClient first = websocket(); RawGatewayClient second = websocket()) {
            ws(first, HandshakeRequest.of(0));
            assertThat(((TunnelResponse) ws(first, TunnelCreate.of(0, null))).statusCode()).isZero();
            ws(second, HandshakeRequest.of(0));
            TunnelResponse r = (TunnelResponse) ws(second, TunnelCreate.of(0, null));
            assertThat(r.status()).isEqualTo(RdgStatus.E_PROXY_MAXCONNECTIONSREACHED);
            assertThat(second.wsPacket()).isNull();
        }
    }

    @Test
    void outOfSequencePacketClosesWithoutAnswer() throws Exception {
        start(c -> c);
        try (RawGatewayClient c = websocket()) {
            ws(c, HandshakeRequest.of(0));
            assertThat(ws(c, TunnelAuth.of("TESTWS"))).isNull();
        }
        try (RawGatewayClient c = websocket()) {
            // a packetLength beyond any packet the gateway accepts
            c.frame(new byte[] {0x0a, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
            assertThat(c.wsPacket()).isNull();
        }
    }

    // ---------------------------------------------------------------- PAA

    private RawGatewayClient paaWebsocket() throws Exception {
        RawGatewayClient c = RawGatewayClient.tls(gateway.port());
        Map<String, String> h = new LinkedHashMap<>(out(true));
        h.put("RDG-Auth-Scheme", "PAA");
        c.request("RDG_OUT_DATA", "/remoteDesktopGateway/", h);
        assertThat(c.response().status()).isEqualTo(101);
        c.websocket();
        return c;
    }

    @Test
    void paaCookieIsCheckedInTunnelCreate() throws Exception {
        start(c -> c.withCap(Set.of("corp\\alice")));
        try (RawGatewayClient c = paaWebsocket()) {
            HandshakeResponse h = (HandshakeResponse) ws(c, HandshakeRequest.of(ExtendedAuth.PAA));
            assertThat(h.extendedAuth()).isEqualTo(ExtendedAuth.PAA);
            TunnelResponse t = (TunnelResponse) ws(c, TunnelCreate.of(0, HttpBlob.utf16z("good-token")));
            assertThat(t.statusCode()).isZero();
            assertThat(((TunnelAuthResponse) ws(c, TunnelAuth.of("TESTWS"))).errorCode()).isZero(); // the token's user
        }
        try (RawGatewayClient c = paaWebsocket()) {
            ws(c, HandshakeRequest.of(ExtendedAuth.PAA));
            TunnelResponse t = (TunnelResponse) ws(c, TunnelCreate.of(0, HttpBlob.utf16z("bad-token")));
            assertThat(t.status()).isEqualTo(RdgStatus.E_PROXY_COOKIE_AUTHENTICATION_ACCESS_DENIED);
            assertThat(c.wsPacket()).isNull();
        }
        try (RawGatewayClient c = paaWebsocket()) {
            HandshakeResponse h = (HandshakeResponse) ws(c, HandshakeRequest.of(ExtendedAuth.NONE));
            assertThat(h.status()).isEqualTo(RdgStatus.E_PROXY_UNSUPPORTED_AUTHENTICATION_METHOD);
        }
    }

    @Test
    void paaIsOffWithoutTokens() throws Exception {
        gateway = DemoGateway.start(GatewayConfig.defaults(CERT, ALICE), 0);
        try (RawGatewayClient c = RawGatewayClient.tls(gateway.port())) {
            Map<String, String> h = new LinkedHashMap<>(out(true));
            h.put("RDG-Auth-Scheme", "PAA");
            c.request("RDG_OUT_DATA", "/remoteDesktopGateway/", h);
            assertThat(c.response().status()).isEqualTo(401);
        }
    }

    // ---------------------------------------------------------------- legacy two-channel transport

    /** OUT then IN, NTLM on each as FreeRDP does; returns {out, in}. */
    private RawGatewayClient[] legacy(boolean resendChunkedRequest) throws Exception {
        RawGatewayClient outCh = RawGatewayClient.tls(gateway.port());
        RawGatewayClient.NtlmRun o = outCh.ntlm("NTLM", "RDG_OUT_DATA", out(false), "alice", "CORP", "S3cret!");
        assertThat(o.last().status()).isEqualTo(200);
        assertThat(o.last().header("Content-Length")).isNull();
        assertThat(outCh.read(GatewayConnection.SEED_LENGTH)).hasSize(10);
        RawGatewayClient inCh = RawGatewayClient.tls(gateway.port());
        if (resendChunkedRequest) {
            RawGatewayClient.NtlmRun i = inCh.ntlm("NTLM", "RDG_IN_DATA", out(false), "alice", "CORP", "S3cret!");
            assertThat(i.last().status()).isEqualTo(200);
            assertThat(i.last().header("Content-Length")).isEqualTo("0");
            inCh.request("RDG_IN_DATA", "/remoteDesktopGateway/", Map.of("RDG-Connection-Id", CONN_ID,
                    "Transfer-Encoding", "chunked"));
        } else {
            // a client that streams right away: the authenticated request's own chunked body carries the packets
            inCh.request("RDG_IN_DATA", "/remoteDesktopGateway/", Map.of("RDG-Connection-Id", CONN_ID,
                    "Authorization", basic("alice", "S3cret!"), "Transfer-Encoding", "chunked"));
            assertThat(inCh.response().status()).isEqualTo(200);
        }
        return new RawGatewayClient[] {outCh, inCh};
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void legacyTransportCarriesDataBothWays(boolean resendChunkedRequest) throws Exception {
        start(c -> c);
        RawGatewayClient[] ch = legacy(resendChunkedRequest);
        RawGatewayClient i = ch[1];
        try (RawGatewayClient o = ch[0]) {
            i.chunk(RawGatewayClient.bytes(HandshakeRequest.of(0)));
            assertThat(((HandshakeResponse) o.rawPacket()).errorCode()).isZero();
            // two packets in one chunk, then one packet over two chunks
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(RawGatewayClient.bytes(TunnelCreate.of(0, null)));
            b.write(RawGatewayClient.bytes(TunnelAuth.of("TESTWS")));
            i.chunk(b.toByteArray());
            assertThat(((TunnelResponse) o.rawPacket()).statusCode()).isZero();
            assertThat(((TunnelAuthResponse) o.rawPacket()).errorCode()).isZero();
            byte[] cc = RawGatewayClient.bytes(echoChannel());
            i.chunk(java.util.Arrays.copyOf(cc, 3));
            i.chunk(java.util.Arrays.copyOfRange(cc, 3, cc.length));
            assertThat(((ChannelResponse) o.rawPacket()).errorCode()).isZero();
            i.chunk(RawGatewayClient.bytes(new DataPacket("ping".getBytes(StandardCharsets.US_ASCII))));
            assertThat(((DataPacket) o.rawPacket()).data()).asString(StandardCharsets.US_ASCII).isEqualTo("ping");
            assertThat(gateway.openTunnels()).isEqualTo(1);
            assertThat(gateway.openConnections()).isEqualTo(3); // OUT, IN and the target socket
            i.close(); // the IN channel ends: the OUT channel and the target connection close too
            assertThat(o.closedByPeer()).isTrue();
        } finally {
            i.close();
        }
        assertThat(gateway.openTunnels()).isZero();
        assertAllConnectionsClosed();
    }

    @Test
    void inChannelWithoutOutChannelIsRefused() throws Exception {
        start(c -> c);
        try (RawGatewayClient c = RawGatewayClient.tls(gateway.port())) {
            c.request("RDG_IN_DATA", "/remoteDesktopGateway/", Map.of("RDG-Connection-Id", "{00000000-0000-0000-0000-000000000000}",
                    "Authorization", basic("alice", "S3cret!"), "Content-Length", "0"));
            assertThat(c.response().status()).isEqualTo(400);
        }
    }

    @Test
    void websocketOffAnswersTheUpgradeWithTheLegacyOutChannel() throws Exception {
        start(c -> c.withTransports(false, true));
        try (RawGatewayClient c = RawGatewayClient.tls(gateway.port())) {
            Map<String, String> h = new LinkedHashMap<>(out(true));
            h.put("Authorization", basic("alice", "S3cret!"));
            c.request("RDG_OUT_DATA", "/remoteDesktopGateway/", h);
            RawGatewayClient.Response r = c.statusOnly();
            assertThat(r.status()).isEqualTo(200); // what FreeRDP takes as: fall back to two channels
            assertThat(c.read(GatewayConnection.SEED_LENGTH)).hasSize(10);
        }
    }

    // ---------------------------------------------------------------- faults

    @Test
    void silentGatewayCompletesTlsAndNeverAnswers() throws Exception {
        start(c -> c.withFault(GatewayFault.SILENT));
        try (RawGatewayClient c = RawGatewayClient.tls(gateway.port())) {
            c.request("RDG_OUT_DATA", "/remoteDesktopGateway/", out(true));
            c.timeout(300);
            assertThat(c.silent()).isTrue();
        }
    }

    @Test
    void htmlFaultIsAWebServer() throws Exception {
        start(c -> c.withFault(GatewayFault.HTML));
        try (RawGatewayClient c = RawGatewayClient.tls(gateway.port())) {
            c.request("RDG_OUT_DATA", "/remoteDesktopGateway/", out(true));
            RawGatewayClient.Response r = c.response();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("text/html");
            assertThat(new String(r.body(), StandardCharsets.US_ASCII)).contains("<html>");
        }
    }

    @Test
    void notTlsFaultSpeaksPlainHttp() throws Exception {
        start(c -> c.withFault(GatewayFault.NOT_TLS));
        try (RawGatewayClient c = RawGatewayClient.plain(gateway.port())) {
            c.request("RDG_OUT_DATA", "/remoteDesktopGateway/", out(true));
            assertThat(c.response().status()).isEqualTo(401);
        }
        try (RawGatewayClient c = RawGatewayClient.plain(gateway.port())) {
            // the start of a TLS ClientHello: http.sys answers 400 and closes
            c.raw(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xc8, 0x01, 0x00, 0x00, (byte) 0xc4, 0x03, 0x03, '\r', '\n', '\r', '\n'});
            assertThat(c.response().status()).isEqualTo(400);
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void rpcOnlyFaultIsAWindows2008Gateway() throws Exception {
        start(c -> c.withFault(GatewayFault.RPC_ONLY));
        try (RawGatewayClient c = RawGatewayClient.tls(gateway.port())) {
            c.request("RDG_OUT_DATA", "/remoteDesktopGateway/", out(true));
            assertThat(c.response().status()).isEqualTo(404);
            c.request("RPC_IN_DATA", "/rpc/rpcproxy.dll?localhost:3388", Map.of("Content-Length", "0"));
            RawGatewayClient.Response r = c.response();
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.all("WWW-Authenticate")).contains("NTLM");
        }
    }

    @Test
    void truncatedAndOversizedHandshakeResponses() throws Exception {
        start(c -> c.withFault(GatewayFault.TRUNCATED_PACKET));
        try (RawGatewayClient c = websocket()) {
            c.frame(RawGatewayClient.bytes(HandshakeRequest.of(0)));
            byte[] got = c.wsBytes(10);
            assertThat(got[0]).isEqualTo((byte) 0x02);
            assertThat(Unpooled.wrappedBuffer(got).getIntLE(4)).isEqualTo(HandshakeResponse.LENGTH); // claims 18, sent 10
            c.timeout(300);
            assertThat(c.silent()).isTrue();
        }
        stop();
        start(c -> c.withFault(GatewayFault.OVERSIZED_PACKET));
        try (RawGatewayClient c = websocket()) {
            c.frame(RawGatewayClient.bytes(HandshakeRequest.of(0)));
            byte[] got = c.wsBytes(8);
            assertThat(Unpooled.wrappedBuffer(got).getIntLE(4)).isEqualTo(0x7fffffff);
        }
    }

    @Test
    void closeAfterTunnelResponse() throws Exception {
        start(c -> c.withFault(GatewayFault.CLOSE_AFTER_TUNNEL_RESPONSE));
        try (RawGatewayClient c = websocket()) {
            ws(c, HandshakeRequest.of(0));
            assertThat(((TunnelResponse) ws(c, TunnelCreate.of(0, null))).statusCode()).isZero();
            assertThat(c.wsPacket()).isNull();
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void serviceMessageBeforeChannelResponse() throws Exception {
        start(c -> c.withFault(GatewayFault.SERVICE_MESSAGE));
        try (RawGatewayClient c = websocket()) {
            ws(c, HandshakeRequest.of(0));
            ws(c, TunnelCreate.of(0, null));
            ws(c, TunnelAuth.of("TESTWS"));
            ServiceMessage m = (ServiceMessage) ws(c, echoChannel());
            assertThat(m.message()).contains("maintenance");
            assertThat(((ChannelResponse) c.wsPacket()).errorCode()).isZero();
        }
    }

    @Test
    void faultsThatDenyWhatTheConfigurationAllows() throws Exception {
        assertThat(((ChannelResponse) channel(c -> c.withFault(GatewayFault.RAP_DENIED), echoChannel())).status())
                .isEqualTo(RdgStatus.E_PROXY_RAP_ACCESSDENIED);
        stop();
        start(c -> c.withFault(GatewayFault.CAP_DENIED));
        try (RawGatewayClient c = websocket()) {
            ws(c, HandshakeRequest.of(0));
            ws(c, TunnelCreate.of(0, null));
            assertThat(((TunnelAuthResponse) ws(c, TunnelAuth.of("TESTWS"))).status())
                    .isEqualTo(RdgStatus.E_PROXY_NAP_ACCESSDENIED);
        }
        stop();
        start(c -> c.withFault(GatewayFault.MAX_CONNECTIONS));
        try (RawGatewayClient c = websocket()) {
            ws(c, HandshakeRequest.of(0));
            assertThat(((TunnelResponse) ws(c, TunnelCreate.of(0, null))).status())
                    .isEqualTo(RdgStatus.E_PROXY_MAXCONNECTIONSREACHED);
        }
    }

    @Test
    void configAndAccountsPrintNoSecrets() {
        GatewayConfig c = GatewayConfig.defaults(CERT, ALICE).withPaaToken("super-secret-token", "alice");
        assertThat(c.toString()).doesNotContain("S3cret!").doesNotContain("super-secret-token");
        assertThat(ALICE.toString()).isEqualTo("GatewayAccount[CORP\\alice]");
        assertThat(HttpAuthenticator.redact(basic("alice", "S3cret!"))).isEqualTo("Basic <user:password, 13 bytes>");
    }

    @Test
    void requestLogRedactsAuthorization() throws Exception {
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        start(c -> c.withLog(log::add));
        try (RawGatewayClient c = RawGatewayClient.tls(gateway.port())) {
            c.ntlm("NTLM", "RDG_OUT_DATA", out(true), "alice", "CORP", "S3cret!");
        }
        String all = String.join("\n", log);
        assertThat(all).contains("< RDG_OUT_DATA /remoteDesktopGateway/ HTTP/1.1", "Authorization: NTLM <NTLM type 1, ",
                "Authorization: NTLM <NTLM type 3, ", "authenticated: CORP\\alice (NTLM)", "> 101");
        assertThat(all).doesNotContain("TlRMTVNTUA"); // no base64 NTLM token
    }

    /** A blocking echo server: what the target of a tunnel sends back is what the client sent it. */
    static final class EchoServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        private final Thread thread;

        EchoServer() throws IOException {
            thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread t = new Thread(() -> pump(s), "echo");
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "echo-accept");
            thread.setDaemon(true);
            thread.start();
        }

        private static void pump(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                byte[] b = new byte[8192];
                for (int n; (n = in.read(b)) > 0; ) {
                    out.write(b, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // the tunnel closed
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
