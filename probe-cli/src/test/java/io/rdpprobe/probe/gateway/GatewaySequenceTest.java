package io.rdpprobe.probe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.rdpprobe.demo.DemoCertificate;
import io.rdpprobe.probe.credssp.Credentials;
import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.gateway.GatewaySequence.Command;
import io.rdpprobe.probe.gateway.GatewaySequence.Leg;
import io.rdpprobe.probe.gateway.GatewaySequence.Send;
import io.rdpprobe.probe.gateway.GatewaySequence.SendHttp;
import io.rdpprobe.probe.gateway.GatewaySequence.Step;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.tls.TlsOutcome;
import io.rdpprobe.probe.tls.TlsSettings;
import io.rdpprobe.probe.tls.TrustSettings;
import io.rdpprobe.protocol.ntlm.AuthenticateMessage;
import io.rdpprobe.protocol.ntlm.AvPair;
import io.rdpprobe.protocol.ntlm.AvPairs;
import io.rdpprobe.protocol.ntlm.ChallengeMessage;
import io.rdpprobe.protocol.ntlm.NegotiateFlags;
import io.rdpprobe.protocol.ntlm.NtlmCrypto;
import io.rdpprobe.protocol.ntlm.NtlmVersion;
import io.rdpprobe.protocol.rdg.ChannelCreate;
import io.rdpprobe.protocol.rdg.ChannelResponse;
import io.rdpprobe.protocol.rdg.ExtendedAuth;
import io.rdpprobe.protocol.rdg.HandshakeRequest;
import io.rdpprobe.protocol.rdg.HandshakeResponse;
import io.rdpprobe.protocol.rdg.RdgStatus;
import io.rdpprobe.protocol.rdg.ServiceMessage;
import io.rdpprobe.protocol.rdg.TunnelAuth;
import io.rdpprobe.protocol.rdg.TunnelAuthResponse;
import io.rdpprobe.protocol.rdg.TunnelCreate;
import io.rdpprobe.protocol.rdg.TunnelResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The gateway handshake without sockets: scripted gateway replies in, requests, packets and stage results out.
 * The NTLM AUTHENTICATE is checked the way a gateway checks it (NTProofStr from the password).
 */
class GatewaySequenceTest {
    static final DemoCertificate CERT = DemoCertificate.demo();
    static final String PASSWORD = "Gw-Secret-1";
    static final long T0 = 1_000_000_000L;
    static final long WALL = 1_780_000_000_000L;

    final List<StageResult> results = new ArrayList<>();
    long now = T0;

    static GatewaySettings settings(GatewaySettings.Transport tr, String password, String token) {
        String sha = sha256(CERT);
        TlsSettings tls = TlsSettings.defaults().withTrust(new TrustSettings(List.of(), Set.of(sha), false));
        Credentials c = password == null ? null : new Credentials("alice", "CORP", Secret.of(password.toCharArray()));
        return new GatewaySettings("gw.corp.example", 443, tr, GatewaySettings.AuthMode.AUTO, c,
                token == null ? null : Secret.of(token.toCharArray()), tls, "ts1.corp.example", 3389, "PROBE-PC");
    }

    static String sha256(DemoCertificate c) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.certificate().getEncoded()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static TlsOutcome tlsOk() throws Exception {
        return new TlsOutcome(true, List.of("1.2", "1.3"), "gw.corp.example", "1.3", 0x1301,
                List.of(CERT.certificate().getEncoded()), null, null, null, 3000, false, false, false, false, null, null, 12,
                null, false, 0, null);
    }

    GatewaySequence seq(GatewaySettings s) {
        Random r = new Random(7);
        GatewaySequence q = new GatewaySequence(s, r::nextBytes, 5_000, 300_000);
        q.start(now);
        return q;
    }

    List<Command> run(Step s) {
        results.addAll(s.results());
        return s.commands();
    }

    static String header(SendHttp h, String name) {
        return h.headers().stream().filter(p -> p[0].equalsIgnoreCase(name)).map(p -> p[1]).findFirst().orElse(null);
    }

    static HttpReply reply(int status, String... headerPairs) {
        List<String[]> h = new ArrayList<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            h.add(new String[] {headerPairs[i], headerPairs[i + 1]});
        }
        return HttpReply.of(status, status == 401 ? "Unauthorized" : "", h);
    }

    static final byte[] SERVER_CHALLENGE = {1, 2, 3, 4, 5, 6, 7, 8};

    static byte[] challenge() {
        int flags = NegotiateFlags.CREDSSP_CLIENT.value() | NegotiateFlags.NEGOTIATE_TARGET_INFO | NegotiateFlags.TARGET_TYPE_DOMAIN;
        AvPairs info = new AvPairs(List.of(AvPair.ofString(AvPair.MSV_AV_NB_DOMAIN_NAME, "CORP"),
                AvPair.ofString(AvPair.MSV_AV_NB_COMPUTER_NAME, "GW01"),
                AvPair.ofString(AvPair.MSV_AV_DNS_COMPUTER_NAME, "gw01.corp.example"),
                AvPair.timestampMillis(WALL + 400_000)));
        return new ChallengeMessage(new NegotiateFlags(flags), "CORP", SERVER_CHALLENGE, info,
                new NtlmVersion(10, 0, 20348, 15)).toBytes();
    }

    /** What a gateway does with the AUTHENTICATE: recompute NTProofStr from the password it knows. */
    static boolean verifies(String authorization, String password) {
        byte[] auth = Base64.getDecoder().decode(authorization.substring(authorization.indexOf(' ') + 1));
        AuthenticateMessage a = AuthenticateMessage.decode(Unpooled.wrappedBuffer(auth));
        byte[] ntowf = NtlmCrypto.ntowfv2(NtlmCrypto.ntHash(password.toCharArray()), a.user(), a.domain());
        return NtlmCrypto.equal(NtlmCrypto.ntProofStr(ntowf, SERVER_CHALLENGE, a.ntlmv2Response().temp()),
                a.ntlmv2Response().ntProofStr());
    }

    /** TLS, then the anonymous request and the NTLM exchange on OUT; returns the AUTHENTICATE request. */
    SendHttp throughNtlm(GatewaySequence q) throws Exception {
        return (SendHttp) throughChallenge(q);
    }

    Command throughChallenge(GatewaySequence q) throws Exception {
        List<Command> c = run(q.onTls(Leg.OUT, tlsOk(), now += 20_000_000, Instant.ofEpochMilli(WALL)));
        SendHttp first = (SendHttp) c.get(0);
        assertThat(first.method()).isEqualTo("RDG_OUT_DATA");
        assertThat(first.path()).isEqualTo("/remoteDesktopGateway/");
        assertThat(header(first, "Authorization")).isNull();
        assertThat(header(first, "RDG-Connection-Id")).matches("\\{[0-9A-F-]{36}\\}");
        c = run(q.onHttpReply(Leg.OUT, reply(401, "WWW-Authenticate", "Negotiate", "WWW-Authenticate", "NTLM",
                "WWW-Authenticate", "Basic realm=\"gw\""), now += 1_000_000, WALL));
        SendHttp neg = (SendHttp) c.get(0);
        assertThat(header(neg, "Authorization")).startsWith("NTLM TlRMTVNTUAAB");
        c = run(q.onHttpReply(Leg.OUT, reply(401, "WWW-Authenticate",
                "NTLM " + Base64.getEncoder().encodeToString(challenge())), now += 1_000_000, WALL + 2));
        return c.get(0);
    }

    @Test
    void webSocketTransportRunsEveryGatewayStageToAnOpenChannel() throws Exception {
        GatewaySequence q = seq(settings(GatewaySettings.Transport.AUTO, PASSWORD, null));
        SendHttp authReq = throughNtlm(q);
        assertThat(verifies(header(authReq, "Authorization"), PASSWORD)).isTrue();
        assertThat(verifies(header(authReq, "Authorization"), "wrong")).isFalse();
        String key = header(authReq, "Sec-WebSocket-Key");
        assertThat(header(authReq, "Upgrade")).isEqualTo("websocket");
        List<Command> c = run(q.onHttpReply(Leg.OUT, reply(101, "Upgrade", "websocket", "Connection", "Upgrade",
                "Sec-WebSocket-Accept", GatewaySequence.acceptFor(key)), now += 1_000_000, WALL));
        assertThat(c.get(0)).isInstanceOf(GatewaySequence.UpgradeToWebSocket.class);
        assertThat(((Send) c.get(1)).packet()).isEqualTo(HandshakeRequest.of(ExtendedAuth.NONE));
        c = run(q.onPacket(new HandshakeResponse(0, 1, 0, 0, 0), now += 1_000_000));
        TunnelCreate tc = (TunnelCreate) ((Send) c.get(0)).packet();
        assertThat(tc.paaCookie()).isNull();
        c = run(q.onPacket(TunnelResponse.of(0, 42L, 0x3fL, null), now += 1_000_000));
        assertThat(((Send) c.get(0)).packet()).isEqualTo(TunnelAuth.of("PROBE-PC"));
        run(q.onPacket(new ServiceMessage("Maintenance tonight"), now));
        c = run(q.onPacket(TunnelAuthResponse.of(0, 0x80000000L, 30L), now += 1_000_000));
        assertThat(((Send) c.get(0)).packet()).isEqualTo(ChannelCreate.of("ts1.corp.example", 3389));
        c = run(q.onPacket(ChannelResponse.of(0, 1L), now += 1_000_000));
        assertThat(c).last().isInstanceOf(GatewaySequence.TunnelOpen.class);
        assertThat(q.isOpen()).isTrue();
        assertThat(results).extracting(StageResult::stage).containsExactly(Stage.GATEWAY_TLS, Stage.GATEWAY_HTTP,
                Stage.GATEWAY_TUNNEL, Stage.GATEWAY_CHANNEL);
        assertThat(results.subList(1, 4)).extracting(StageResult::status).containsOnly(Status.OK);
        assertThat(results.get(0).status()).as("pinned demo certificate, named for another host").isEqualTo(Status.WARNING);
        StageResult http = results.get(1);
        assertThat(http.evidence().get("authUsed")).isEqualTo("NTLM");
        assertThat(http.evidence().get("authSchemesOffered")).isEqualTo(List.of("Negotiate", "NTLM", "Basic"));
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> ntlm = (java.util.Map<String, Object>) http.evidence().get("gatewayNtlm");
        assertThat(ntlm.get("dnsComputerName")).isEqualTo("gw01.corp.example");
        assertThat(ntlm.get("osVersion")).isEqualTo("10.0.20348");
        assertThat((long) ntlm.get("clockSkewMs")).isBetween(399_000L, 401_000L);
        StageResult tunnel = results.get(2);
        assertThat(tunnel.evidence()).containsEntry("tunnelId", 42L).containsEntry("idleTimeoutMinutes", 30L)
                .containsEntry("redirection", "ENABLE_ALL").containsEntry("serviceMessages", List.of("Maintenance tonight"));
        assertThat(results.get(3).summary()).contains("ts1.corp.example:3389");
        assertThat(results.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void wrongPasswordIsA401AfterTheCompleteExchange() throws Exception {
        GatewaySequence q = seq(settings(GatewaySettings.Transport.AUTO, "not-it", null));
        throughNtlm(q);
        List<Command> c = run(q.onHttpReply(Leg.OUT, reply(401, "WWW-Authenticate", "NTLM"), now += 1_000_000, WALL));
        assertThat(c).last().isInstanceOf(GatewaySequence.Close.class);
        StageResult r = results.get(results.size() - 1);
        assertThat(r.stage()).isEqualTo(Stage.GATEWAY_HTTP);
        assertThat(r.cause().code()).isEqualTo("GATEWAY_AUTH_FAILED");
        assertThat(r.inferred()).isFalse();
        assertThat(r.summary()).contains("CORP\\alice").contains("401");
        assertThat(q.isDone()).isTrue();
    }

    @Test
    void closeRightAfterAuthenticateIsAnInferredRejection() throws Exception {
        GatewaySequence q = seq(settings(GatewaySettings.Transport.AUTO, PASSWORD, null));
        throughNtlm(q);
        run(q.onClosed(Leg.OUT, false, now += 1_000_000));
        StageResult r = results.get(results.size() - 1);
        assertThat(r.cause().code()).isEqualTo("GATEWAY_AUTH_FAILED");
        assertThat(r.inferred()).isTrue();
    }

    @Test
    void withoutCredentialsTheChallengeStillNamesTheGateway() throws Exception {
        GatewaySequence q = seq(settings(GatewaySettings.Transport.AUTO, null, null));
        assertThat(throughChallenge(q)).isInstanceOf(GatewaySequence.Close.class);
        StageResult r = results.get(results.size() - 1);
        assertThat(r.cause().code()).isEqualTo("GATEWAY_CREDENTIALS_REQUIRED");
        assertThat(r.summary()).contains("gw01.corp.example").contains("10.0 build 20348");
    }

    private GatewaySequence toTunnel(GatewaySettings s) throws Exception {
        GatewaySequence q = seq(s);
        SendHttp a = throughNtlm(q);
        run(q.onHttpReply(Leg.OUT, reply(101, "Upgrade", "websocket", "Sec-WebSocket-Accept",
                GatewaySequence.acceptFor(header(a, "Sec-WebSocket-Key"))), now += 1_000_000, WALL));
        run(q.onPacket(new HandshakeResponse(0, 1, 0, 0, 0), now += 1_000_000));
        run(q.onPacket(TunnelResponse.of(0, 1L, null, null), now += 1_000_000));
        return q;
    }

    @Test
    void aCloseChannelAfterTheTunnelOpenedIsNamedUnlessTheTargetEnded() throws Exception {
        for (long code : new long[] {0, 0x4D4}) {
            results.clear();
            GatewaySequence q = toTunnel(settings(GatewaySettings.Transport.AUTO, PASSWORD, null));
            run(q.onPacket(TunnelAuthResponse.of(0, null, null), now += 1_000_000));
            run(q.onPacket(ChannelResponse.of(0, 1L), now += 1_000_000));
            int before = results.size();
            List<Command> c = run(q.onPacket(new io.rdpprobe.protocol.rdg.CloseChannel(false, code), now += 1_000_000));
            assertThat(((Send) c.get(0)).packet()).isEqualTo(new io.rdpprobe.protocol.rdg.CloseChannel(true, 0));
            assertThat(c).last().isInstanceOf(GatewaySequence.Close.class);
            if (code == 0) {
                // the target's side ended: its own stage judges the close (e.g. LOGON_FAILURE after AUTHENTICATE)
                assertThat(results).hasSize(before);
            } else {
                StageResult r = results.get(results.size() - 1);
                assertThat(r.stage()).isEqualTo(Stage.GATEWAY_CHANNEL);
                assertThat(r.cause().code()).isEqualTo("E_PROXY_CONNECTIONABORTED");
                assertThat(r.summary()).contains("closed the channel to ts1.corp.example:3389");
            }
        }
    }

    @Test
    void basicIsNotChosenWhenItWouldLandInACaptureWithItsKeyLog() throws Exception {
        GatewaySettings s = settings(GatewaySettings.Transport.AUTO, PASSWORD, null);
        GatewaySettings noBasic = new GatewaySettings(s.host(), s.port(), s.transport(), GatewaySettings.AuthMode.AUTO_NO_BASIC,
                s.credentials(), null, s.tls(), s.targetHost(), s.targetPort(), s.clientName());
        GatewaySequence q = seq(noBasic);
        run(q.onTls(Leg.OUT, tlsOk(), now += 1_000_000, Instant.ofEpochMilli(WALL)));
        List<Command> c = run(q.onHttpReply(Leg.OUT, reply(401, "WWW-Authenticate", "Basic realm=\"gw\""), now, WALL));
        assertThat(c).last().isInstanceOf(GatewaySequence.Close.class);
        StageResult r = results.get(results.size() - 1);
        assertThat(r.cause().code()).isEqualTo("GATEWAY_AUTH_SCHEME_UNSUPPORTED");
        assertThat(r.summary()).contains("--force");
        // with plain AUTO the same gateway gets Basic credentials
        results.clear();
        q = seq(s);
        run(q.onTls(Leg.OUT, tlsOk(), now += 1_000_000, Instant.ofEpochMilli(WALL)));
        c = run(q.onHttpReply(Leg.OUT, reply(401, "WWW-Authenticate", "Basic realm=\"gw\""), now, WALL));
        assertThat(header((SendHttp) c.get(0), "Authorization")).startsWith("Basic ");
    }

    @Test
    void capDenialIsNamedAtGatewayTunnel() throws Exception {
        GatewaySequence q = toTunnel(settings(GatewaySettings.Transport.AUTO, PASSWORD, null));
        run(q.onPacket(TunnelAuthResponse.of(RdgStatus.E_PROXY_NAP_ACCESSDENIED.value(), null, null), now += 1_000_000));
        StageResult r = results.get(results.size() - 1);
        assertThat(r.stage()).isEqualTo(Stage.GATEWAY_TUNNEL);
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.cause().code()).isEqualTo("E_PROXY_NAP_ACCESSDENIED");
        assertThat(r.cause().remedy()).contains("RD CAP");
        assertThat(r.cause().clientError().code()).isEqualTo(0x300001C);
    }

    @Test
    void rapDenialAndUnreachableTargetAreNamedAtGatewayChannel() throws Exception {
        for (long code : new long[] {0x800759DAL, 0x000059DDL}) {
            results.clear();
            GatewaySequence q = toTunnel(settings(GatewaySettings.Transport.AUTO, PASSWORD, null));
            run(q.onPacket(TunnelAuthResponse.of(0, null, null), now += 1_000_000));
            run(q.onPacket(ChannelResponse.of(code, null), now += 1_000_000));
            StageResult r = results.get(results.size() - 1);
            assertThat(r.stage()).isEqualTo(Stage.GATEWAY_CHANNEL);
            assertThat(r.summary()).contains("ts1.corp.example:3389");
            if (code == 0x800759DAL) {
                assertThat(r.cause().code()).isEqualTo("E_PROXY_RAP_ACCESSDENIED");
                assertThat(r.cause().remedy()).contains("FQDN, NetBIOS name or IP address");
            } else {
                assertThat(r.cause().code()).isEqualTo("E_PROXY_TS_CONNECTFAILED");
                assertThat(r.cause().remedy()).contains("firewall between the gateway and the target");
            }
        }
    }

    @Test
    void a200ToTheUpgradeFallsBackToTheTwoConnectionTransport() throws Exception {
        GatewaySequence q = seq(settings(GatewaySettings.Transport.AUTO, PASSWORD, null));
        throughNtlm(q);
        List<Command> c = run(q.onHttpReply(Leg.OUT, reply(200, "Date", "x"), now += 1_000_000, WALL));
        assertThat(c.get(0)).isEqualTo(new GatewaySequence.RawOut(10, true));
        assertThat(c.get(1)).isInstanceOf(GatewaySequence.OpenIn.class);
        assertThat(q.usesWebSocket()).isFalse();
        c = run(q.onTls(Leg.IN, tlsOk(), now += 1_000_000, Instant.ofEpochMilli(WALL)));
        SendHttp in1 = (SendHttp) c.get(0);
        assertThat(in1.leg()).isEqualTo(Leg.IN);
        assertThat(in1.method()).isEqualTo("RDG_IN_DATA");
        assertThat(header(in1, "Authorization")).startsWith("NTLM ");
        assertThat(header(in1, "Upgrade")).isNull();
        c = run(q.onHttpReply(Leg.IN, reply(401, "WWW-Authenticate",
                "NTLM " + Base64.getEncoder().encodeToString(challenge())), now += 1_000_000, WALL));
        assertThat(verifies(header((SendHttp) c.get(0), "Authorization"), PASSWORD)).isTrue();
        c = run(q.onHttpReply(Leg.IN, reply(200, "Content-Length", "0"), now += 1_000_000, WALL));
        assertThat(c.get(0)).isInstanceOf(GatewaySequence.StartChunkedIn.class);
        assertThat(((Send) c.get(1)).packet()).isEqualTo(HandshakeRequest.of(ExtendedAuth.NONE));
        assertThat(results.get(results.size() - 1).evidence().get("transportUsed")).isEqualTo("http (RDG_OUT_DATA + RDG_IN_DATA)");
    }

    @Test
    void paaTokenSkipsHttpAuthAndTravelsInTunnelCreate() throws Exception {
        GatewaySequence q = seq(settings(GatewaySettings.Transport.WEBSOCKET, null, "tok-123"));
        List<Command> c = run(q.onTls(Leg.OUT, tlsOk(), now += 1_000_000, Instant.ofEpochMilli(WALL)));
        SendHttp h = (SendHttp) c.get(0);
        assertThat(header(h, "RDG-Auth-Scheme")).isEqualTo("PAA");
        assertThat(header(h, "Authorization")).isNull();
        c = run(q.onHttpReply(Leg.OUT, reply(101, "Upgrade", "websocket", "Sec-WebSocket-Accept",
                GatewaySequence.acceptFor(header(h, "Sec-WebSocket-Key"))), now += 1_000_000, WALL));
        assertThat(((Send) c.get(1)).packet()).isEqualTo(HandshakeRequest.of(ExtendedAuth.PAA));
        c = run(q.onPacket(new HandshakeResponse(0, 1, 0, 0, ExtendedAuth.PAA), now += 1_000_000));
        TunnelCreate tc = (TunnelCreate) ((Send) c.get(0)).packet();
        assertThat(new String(tc.paaCookie().bytes(), StandardCharsets.UTF_16LE)).isEqualTo("tok-123\0");
        run(q.onPacket(TunnelResponse.of(RdgStatus.E_PROXY_COOKIE_AUTHENTICATION_ACCESS_DENIED.value(), null, null, null),
                now += 1_000_000));
        StageResult r = results.get(results.size() - 1);
        assertThat(r.cause().code()).isEqualTo("E_PROXY_COOKIE_AUTHENTICATION_ACCESS_DENIED");
        assertThat(results.toString()).doesNotContain("tok-123");
    }

    @Test
    void aWebPageIsNotAGatewayAnd404ChecksForRpcOverHttp() throws Exception {
        GatewaySequence q = seq(settings(GatewaySettings.Transport.AUTO, PASSWORD, null));
        run(q.onTls(Leg.OUT, tlsOk(), now += 1_000_000, Instant.ofEpochMilli(WALL)));
        run(q.onHttpReply(Leg.OUT, reply(200, "Content-Type", "text/html; charset=utf-8"), now, WALL));
        assertThat(results.get(results.size() - 1).cause().code()).isEqualTo("NOT_A_GATEWAY");

        results.clear();
        q = seq(settings(GatewaySettings.Transport.AUTO, PASSWORD, null));
        run(q.onTls(Leg.OUT, tlsOk(), now += 1_000_000, Instant.ofEpochMilli(WALL)));
        List<Command> c = run(q.onHttpReply(Leg.OUT, reply(404), now, WALL));
        SendHttp rpc = (SendHttp) c.get(0);
        assertThat(rpc.method()).isEqualTo("RPC_IN_DATA");
        assertThat(rpc.path()).isEqualTo("/rpc/rpcproxy.dll");
        run(q.onHttpReply(Leg.OUT, reply(401, "WWW-Authenticate", "NTLM"), now, WALL));
        assertThat(results.get(results.size() - 1).cause().code()).isEqualTo("GATEWAY_RPC_ONLY");
    }

    @Test
    void badWebSocketAcceptAndSilenceAreNamed() throws Exception {
        GatewaySequence q = seq(settings(GatewaySettings.Transport.AUTO, PASSWORD, null));
        throughNtlm(q);
        run(q.onHttpReply(Leg.OUT, reply(101, "Upgrade", "websocket", "Sec-WebSocket-Accept", "bogus"), now, WALL));
        assertThat(results.get(results.size() - 1).cause().code()).isEqualTo("GATEWAY_WEBSOCKET_REFUSED");

        results.clear();
        q = seq(settings(GatewaySettings.Transport.AUTO, PASSWORD, null));
        run(q.onTls(Leg.OUT, tlsOk(), now += 1_000_000, Instant.ofEpochMilli(WALL)));
        assertThat(q.deadlineNanos()).isEqualTo(now + 5_000_000_000L);
        run(q.onDeadline(q.deadlineNanos()));
        StageResult r = results.get(results.size() - 1);
        assertThat(r.stage()).isEqualTo(Stage.GATEWAY_HTTP);
        assertThat(r.cause().code()).isEqualTo("GATEWAY_NO_RESPONSE");
        assertThat(r.elapsedMs()).isEqualTo(5_000);
    }

    @Test
    void anUntrustedGatewayCertificateSaysMstscWouldRefuseIt() throws Exception {
        GatewaySettings s = settings(GatewaySettings.Transport.AUTO, PASSWORD, null);
        GatewaySettings untrusted = new GatewaySettings(s.host(), s.port(), s.transport(), s.auth(), s.credentials(), null,
                TlsSettings.defaults(), s.targetHost(), s.targetPort(), s.clientName());
        GatewaySequence q = seq(untrusted);
        run(q.onTls(Leg.OUT, tlsOk(), now += 1_000_000, Instant.ofEpochMilli(WALL)));
        StageResult r = results.get(0);
        assertThat(r.stage()).isEqualTo(Stage.GATEWAY_TLS);
        assertThat(r.status()).isEqualTo(Status.WARNING);
        assertThat(r.summary()).contains("mstsc would refuse this gateway certificate");
        assertThat(q.stage()).isEqualTo(Stage.GATEWAY_HTTP);
    }
}
