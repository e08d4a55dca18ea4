package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.capture.RdpConnection.Side;
import io.rdpprobe.demo.DemoCertificate;
import io.rdpprobe.probe.credssp.Credentials;
import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.gateway.GatewaySequence;
import io.rdpprobe.probe.gateway.GatewaySequence.Command;
import io.rdpprobe.probe.gateway.GatewaySequence.Leg;
import io.rdpprobe.probe.gateway.GatewaySettings;
import io.rdpprobe.probe.gateway.HttpReply;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.tls.TlsOutcome;
import io.rdpprobe.probe.tls.TlsSettings;
import io.rdpprobe.probe.tls.TrustSettings;
import io.rdpprobe.protocol.ntlm.AvPair;
import io.rdpprobe.protocol.ntlm.AvPairs;
import io.rdpprobe.protocol.ntlm.ChallengeMessage;
import io.rdpprobe.protocol.ntlm.NegotiateFlags;
import io.rdpprobe.protocol.ntlm.NtlmVersion;
import io.rdpprobe.protocol.rdg.ChannelResponse;
import io.rdpprobe.protocol.rdg.DataPacket;
import io.rdpprobe.protocol.rdg.HandshakeResponse;
import io.rdpprobe.protocol.rdg.Keepalive;
import io.rdpprobe.protocol.rdg.RdgPacket;
import io.rdpprobe.protocol.rdg.RdgStatus;
import io.rdpprobe.protocol.rdg.ServiceMessage;
import io.rdpprobe.protocol.rdg.TunnelAuthResponse;
import io.rdpprobe.protocol.rdg.TunnelResponse;
import java.io.ByteArrayOutputStream;
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
 * The capture-side gateway observer against the live {@link GatewaySequence}: the live sequence runs against scripted
 * gateway answers; every request and packet it sends and every answer are written as the bytes a capture's decrypted
 * stream holds (HTTP/1.1 heads, masked client WebSocket frames, the legacy OUT seed and raw packets, the IN connection's
 * chunked body), and the observer must give the same GATEWAY_* stages, statuses, causes and summaries.
 */
class GatewayObserverTest {
    static final DemoCertificate CERT = DemoCertificate.demo();
    static final long WALL = 1_780_000_000_000L;
    static final byte[] SERVER_CHALLENGE = {1, 2, 3, 4, 5, 6, 7, 8};

    /** One scripted gateway answer: an HTTP reply or an RDG packet. */
    sealed interface Answer permits Http, Packet {}

    record Http(HttpReply reply) implements Answer {}

    record Packet(RdgPacket packet) implements Answer {}

    static Http http(int status, String... pairs) {
        List<String[]> h = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            h.add(new String[] {pairs[i], pairs[i + 1]});
        }
        return new Http(HttpReply.of(status, status == 401 ? "Unauthorized" : status == 200 ? "OK"
                : status == 101 ? "Switching Protocols" : "Status", h));
    }

    static Packet pkt(RdgPacket p) {
        return new Packet(p);
    }

    /** The marker for "answer the WebSocket upgrade with the right Sec-WebSocket-Accept". */
    static final Http UPGRADE = http(101);

    static Http challenge401() {
        int flags = NegotiateFlags.CREDSSP_CLIENT.value() | NegotiateFlags.NEGOTIATE_TARGET_INFO | NegotiateFlags.TARGET_TYPE_DOMAIN;
        AvPairs info = new AvPairs(List.of(AvPair.ofString(AvPair.MSV_AV_NB_DOMAIN_NAME, "CORP"),
                AvPair.ofString(AvPair.MSV_AV_NB_COMPUTER_NAME, "GW01"),
                AvPair.ofString(AvPair.MSV_AV_DNS_COMPUTER_NAME, "gw01.corp.example"), AvPair.timestampMillis(WALL)));
        byte[] ch = new ChallengeMessage(new NegotiateFlags(flags), "CORP", SERVER_CHALLENGE, info,
                new NtlmVersion(10, 0, 20348, 15)).toBytes();
        return http(401, "WWW-Authenticate", "NTLM " + Base64.getEncoder().encodeToString(ch));
    }

    static final Http OFFER = http(401, "WWW-Authenticate", "Negotiate", "WWW-Authenticate", "NTLM");

    static GatewaySettings settings(GatewaySettings.Transport tr) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(CERT.certificate().getEncoded()));
        TlsSettings tls = TlsSettings.defaults().withTrust(new TrustSettings(List.of(), Set.of(sha), false));
        Credentials c = new Credentials("alice", "CORP", Secret.of("Gw-Secret-1".toCharArray()));
        return new GatewaySettings("gw.corp.example", 443, tr, GatewaySettings.AuthMode.AUTO, c, null, tls,
                "ts1.corp.example", 3389, "PROBE-PC");
    }

    static TlsOutcome tlsOk() throws Exception {
        return new TlsOutcome(true, List.of("1.2", "1.3"), "gw.corp.example", "1.3", 0x1301,
                List.of(CERT.certificate().getEncoded()), null, null, null, 3000, false, false, false, false, null, null, 12,
                null, false, 0, null);
    }

    /** The live sequence and the observer side by side, with the bytes the capture would hold. */
    static final class Run {
        final GatewaySequence q;
        final List<StageResult> live = new ArrayList<>();
        final GatewayObserver.Registry registry = new GatewayObserver.Registry();
        final List<String> tunnel = new ArrayList<>();
        final ByteArrayOutputStream innerClient = new ByteArrayOutputStream();
        final ByteArrayOutputStream innerServer = new ByteArrayOutputStream();
        final GatewayObserver out;
        GatewayObserver in;
        boolean websocket;
        boolean chunkedIn;
        boolean inOpen;
        String wsKey;
        long now = 1_000_000_000L;
        final Random mask = new Random(3);

        Run(GatewaySettings.Transport tr) throws Exception {
            Random r = new Random(7);
            q = new GatewaySequence(settings(tr), r::nextBytes, 5_000, 300_000);
            q.start(now);
            out = observer();
            take(q.onTls(Leg.OUT, tlsOk(), now += 1_000_000, Instant.ofEpochMilli(WALL)));
        }

        GatewayObserver observer() {
            return new GatewayObserver(registry, new GatewayObserver.Tunnel() {
                @Override
                public void open(String target, long ts) {
                    tunnel.add("open " + target);
                }

                @Override
                public void data(Side from, ByteBuf payload, long ts) {
                    (from == Side.CLIENT ? innerClient : innerServer).writeBytes(ByteBufUtil.getBytes(payload));
                }
            });
        }

        void take(GatewaySequence.Step s) throws Exception {
            for (StageResult r : s.results()) {
                if (r.stage() != Stage.GATEWAY_TLS) {
                    live.add(r);
                }
            }
            for (Command c : s.commands()) {
                command(c);
            }
        }

        void command(Command c) throws Exception {
            long ts = now;
            if (c instanceof GatewaySequence.SendHttp h) {
                StringBuilder sb = new StringBuilder(h.method() + " " + h.path() + " HTTP/1.1\r\n");
                for (String[] p : h.headers()) {
                    sb.append(p[0]).append(": ").append(p[1]).append("\r\n");
                    if (p[0].equalsIgnoreCase("Sec-WebSocket-Key")) {
                        wsKey = p[1];
                    }
                }
                sb.append("Content-Length: 0\r\n\r\n");
                clientBytes(h.leg(), sb.toString().getBytes(StandardCharsets.ISO_8859_1), ts);
            } else if (c instanceof GatewaySequence.StartChunkedIn s) {
                StringBuilder sb = new StringBuilder("RDG_IN_DATA /remoteDesktopGateway/ HTTP/1.1\r\n");
                for (String[] p : s.headers()) {
                    sb.append(p[0]).append(": ").append(p[1]).append("\r\n");
                }
                sb.append("Transfer-Encoding: chunked\r\n\r\n");
                clientBytes(Leg.IN, sb.toString().getBytes(StandardCharsets.ISO_8859_1), ts);
                chunkedIn = true;
            } else if (c instanceof GatewaySequence.UpgradeToWebSocket) {
                websocket = true;
            } else if (c instanceof GatewaySequence.OpenIn) {
                in = observer();
                inOpen = true;
                take(q.onTls(Leg.IN, tlsOk(), now += 1_000_000, Instant.ofEpochMilli(WALL)));
            } else if (c instanceof GatewaySequence.Send s) {
                sendPacket(encode(s.packet()), ts);
            } else if (c instanceof GatewaySequence.TunnelOpen) {
                // the target's stages would start here: the client's first DATA
                sendPacket(encode(new DataPacket(new byte[] {3, 0, 0, 11, 6, (byte) 0xE0, 0, 0, 0, 0, 0})), ts);
            }
        }

        void sendPacket(byte[] p, long ts) {
            if (websocket) {
                byte[] m = new byte[4];
                mask.nextBytes(m);
                ByteBuf f = Unpooled.buffer();
                f.writeByte(0x82);
                if (p.length < 126) {
                    f.writeByte(0x80 | p.length);
                } else {
                    f.writeByte(0x80 | 126).writeShort(p.length);
                }
                f.writeBytes(m);
                for (int i = 0; i < p.length; i++) {
                    f.writeByte(p[i] ^ m[i & 3]);
                }
                out.client(f, ts);
            } else {
                byte[] head = (Integer.toHexString(p.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
                ByteBuf f = Unpooled.buffer().writeBytes(head).writeBytes(p).writeBytes(new byte[] {'\r', '\n'});
                in.client(f, ts);
            }
        }

        void clientBytes(Leg leg, byte[] b, long ts) {
            (leg == Leg.OUT ? out : in).client(Unpooled.wrappedBuffer(b), ts);
        }

        static byte[] encode(RdgPacket p) {
            ByteBuf b = Unpooled.buffer();
            p.encode(b);
            return ByteBufUtil.getBytes(b);
        }

        /** The gateway's answer: to the live sequence, and as bytes to the observer. */
        void answer(Answer a) throws Exception {
            now += 1_000_000;
            if (a instanceof Http h) {
                HttpReply r = h.reply();
                if (a == UPGRADE) {
                    r = http(101, "Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Accept", accept(wsKey)).reply();
                }
                Leg leg = inOpen ? Leg.IN : Leg.OUT;
                StringBuilder sb = new StringBuilder("HTTP/1.1 " + r.status() + " " + r.reason() + "\r\n");
                r.headers().forEach((k, vs) -> vs.forEach(v -> sb.append(k).append(": ").append(v).append("\r\n")));
                byte[] body = new byte[0];
                if (r.status() == 200 && leg == Leg.OUT) {
                    body = new byte[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}; // the legacy OUT channel's seed
                }
                if (r.status() != 101) {
                    sb.append("Content-Length: ").append(body.length).append("\r\n");
                }
                sb.append("\r\n");
                ByteBuf b = Unpooled.buffer().writeBytes(sb.toString().getBytes(StandardCharsets.ISO_8859_1)).writeBytes(body);
                (leg == Leg.OUT ? out : in).server(b, now);
                take(q.onHttpReply(leg, r, now, WALL));
                return;
            }
            RdgPacket p = ((Packet) a).packet();
            byte[] e = encode(p);
            ByteBuf f = Unpooled.buffer();
            if (websocket) {
                f.writeByte(0x82);
                if (e.length < 126) {
                    f.writeByte(e.length);
                } else {
                    f.writeByte(126).writeShort(e.length);
                }
            }
            f.writeBytes(e);
            out.server(f, now);
            take(q.onPacket(p, now));
        }

        static String accept(String key) throws Exception {
            byte[] d = MessageDigest.getInstance("SHA-1").digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                    .getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(d);
        }

        /** The observer's stages, compared with the live sequence's: stage, status, cause, summary. */
        List<StageResult> observed() {
            return out.results();
        }

        void sameAsLive() {
            List<StageResult> o = observed();
            assertThat(o).extracting(StageResult::stage).containsExactlyElementsOf(live.stream().map(StageResult::stage).toList());
            for (int i = 0; i < o.size(); i++) {
                StageResult a = o.get(i);
                StageResult b = live.get(i);
                assertThat(a.status()).as("%s status", a.stage()).isEqualTo(b.status());
                assertThat(a.cause() == null ? null : a.cause().code()).as("%s cause", a.stage())
                        .isEqualTo(b.cause() == null ? null : b.cause().code());
                assertThat(a.summary()).as("%s summary", a.stage()).isEqualTo(b.summary());
                assertThat(a.inferred()).isEqualTo(b.inferred());
            }
        }
    }

    static Run run(GatewaySettings.Transport tr, Answer... answers) throws Exception {
        Run r = new Run(tr);
        for (Answer a : answers) {
            r.answer(a);
        }
        return r;
    }

    static final Answer[] TO_TUNNEL = {OFFER, challenge401(), UPGRADE, pkt(new HandshakeResponse(0, 1, 0, 0, 0)),
            pkt(TunnelResponse.of(0, 42L, 0x3fL, null))};

    static Answer[] plus(Answer[] a, Answer... more) {
        Answer[] r = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, r, a.length, more.length);
        return r;
    }

    @Test
    void webSocketToAnOpenChannelGivesTheLiveStagesAndTheTunnelBytes() throws Exception {
        Run r = run(GatewaySettings.Transport.AUTO, plus(TO_TUNNEL, pkt(new ServiceMessage("Maintenance tonight")),
                pkt(TunnelAuthResponse.of(0, 0x80000000L, 30L)), pkt(ChannelResponse.of(0, 7L)), pkt(new Keepalive()),
                pkt(new DataPacket(new byte[] {3, 0, 0, 11, 6, (byte) 0xD0, 0, 0, 0x12, 0x34, 0}))));
        r.sameAsLive();
        List<StageResult> o = r.observed();
        assertThat(o).extracting(StageResult::stage).containsExactly(Stage.GATEWAY_HTTP, Stage.GATEWAY_TUNNEL, Stage.GATEWAY_CHANNEL);
        assertThat(o).extracting(StageResult::status).containsOnly(Status.OK);
        assertThat(o.get(0).summary()).isEqualTo("WebSocket upgrade accepted (NTLM authentication as CORP\\alice)");
        assertThat(o.get(0).evidence()).containsEntry("authUsed", "NTLM").containsEntry("transportUsed", "websocket")
                .containsEntry("authSchemesOffered", List.of("Negotiate", "NTLM"));
        assertThat(o.get(1).evidence()).containsEntry("tunnelId", 42L).containsEntry("idleTimeoutMinutes", 30L)
                .containsEntry("redirection", "ENABLE_ALL");
        assertThat(o.get(2).evidence()).containsEntry("resource", "ts1.corp.example").containsEntry("port", 3389);
        assertThat(r.out.pending()).isNull();
        assertThat(r.tunnel).containsExactly("open ts1.corp.example:3389");
        assertThat(r.innerClient.toByteArray()).startsWith(3, 0, 0, 11, 6, 0xE0);
        assertThat(r.innerServer.toByteArray()).startsWith(3, 0, 0, 11, 6, 0xD0);
        assertThat(o.toString()).doesNotContain("Gw-Secret-1");
    }

    @Test
    void theTwoConnectionTransportIsPairedByConnectionId() throws Exception {
        Run r = run(GatewaySettings.Transport.HTTP, OFFER, challenge401(), http(200), challenge401(), http(200),
                pkt(new HandshakeResponse(0, 1, 0, 0, 0)), pkt(TunnelResponse.of(0, 5L, 0x3fL, null)),
                pkt(TunnelAuthResponse.of(0, null, null)), pkt(ChannelResponse.of(0, 6L)),
                pkt(new DataPacket(new byte[] {3, 0, 0, 11, 6, (byte) 0xD0, 0, 0, 0x12, 0x34, 0})));
        r.sameAsLive();
        assertThat(r.observed()).extracting(StageResult::status).containsExactly(Status.OK, Status.OK, Status.OK);
        assertThat(r.observed().get(0).summary()).startsWith("RDG_OUT_DATA and RDG_IN_DATA accepted");
        assertThat(r.in.isInLeg()).isTrue();
        assertThat(r.out.isInLeg()).isFalse();
        assertThat(r.innerClient.toByteArray()).as("the IN leg's DATA").startsWith(3, 0, 0, 11, 6, 0xE0);
        assertThat(r.innerServer.toByteArray()).as("the OUT leg's DATA after the seed").startsWith(3, 0, 0, 11, 6, 0xD0);
    }

    @Test
    void hresultFailuresAreNamedAsTheLiveProbeNamesThem() throws Exception {
        Run cap = run(GatewaySettings.Transport.AUTO, plus(TO_TUNNEL,
                pkt(TunnelAuthResponse.of(RdgStatus.E_PROXY_NAP_ACCESSDENIED.value(), null, null))));
        cap.sameAsLive();
        assertThat(cap.observed().get(cap.observed().size() - 1).cause().code()).isEqualTo("E_PROXY_NAP_ACCESSDENIED");
        for (long code : new long[] {0x800759DAL, 0x000059DDL, 0x12345678L}) {
            Run rap = run(GatewaySettings.Transport.AUTO, plus(TO_TUNNEL, pkt(TunnelAuthResponse.of(0, null, null)),
                    pkt(ChannelResponse.of(code, null))));
            rap.sameAsLive();
            StageResult last = rap.observed().get(rap.observed().size() - 1);
            assertThat(last.stage()).isEqualTo(Stage.GATEWAY_CHANNEL);
            assertThat(last.summary()).contains("ts1.corp.example:3389");
        }
        Run hs = run(GatewaySettings.Transport.AUTO, OFFER, challenge401(), UPGRADE,
                pkt(new HandshakeResponse(RdgStatus.E_PROXY_INTERNALERROR.value(), 1, 0, 0, 0)));
        hs.sameAsLive();
        assertThat(hs.observed().get(1).cause().code()).isEqualTo("E_PROXY_INTERNALERROR");
        Run odd = run(GatewaySettings.Transport.AUTO, OFFER, challenge401(), UPGRADE, pkt(TunnelResponse.of(0, 1L, 0L, null)));
        odd.sameAsLive();
        assertThat(odd.observed().get(1).cause().code()).isEqualTo("GATEWAY_UNEXPECTED_PACKET");
    }

    @Test
    void httpFailuresAreNamedAsTheLiveProbeNamesThem() throws Exception {
        Run wrong = run(GatewaySettings.Transport.AUTO, OFFER, challenge401(), http(401, "WWW-Authenticate", "NTLM"));
        wrong.sameAsLive();
        StageResult w = wrong.observed().get(0);
        assertThat(w.cause().code()).isEqualTo("GATEWAY_AUTH_FAILED");
        assertThat(w.summary()).contains("CORP\\alice");
        for (int st : new int[] {403, 405, 407, 502, 302}) {
            Run r = run(GatewaySettings.Transport.AUTO, http(st));
            r.sameAsLive();
            assertThat(r.observed()).hasSize(1);
        }
        Run page = run(GatewaySettings.Transport.AUTO, http(200, "Content-Type", "text/html"));
        page.sameAsLive();
        assertThat(page.observed().get(0).cause().code()).isEqualTo("NOT_A_GATEWAY");
        Run rpc = run(GatewaySettings.Transport.AUTO, http(404), http(401, "WWW-Authenticate", "NTLM"));
        rpc.sameAsLive();
        assertThat(rpc.observed().get(0).cause().code()).isEqualTo("GATEWAY_RPC_ONLY");
        Run badAccept = run(GatewaySettings.Transport.AUTO, OFFER, challenge401(),
                http(101, "Upgrade", "websocket", "Sec-WebSocket-Accept", "bm90LWl0"));
        badAccept.sameAsLive();
        assertThat(badAccept.observed().get(0).cause().code()).isEqualTo("GATEWAY_WEBSOCKET_REFUSED");
    }

    @Test
    void aStageWithoutItsAnswerIsPendingAndTheCloseAfterAuthenticateIsMarked() throws Exception {
        Run r = run(GatewaySettings.Transport.AUTO, OFFER, challenge401());
        assertThat(r.observed()).isEmpty();
        GatewayObserver.Pending p = r.out.pending();
        assertThat(p.stage()).isEqualTo(Stage.GATEWAY_HTTP);
        assertThat(p.afterAuthenticate()).isTrue();
        assertThat(p.waitingFor()).contains("RDG_OUT_DATA (NTLM AUTHENTICATE)");
        Run t = run(GatewaySettings.Transport.AUTO, OFFER, challenge401(), UPGRADE);
        assertThat(t.out.pending().stage()).isEqualTo(Stage.GATEWAY_TUNNEL);
        assertThat(t.out.pending().waitingFor()).isEqualTo("HANDSHAKE_RESPONSE");
    }

    @Test
    void garbageAndHostileLengthsNeverThrow() {
        GatewayObserver o = new GatewayObserver(null, null);
        o.client(Unpooled.wrappedBuffer("RDG_OUT_DATA /remoteDesktopGateway/ HTTP/1.1\r\nConnection: Upgrade\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1)), 1);
        o.server(Unpooled.wrappedBuffer("HTTP/1.1 101 Switching Protocols\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)), 2);
        o.server(Unpooled.wrappedBuffer(new byte[] {(byte) 0x82, 127, 0x7f, -1, -1, -1, -1, -1, -1, -1}), 3);
        assertThat(o.results()).hasSize(1);
        assertThat(o.results().get(0).status()).isEqualTo(Status.FAILED);
        GatewayObserver p = new GatewayObserver(null, null);
        p.client(Unpooled.wrappedBuffer("RDG_OUT_DATA / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)), 1);
        p.server(Unpooled.wrappedBuffer("HTTP/1.1 banana\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)), 2);
        assertThat(p.results().get(0).cause().code()).isEqualTo("GATEWAY_MALFORMED");
        Random rnd = new Random(11);
        for (int i = 0; i < 200; i++) {
            GatewayObserver g = new GatewayObserver(null, null);
            byte[] b = new byte[rnd.nextInt(300)];
            rnd.nextBytes(b);
            g.client(Unpooled.wrappedBuffer("RDG_IN_DATA / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1)), 1);
            g.client(Unpooled.wrappedBuffer(b), 2);
            g.server(Unpooled.wrappedBuffer(b), 3);
            g.results();
            g.pending();
        }
    }
}
