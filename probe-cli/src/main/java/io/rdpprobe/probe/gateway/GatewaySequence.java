package io.rdpprobe.probe.gateway;

import io.netty.buffer.Unpooled;
import io.rdpprobe.probe.credssp.Credentials;
import io.rdpprobe.probe.credssp.NtlmChallengeInfo;
import io.rdpprobe.probe.credssp.RandomSource;
import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.GatewayCauses;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.tls.TlsOutcome;
import io.rdpprobe.probe.tls.TlsVerdict;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.ntlm.ChallengeMessage;
import io.rdpprobe.protocol.ntlm.NegotiateFlags;
import io.rdpprobe.protocol.ntlm.NtlmCrypto;
import io.rdpprobe.protocol.ntlm.NtlmInitiator;
import io.rdpprobe.protocol.ntlm.NtlmVersion;
import io.rdpprobe.protocol.rdg.Capabilities;
import io.rdpprobe.protocol.rdg.ChannelCreate;
import io.rdpprobe.protocol.rdg.ChannelResponse;
import io.rdpprobe.protocol.rdg.CloseChannel;
import io.rdpprobe.protocol.rdg.ExtendedAuth;
import io.rdpprobe.protocol.rdg.HandshakeRequest;
import io.rdpprobe.protocol.rdg.HandshakeResponse;
import io.rdpprobe.protocol.rdg.HttpBlob;
import io.rdpprobe.protocol.rdg.Keepalive;
import io.rdpprobe.protocol.rdg.RdgPacket;
import io.rdpprobe.protocol.rdg.RdgPacketType;
import io.rdpprobe.protocol.rdg.RdgStatus;
import io.rdpprobe.protocol.rdg.ReauthMessage;
import io.rdpprobe.protocol.rdg.ServiceMessage;
import io.rdpprobe.protocol.rdg.TunnelAuth;
import io.rdpprobe.protocol.rdg.TunnelAuthResponse;
import io.rdpprobe.protocol.rdg.TunnelCreate;
import io.rdpprobe.protocol.rdg.TunnelResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The RD Gateway handshake as a sans-IO sequence (MS-TSGU 3.3.5 and 3.7.5): which request or packet to send
 * next, and what each answer means for the GATEWAY_TLS, GATEWAY_HTTP, GATEWAY_TUNNEL and GATEWAY_CHANNEL
 * stages. It never touches a socket or a clock: the Netty side feeds it TLS outcomes, HTTP replies and
 * RDG packets with the current time, and carries out the returned {@link Command}s.
 *
 * <pre>
 *   GATEWAY_TLS      TLS to the gateway (OUT connection)                      -> TlsVerdict, as the TLS stage
 *   GATEWAY_HTTP     RDG_OUT_DATA [+ WebSocket upgrade]: 401 -> NTLM/Basic -> 101 (WebSocket)
 *                                                          or 200 + seed (legacy OUT), then
 *                    RDG_IN_DATA on a second connection:   401 -> NTLM/Basic -> 200, chunked body
 *   GATEWAY_TUNNEL   HANDSHAKE_REQUEST/RESPONSE, TUNNEL_CREATE/RESPONSE, TUNNEL_AUTH/RESPONSE (CAP)
 *   GATEWAY_CHANNEL  CHANNEL_CREATE/RESPONSE (RAP, the gateway's connection to the target)
 *   open             DATA both ways: the target's stages run above (TunnelOpen)
 * </pre>
 */
public final class GatewaySequence {
    /** The gateway connection a command or reply belongs to: OUT (also the WebSocket) or IN (legacy only). */
    public enum Leg { OUT, IN }

    /** What the driver must do. */
    public sealed interface Command permits SendHttp, StartChunkedIn, UpgradeToWebSocket, RawOut, OpenIn, Send,
            TunnelOpen, Close {}

    /** An HTTP request without body (Content-Length: 0) on {@code leg}. Header values may be secrets: never log them. */
    public record SendHttp(Leg leg, String method, String path, List<String[]> headers) implements Command {}

    /** On IN: the RDG_IN_DATA request with Transfer-Encoding: chunked whose body then carries every packet sent. */
    public record StartChunkedIn(List<String[]> headers) implements Command {}

    /** The 101 was verified: the OUT connection now carries WebSocket frames. */
    public record UpgradeToWebSocket() implements Command {}

    /** The legacy OUT 200 came: the rest of the OUT stream is raw packets after a seed of about {@code seed} bytes. */
    public record RawOut(int seed, boolean search) implements Command {}

    /** Open the IN connection (TCP + TLS to the same gateway address). */
    public record OpenIn() implements Command {}

    /** Send an RDG packet (WebSocket binary frame, or a chunk of the IN body). */
    public record Send(RdgPacket packet) implements Command {}

    /** The channel is open: the target's stages start above the tunnel. */
    public record TunnelOpen() implements Command {}

    /** The gateway part ended (a failure, or the tunnel closed): close every connection. */
    public record Close(String why) implements Command {}

    /** One step: commands to carry out in order, and stage results to record. */
    public record Step(List<Command> commands, List<StageResult> results) {
        static Step of(List<Command> c, List<StageResult> r) {
            return new Step(List.copyOf(c), List.copyOf(r));
        }
    }

    private enum Auth { ANONYMOUS, NTLM_NEGOTIATE, NTLM_AUTHENTICATE, BASIC, PAA, RPC_CHECK }

    // ---- state records: each holds what is valid in its phase ----------------------------------------
    private sealed interface Phase permits AwaitTls, AwaitHttp, AwaitPacket, Open, Done {}

    private record AwaitTls(Leg leg) implements Phase {}

    private record AwaitHttp(Leg leg, Auth sent, NtlmInitiator ntlm, long sentMillis) implements Phase {}

    private record AwaitPacket(int type) implements Phase {}

    private record Open() implements Phase {}

    private record Done() implements Phase {}

    private final GatewaySettings settings;
    private final RandomSource random;
    private final long timeoutMillis;
    private final long skewWarnMillis;
    private final String connectionId;
    private Phase phase = new AwaitTls(Leg.OUT);
    private Stage stage = Stage.GATEWAY_TLS;
    private long stageStart;
    private long deadline = Long.MAX_VALUE;
    private Map<String, Object> ev = new LinkedHashMap<>();
    private final List<Command> cmds = new ArrayList<>();
    private final List<StageResult> results = new ArrayList<>();
    private boolean websocket;
    private String wsKey;
    /** The scheme that worked on OUT ("NTLM", "Negotiate", "Basic", "PAA" or "none"); IN uses it directly. */
    private String scheme;
    private final List<String> exchanges = new ArrayList<>();
    private final List<String> serviceMessages = new ArrayList<>();

    /**
     * @param timeoutMillis  each gateway stage's deadline
     * @param skewWarnMillis clock difference reported from the gateway's NTLM timestamp
     */
    public GatewaySequence(GatewaySettings settings, RandomSource random, long timeoutMillis, long skewWarnMillis) {
        this.settings = settings;
        this.random = random;
        this.timeoutMillis = timeoutMillis;
        this.skewWarnMillis = skewWarnMillis;
        byte[] g = new byte[16];
        random.nextBytes(g);
        this.connectionId = guid(g);
        this.websocket = settings.transport() != GatewaySettings.Transport.HTTP;
    }

    public Stage stage() {
        return stage;
    }

    public boolean isDone() {
        return phase instanceof Done;
    }

    public boolean isOpen() {
        return phase instanceof Open;
    }

    /** When the current stage times out (the driver's nanoTime), or Long.MAX_VALUE. */
    public long deadlineNanos() {
        return deadline;
    }

    public boolean usesWebSocket() {
        return websocket;
    }

    public String connectionId() {
        return connectionId;
    }

    /** The TCP connection to the gateway is up; the driver starts TLS on OUT. */
    public void start(long nowNanos) {
        startStage(Stage.GATEWAY_TLS, nowNanos);
    }

    // ---- TLS -------------------------------------------------------------------------------------------

    public Step onTls(Leg leg, TlsOutcome o, long nowNanos, Instant now) {
        lastNow = Math.max(lastNow, nowNanos);
        if (!(phase instanceof AwaitTls t) || t.leg() != leg) {
            return step();
        }
        if (leg == Leg.OUT) {
            TlsVerdict.Judged j = TlsVerdict.judge(Stage.GATEWAY_TLS, o, settings.host(), now, settings.tls(),
                    timeoutMillis, elapsed(nowNanos));
            StageResult r = j.result();
            if (!j.failed() && j.analysis() != null && !j.analysis().trusted()) {
                Map<String, Object> e = new LinkedHashMap<>(r.evidence());
                e.put("mstsc", "refuses an untrusted gateway certificate outright");
                r = new StageResult(Stage.GATEWAY_TLS, Status.WARNING, r.elapsedMs(), e,
                        r.cause() == null ? GatewayCauses.GATEWAY_CERT_NOT_TRUSTED : r.cause(),
                        (r.summary() == null ? "" : r.summary() + "; ")
                                + "mstsc would refuse this gateway certificate (it is not trusted: no 'connect anyway' "
                                + "for a gateway); the probe goes on", false);
            }
            results.add(r);
            if (j.failed()) {
                return close("gateway TLS failed");
            }
            startStage(Stage.GATEWAY_HTTP, nowNanos);
            ev.put("transport", settings.transport() == GatewaySettings.Transport.AUTO ? "auto (WebSocket first)"
                    : settings.transport() == GatewaySettings.Transport.WEBSOCKET ? "websocket" : "http (RDG_OUT_DATA + RDG_IN_DATA)");
            ev.put("connectionId", connectionId);
            return firstRequest(Leg.OUT, nowNanos, now.toEpochMilli());
        }
        // IN: the same gateway; its certificate was judged on OUT
        if (!o.complete()) {
            TlsVerdict.Judged j = TlsVerdict.judge(Stage.GATEWAY_HTTP, o, settings.host(), now, settings.tls(),
                    timeoutMillis, elapsed(nowNanos));
            ev.putAll(j.result().evidence());
            return fail(j.result().cause(), "the second gateway connection (RDG_IN_DATA): " + j.result().summary(), false);
        }
        return firstRequest(Leg.IN, nowNanos, now.toEpochMilli());
    }

    // ---- HTTP ------------------------------------------------------------------------------------------

    private Step firstRequest(Leg leg, long nowNanos, long wallMillis) {
        if (settings.token() != null && (scheme == null || scheme.equals("PAA"))) {
            return request(leg, Auth.PAA, null, null, wallMillis);
        }
        if (leg == Leg.IN && scheme != null) {
            return authenticate(leg, scheme, wallMillis);
        }
        return request(leg, Auth.ANONYMOUS, null, null, wallMillis);
    }

    private Step request(Leg leg, Auth auth, String authorization, NtlmInitiator ntlm, long wallMillis) {
        List<String[]> h = baseHeaders(leg);
        if (authorization != null) {
            h.add(new String[] {"Authorization", authorization});
        }
        if (auth == Auth.PAA) {
            h.add(new String[] {"RDG-Auth-Scheme", "PAA"});
        }
        String method = leg == Leg.OUT ? "RDG_OUT_DATA" : "RDG_IN_DATA";
        if (auth == Auth.RPC_CHECK) {
            method = "RPC_IN_DATA";
        }
        phase = new AwaitHttp(leg, auth, ntlm, wallMillis);
        cmds.add(new SendHttp(leg, method, auth == Auth.RPC_CHECK ? "/rpc/rpcproxy.dll" : GatewaySettings.PATH, h));
        return step();
    }

    private List<String[]> baseHeaders(Leg leg) {
        List<String[]> h = new ArrayList<>();
        h.add(new String[] {"Host", settings.address().endsWith(":443") ? settings.address().substring(0,
                settings.address().length() - 4) : settings.address()});
        h.add(new String[] {"Accept", "*/*"});
        h.add(new String[] {"Cache-Control", "no-cache"});
        h.add(new String[] {"Pragma", "no-cache"});
        h.add(new String[] {"User-Agent", "MS-RDGateway/1.0"});
        h.add(new String[] {"RDG-Connection-Id", connectionId});
        if (leg == Leg.OUT && websocket) {
            byte[] k = new byte[16];
            random.nextBytes(k);
            wsKey = Base64.getEncoder().encodeToString(k);
            h.add(new String[] {"Connection", "Upgrade"});
            h.add(new String[] {"Upgrade", "websocket"});
            h.add(new String[] {"Sec-WebSocket-Version", "13"});
            h.add(new String[] {"Sec-WebSocket-Key", wsKey});
        } else {
            h.add(new String[] {"Connection", "Keep-Alive"});
        }
        return h;
    }

    /** Starts the chosen scheme on {@code leg}: NTLM NEGOTIATE, or Basic. */
    private Step authenticate(Leg leg, String chosen, long wallMillis) {
        if (chosen.equals("Basic")) {
            Credentials c = settings.credentials();
            char[] pw = c.password().chars();
            byte[] raw = null;
            try {
                String userPart = c.display() + ":";
                byte[] u = userPart.getBytes(StandardCharsets.UTF_8);
                java.nio.ByteBuffer enc = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(pw));
                byte[] p = new byte[enc.remaining()];
                enc.get(p);
                if (enc.hasArray()) {
                    Arrays.fill(enc.array(), (byte) 0);
                }
                raw = Arrays.copyOf(u, u.length + p.length);
                System.arraycopy(p, 0, raw, u.length, p.length);
                Arrays.fill(p, (byte) 0);
                return request(leg, Auth.BASIC, "Basic " + Base64.getEncoder().encodeToString(raw), null, wallMillis);
            } finally {
                Arrays.fill(pw, '\0');
                if (raw != null) {
                    Arrays.fill(raw, (byte) 0);
                }
            }
        }
        if (chosen.equals("none")) {
            return request(leg, Auth.ANONYMOUS, null, null, wallMillis);
        }
        NtlmInitiator ntlm = newNtlm();
        String token = Base64.getEncoder().encodeToString(ntlm.negotiate());
        return request(leg, Auth.NTLM_NEGOTIATE, chosen + " " + token, ntlm, wallMillis);
    }

    private NtlmInitiator newNtlm() {
        Credentials c = settings.credentials();
        byte[] ntHash = null;
        if (c != null) {
            char[] pw = c.password().chars();
            try {
                ntHash = NtlmCrypto.ntHash(pw);
            } finally {
                Arrays.fill(pw, '\0');
            }
        }
        NtlmInitiator n = new NtlmInitiator(c == null ? "" : c.user(), c == null ? "" : c.domain(), ntHash,
                settings.clientName(), "HTTP/" + settings.host(), new NtlmVersion(10, 0, 19041, NtlmVersion.REVISION_W2K3),
                NegotiateFlags.CREDSSP_CLIENT);
        if (ntHash != null) {
            Arrays.fill(ntHash, (byte) 0);
        }
        return n;
    }

    public Step onHttpReply(Leg leg, HttpReply r, long nowNanos, long wallMillis) {
        lastNow = Math.max(lastNow, nowNanos);
        if (!(phase instanceof AwaitHttp h) || h.leg() != leg) {
            return step();
        }
        String method = h.sent() == Auth.RPC_CHECK ? "RPC_IN_DATA" : leg == Leg.OUT ? "RDG_OUT_DATA" : "RDG_IN_DATA";
        exchanges.add(method + (h.sent() == Auth.ANONYMOUS ? "" : " (" + describe(h.sent()) + ")") + " -> " + r.status()
                + (r.reason() == null || r.reason().isEmpty() ? "" : " " + r.reason()));
        ev.put("exchanges", List.copyOf(exchanges));
        if (r.first("server") != null) {
            ev.put("server", r.first("server"));
        }
        if (h.sent() == Auth.RPC_CHECK) {
            if (r.status() == 401 || r.status() == 200) {
                ev.put("rpcOverHttp", "/rpc/rpcproxy.dll answered " + r.status());
            }
            return fail(GatewayReading.afterNotFound(r.status()));
        }
        int st = r.status();
        if (st == 401) {
            return on401(leg, h, r, nowNanos, wallMillis);
        }
        if (st == 101 && leg == Leg.OUT) {
            return on101(r, nowNanos);
        }
        if (st == 200) {
            return on200(leg, h, r, nowNanos);
        }
        if (st == 404) {
            return request(leg, Auth.RPC_CHECK, null, null, wallMillis);
        }
        return fail(GatewayReading.httpStatus(method, r));
    }

    /** How the capture-side observer names the client's authentication step (the same words). */
    private static String describe(Auth a) {
        return switch (a) {
            case NTLM_NEGOTIATE -> "NTLM NEGOTIATE";
            case NTLM_AUTHENTICATE -> "NTLM AUTHENTICATE";
            case BASIC -> "Basic credentials";
            case PAA -> "PAA token scheme";
            default -> a.name();
        };
    }

    private Step on401(Leg leg, AwaitHttp h, HttpReply r, long nowNanos, long wallMillis) {
        List<String> offered = GatewayReading.offeredSchemes(r);
        String challengeB64 = GatewayReading.challenge(r);
        if (h.sent() == Auth.ANONYMOUS || h.sent() == Auth.PAA) {
            ev.put("authSchemesOffered", offered);
            if (h.sent() == Auth.PAA && settings.credentials() == null) {
                return fail(GatewayCauses.GATEWAY_CREDENTIALS_REQUIRED, "the gateway answered the PAA token scheme with "
                        + "401 and offers " + offered + ": it expects Windows authentication, not a token", false);
            }
            String chosen = choose(offered);
            if (chosen == null) {
                return fail(GatewayCauses.GATEWAY_AUTH_SCHEME_UNSUPPORTED, "the gateway offers " + offered + " and "
                        + (settings.auth() == GatewaySettings.AuthMode.AUTO ? "none of NTLM, Negotiate or Basic"
                        : settings.auth() == GatewaySettings.AuthMode.AUTO_NO_BASIC ? "neither NTLM nor Negotiate (Basic "
                                + "is not used while the --capture file can be decrypted, by the TLS secrets it holds or "
                                + "by --keylog: the password could be read back from it; add --force to allow it)"
                        : "not " + settings.auth()), false);
            }
            ev.put("authScheme", chosen);
            if (settings.credentials() == null && chosen.equals("Basic")) {
                return fail(GatewayCauses.GATEWAY_CREDENTIALS_REQUIRED, "the gateway requires Basic authentication ("
                        + offered + ") and no credentials were given", false);
            }
            scheme = chosen;
            return authenticate(leg, chosen, wallMillis);
        }
        if (h.sent() == Auth.NTLM_NEGOTIATE) {
            if (challengeB64 == null) {
                return fail(GatewayCauses.GATEWAY_AUTH_FAILED, "the gateway answered the NTLM NEGOTIATE with 401 but no "
                        + "CHALLENGE (WWW-Authenticate: " + r.all("www-authenticate") + ")", false);
            }
            byte[] chBytes;
            ChallengeMessage ch;
            try {
                chBytes = Base64.getDecoder().decode(challengeB64);
                ch = ChallengeMessage.decode(Unpooled.wrappedBuffer(chBytes));
            } catch (IllegalArgumentException | DecodeException e) {
                ev.put("error", e.getMessage());
                return fail(GatewayCauses.GATEWAY_MALFORMED, "the gateway's NTLM CHALLENGE does not decode: " + e.getMessage(), false);
            }
            if (leg == Leg.OUT) {
                Map<String, Object> info = new LinkedHashMap<>();
                NtlmChallengeInfo.record(ch, h.sentMillis(), wallMillis, skewWarnMillis, info);
                ev.put("gatewayNtlm", info);
            }
            if (settings.credentials() == null) {
                h.ntlm().destroy();
                return fail(GatewayCauses.GATEWAY_CREDENTIALS_REQUIRED, "the gateway requires " + scheme
                        + " authentication and no credentials were given; its NTLM CHALLENGE names "
                        + NtlmChallengeInfo.describe(ch), false);
            }
            byte[] cc = new byte[8];
            byte[] sk = new byte[16];
            random.nextBytes(cc);
            random.nextBytes(sk);
            NtlmInitiator.Result res;
            try {
                res = h.ntlm().authenticate(chBytes, cc, sk, wallMillis);
            } catch (DecodeException e) {
                return fail(GatewayCauses.GATEWAY_MALFORMED, "the gateway's NTLM CHALLENGE is unusable: " + e.getMessage(), false);
            } finally {
                h.ntlm().destroy();
            }
            return request(leg, Auth.NTLM_AUTHENTICATE, scheme + " " + Base64.getEncoder().encodeToString(res.authenticateBytes()),
                    null, wallMillis);
        }
        // 401 after AUTHENTICATE or Basic credentials: rejected
        ev.put("user", settings.credentials() == null ? null : settings.credentials().display());
        return fail(GatewayReading.authRejected(describe(h.sent()),
                settings.credentials() == null ? null : settings.credentials().display(), leg == Leg.IN));
    }

    private String choose(List<String> offered) {
        List<String> lower = offered.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
        return switch (settings.auth()) {
            case NTLM -> lower.contains("ntlm") ? "NTLM" : null;
            case NEGOTIATE -> lower.contains("negotiate") ? "Negotiate" : null;
            case BASIC -> lower.contains("basic") ? "Basic" : null;
            case AUTO -> lower.contains("ntlm") ? "NTLM" : lower.contains("negotiate") ? "Negotiate"
                    : lower.contains("basic") ? "Basic" : null;
            case AUTO_NO_BASIC -> lower.contains("ntlm") ? "NTLM" : lower.contains("negotiate") ? "Negotiate" : null;
        };
    }

    private Step on101(HttpReply r, long nowNanos) {
        if (!websocket) {
            return fail(GatewayCauses.GATEWAY_HTTP_UNEXPECTED, "101 Switching Protocols without an upgrade request", false);
        }
        if (!GatewayReading.websocketAccepted(r, wsKey)) {
            ev.put("secWebSocketAccept", r.first("sec-websocket-accept"));
            return fail(GatewayReading.websocketRefused());
        }
        if (scheme == null) {
            scheme = settings.token() != null ? "PAA" : "none";
        }
        ev.put("transportUsed", "websocket");
        cmds.add(new UpgradeToWebSocket());
        return httpDone(nowNanos, "WebSocket upgrade accepted");
    }

    private Step on200(Leg leg, AwaitHttp h, HttpReply r, long nowNanos) {
        GatewayReading.Failure page = GatewayReading.webPage(leg == Leg.OUT ? "RDG_OUT_DATA" : "RDG_IN_DATA", r);
        if (page != null) {
            ev.put("contentType", r.first("content-type"));
            return fail(page);
        }
        if (scheme == null) {
            scheme = h.sent() == Auth.PAA ? "PAA" : "none";
        }
        if (leg == Leg.OUT) {
            if (websocket && settings.transport() == GatewaySettings.Transport.WEBSOCKET) {
                return fail(GatewayCauses.GATEWAY_WEBSOCKET_REFUSED, "the gateway answered the WebSocket upgrade request "
                        + "with 200 (the legacy OUT channel) and --gateway-transport websocket was given", false);
            }
            if (websocket) {
                ev.put("websocketFallback", "200 to the upgrade request: the gateway uses the two-connection transport");
            }
            websocket = false;
            ev.put("transportUsed", "http (RDG_OUT_DATA + RDG_IN_DATA)");
            String cl = r.first("content-length");
            int seed = 10;
            boolean search = true;
            if (cl != null) {
                try {
                    seed = Math.max(0, Math.min(4096, Integer.parseInt(cl.trim())));
                    search = false;
                } catch (NumberFormatException e) {
                    // keep the default
                }
            }
            cmds.add(new RawOut(seed, search));
            phase = new AwaitTls(Leg.IN);
            cmds.add(new OpenIn());
            return step();
        }
        List<String[]> hdr = baseHeaders(Leg.IN);
        cmds.add(new StartChunkedIn(hdr));
        return httpDone(nowNanos, "RDG_OUT_DATA and RDG_IN_DATA accepted");
    }

    private Step httpDone(long nowNanos, String what) {
        ev.put("authUsed", scheme);
        String how = switch (scheme) {
            case "none" -> "no authentication asked";
            case "PAA" -> "PAA token scheme";
            default -> scheme + " authentication as " + (settings.credentials() == null ? "?" : settings.credentials().display());
        };
        results.add(StageResult.ok(Stage.GATEWAY_HTTP, elapsedNow(nowNanos), ev, what + " (" + how + ")"));
        startStage(Stage.GATEWAY_TUNNEL, nowNanos);
        int ext = settings.token() != null ? ExtendedAuth.PAA : ExtendedAuth.NONE;
        send(HandshakeRequest.of(ext));
        phase = new AwaitPacket(RdgPacketType.HANDSHAKE_RESPONSE);
        return step();
    }

    // ---- RDG packets -----------------------------------------------------------------------------------

    public Step onPacket(RdgPacket p, long nowNanos) {
        lastNow = Math.max(lastNow, nowNanos);
        if (phase instanceof Done) {
            return step();
        }
        if (p instanceof Keepalive) {
            return step();
        }
        if (p instanceof ServiceMessage m) {
            serviceMessages.add(m.message());
            ev.put("serviceMessages", List.copyOf(serviceMessages));
            return step();
        }
        if (p instanceof ReauthMessage) {
            ev.put("reauthRequested", true);
            return step();
        }
        if (p instanceof CloseChannel c && !c.response()) {
            ev.put("closeChannel", c.status().toString());
            send(new CloseChannel(true, 0));
            if (phase instanceof Open) {
                phase = new Done();
                RdgStatus st = c.status();
                GatewayReading.Failure f = GatewayReading.closeChannelWhileOpen(st, target());
                if (f != null) {
                    // the gateway itself ended the tunnel (timeout, administrator, re-authentication): name it, as
                    // the target's stage would otherwise only see "the server closed the connection"
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("closeChannel", st.toString());
                    e.put("duringTargetStage", true);
                    results.add(new StageResult(Stage.GATEWAY_CHANNEL, Status.FAILED, 0, e, f.cause(), f.summary(), false));
                }
                cmds.add(new Close("the gateway closed the channel: " + st));
                return step();
            }
            return fail(GatewayReading.closeChannel(c, stage));
        }
        if (!(phase instanceof AwaitPacket a)) {
            return phase instanceof Open ? step() : fail(GatewayCauses.GATEWAY_UNEXPECTED_PACKET,
                    "an RDG packet " + RdgPacketType.name(p.packetType()) + " arrived before the transport was set up", false);
        }
        if (p.packetType() != a.type()) {
            ev.put("unexpectedPacket", RdgPacketType.name(p.packetType()));
            return fail(GatewayReading.unexpected(a.type(), p.packetType()));
        }
        GatewayReading.Failure answer = GatewayReading.response(p, ev, target());
        if (answer != null) {
            return fail(answer);
        }
        if (p instanceof HandshakeResponse) {
            HttpBlob cookie = null;
            if (settings.token() != null) {
                char[] t = settings.token().chars();
                try {
                    cookie = HttpBlob.utf16z(t);
                } finally {
                    Arrays.fill(t, '\0');
                }
            }
            send(TunnelCreate.of(Capabilities.IDLE_TIMEOUT | Capabilities.MESSAGING_CONSENT_SIGN
                    | Capabilities.MESSAGING_SERVICE_MSG, cookie));
            phase = new AwaitPacket(RdgPacketType.TUNNEL_RESPONSE);
            return step();
        }
        if (p instanceof TunnelResponse) {
            send(TunnelAuth.of(settings.clientName()));
            phase = new AwaitPacket(RdgPacketType.TUNNEL_AUTH_RESPONSE);
            return step();
        }
        if (p instanceof TunnelAuthResponse) {
            results.add(StageResult.ok(Stage.GATEWAY_TUNNEL, elapsedNow(nowNanos), ev, GatewayReading.tunnelOk(ev)));
            startStage(Stage.GATEWAY_CHANNEL, nowNanos);
            ev.put("resource", settings.targetHost());
            ev.put("port", settings.targetPort());
            send(ChannelCreate.of(settings.targetHost(), settings.targetPort()));
            phase = new AwaitPacket(RdgPacketType.CHANNEL_RESPONSE);
            return step();
        }
        if (p instanceof ChannelResponse) {
            results.add(StageResult.ok(Stage.GATEWAY_CHANNEL, elapsedNow(nowNanos), ev, GatewayReading.channelOk(ev, target())));
            phase = new Open();
            deadline = Long.MAX_VALUE;
            cmds.add(new TunnelOpen());
            return step();
        }
        return step();
    }

    /** The gateway's bytes do not frame or decode as MS-TSGU. */
    public Step onMalformed(DecodeException e, long nowNanos) {
        lastNow = Math.max(lastNow, nowNanos);
        if (phase instanceof Done) {
            return step();
        }
        ev.put("layer", e.layer().name());
        ev.put("field", e.field());
        ev.put("offset", e.offset());
        ev.put("error", e.getMessage());
        if (phase instanceof Open) {
            phase = new Done();
            cmds.add(new Close("malformed packet from the gateway: " + e.getMessage()));
            return step();
        }
        return fail(GatewayReading.malformed("the gateway's packet is not valid MS-TSGU: " + e.getMessage()));
    }

    /** A gateway connection closed (FIN or RST). Once open, the target's stages judge the close. */
    public Step onClosed(Leg leg, boolean reset, long nowNanos) {
        lastNow = Math.max(lastNow, nowNanos);
        if (phase instanceof Done || phase instanceof Open) {
            return step();
        }
        ev.put("closedBy", "gateway (" + (reset ? "RST" : "FIN") + (leg == Leg.IN ? ", RDG_IN_DATA connection" : "") + ")");
        if (phase instanceof AwaitHttp h && h.sent() == Auth.NTLM_AUTHENTICATE) {
            return fail(GatewayReading.closedAfterAuthenticate());
        }
        String after = phase instanceof AwaitHttp h ? "after " + describe(h.sent()) + " (no HTTP answer)"
                : phase instanceof AwaitPacket a ? "while waiting for " + RdgPacketType.name(a.type())
                : "during the TLS handshake";
        return fail(GatewayReading.closed(reset, after));
    }

    /** The stage deadline passed with nothing buffered. */
    public Step onDeadline(long nowNanos) {
        return onDeadline(nowNanos, 0);
    }

    /**
     * The stage deadline passed (TLS stalls are reported through {@link #onTls} with a stalled outcome).
     *
     * @param pendingBytes bytes of an incomplete RDG packet that had arrived
     */
    public Step onDeadline(long nowNanos, int pendingBytes) {
        lastNow = Math.max(lastNow, nowNanos);
        if (phase instanceof Done || phase instanceof Open) {
            return step();
        }
        if (pendingBytes > 0 && phase instanceof AwaitPacket a) {
            ev.put("bytesReceived", pendingBytes);
            ev.put("timeoutMs", timeoutMillis);
            return fail(Causes.TRUNCATED_RESPONSE, pendingBytes + " byte(s) of the gateway's " + RdgPacketType.name(a.type())
                    + " arrived, and the packet was still incomplete at the deadline (" + timeoutMillis + " ms)", false);
        }
        String what = phase instanceof AwaitHttp h ? "no HTTP answer to " + describe(h.sent())
                : phase instanceof AwaitPacket a ? "no " + RdgPacketType.name(a.type()) : "no answer";
        ev.put("timeoutMs", timeoutMillis);
        return fail(GatewayCauses.GATEWAY_NO_RESPONSE, what + " within " + timeoutMillis + " ms", false);
    }

    /** Whether an AwaitTls phase is pending on {@code leg} (the driver then reports a TLS stall). */
    public boolean awaitingTls(Leg leg) {
        return phase instanceof AwaitTls t && t.leg() == leg;
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private void send(RdgPacket p) {
        cmds.add(new Send(p));
    }

    private Step fail(GatewayReading.Failure f) {
        return fail(f.cause(), f.summary(), f.inferred());
    }

    private String target() {
        return settings.targetHost() + ":" + settings.targetPort();
    }

    private Step fail(Cause cause, String summary, boolean inferred) {
        results.add(new StageResult(stage, Status.FAILED, elapsedNow(lastNow), ev, cause, summary, inferred));
        return close(summary);
    }

    private Step close(String why) {
        phase = new Done();
        deadline = Long.MAX_VALUE;
        cmds.add(new Close(why));
        return step();
    }

    private long lastNow;

    private void startStage(Stage s, long nowNanos) {
        stage = s;
        stageStart = nowNanos;
        lastNow = nowNanos;
        deadline = nowNanos + timeoutMillis * 1_000_000L;
        ev = new LinkedHashMap<>();
    }

    private long elapsed(long nowNanos) {
        lastNow = nowNanos;
        return Math.max(0, (nowNanos - stageStart) / 1_000_000L);
    }

    private long elapsedNow(long nowNanos) {
        return elapsed(Math.max(nowNanos, lastNow));
    }

    private Step step() {
        Step s = Step.of(cmds, results);
        cmds.clear();
        results.clear();
        return s;
    }

    /** RFC 6455 4.2.2: base64(SHA-1(key + the WebSocket GUID)). */
    static String acceptFor(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] d = sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String guid(byte[] b) {
        b[6] = (byte) ((b[6] & 0x0F) | 0x40);
        b[8] = (byte) ((b[8] & 0x3F) | 0x80);
        String h = io.rdpprobe.protocol.codec.Wire.hex(b).toUpperCase(Locale.ROOT);
        return "{" + h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-"
                + h.substring(16, 20) + "-" + h.substring(20) + "}";
    }

    @Override
    public String toString() {
        return "GatewaySequence[" + phase.getClass().getSimpleName() + ", " + stage + ", " + settings + "]";
    }
}
