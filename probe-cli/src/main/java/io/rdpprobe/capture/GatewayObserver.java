package io.rdpprobe.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.capture.RdpConnection.Side;
import io.rdpprobe.probe.gateway.GatewayReading;
import io.rdpprobe.probe.gateway.HttpReply;
import io.rdpprobe.probe.gateway.RdgStreamFramer;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.ntlm.AuthenticateMessage;
import io.rdpprobe.protocol.rdg.ChannelCreate;
import io.rdpprobe.protocol.rdg.CloseChannel;
import io.rdpprobe.protocol.rdg.DataPacket;
import io.rdpprobe.protocol.rdg.RdgHeader;
import io.rdpprobe.protocol.rdg.RdgPacket;
import io.rdpprobe.protocol.rdg.RdgPacketType;
import io.rdpprobe.protocol.rdg.ServiceMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One RD Gateway connection in a capture (MS-TSGU HTTP transport), sans-IO: fed the decrypted plaintext of each side
 * of the outer TLS, in order. It parses the HTTP requests and responses (method, path, the authentication scheme
 * offered and used, status), the WebSocket frames (client frames unmasked) or, for the two-connection transport, the
 * OUT connection's raw packet stream and the IN connection's chunked request body, and the RDG packets (the protocol
 * codecs). What the gateway's answers mean is {@link GatewayReading}'s, as for the live probe. The DATA packets'
 * payloads go to a {@link Tunnel}: the inner RDP connection to the target.
 *
 * <p>Two-connection transport: the RDG_IN_DATA connection is paired with its RDG_OUT_DATA connection by the
 * RDG-Connection-Id header ({@link Registry}); its HTTP exchanges and client packets then go to the OUT observer,
 * which owns the stages.
 */
public final class GatewayObserver {
    /** Where the tunnelled bytes go. */
    public interface Tunnel {
        /** The channel opened (CHANNEL_RESPONSE succeeded) to {@code target} ("host:port"). */
        void open(String target, long ts);

        /** DATA payload of one side, in that side's order; only valid during the call. */
        void data(Side from, ByteBuf payload, long ts);
    }

    /** Pairs RDG_IN_DATA connections with their RDG_OUT_DATA connection (one per analysis). */
    public static final class Registry {
        private final Map<String, GatewayObserver> outs = new HashMap<>();
        static final int MAX = 4096;

        void out(String id, GatewayObserver o) {
            if (outs.size() >= MAX) {
                outs.clear();
            }
            outs.put(id, o);
        }

        GatewayObserver find(String id) {
            return outs.get(id);
        }
    }

    static final int MAX_HEAD = 16 * 1024;
    static final int MAX_WS_PAYLOAD = 1 << 20;
    static final int MAX_EXCHANGES = 16;

    /** Whether the client's first plaintext bytes are an RD Gateway HTTP request (method and path). */
    public static boolean isGatewayRequest(ByteBuf b) {
        int n = Math.min(b.readableBytes(), 96);
        String s = b.toString(b.readerIndex(), n, StandardCharsets.ISO_8859_1);
        return s.startsWith("RDG_OUT_DATA ") || s.startsWith("RDG_IN_DATA ") || s.startsWith("RPC_IN_DATA ")
                || s.startsWith("RPC_OUT_DATA ")
                || (s.startsWith("GET ") && s.toLowerCase(Locale.ROOT).startsWith("get /remotedesktopgateway"));
    }

    private final Registry registry;
    private final Tunnel tunnel;
    /** This observer, or the RDG_OUT_DATA observer this RDG_IN_DATA connection belongs to. */
    private GatewayObserver owner = this;
    private boolean inLeg;
    private GatewayObserver pairedIn;
    private final Dir client = new Dir(Side.CLIENT);
    private final Dir server = new Dir(Side.SERVER);
    private final ArrayDeque<Request> requests = new ArrayDeque<>();

    // ---- the stages (owner only)
    private final Map<String, Object> httpEv = new LinkedHashMap<>();
    private final Map<String, Object> tunnelEv = new LinkedHashMap<>();
    private final Map<String, Object> channelEv = new LinkedHashMap<>();
    private final List<String> exchanges = new ArrayList<>();
    private final List<String> serviceMessages = new ArrayList<>();
    private StageResult http;
    private StageResult tunnelStage;
    private StageResult channel;
    private GatewayReading.Failure failure;
    private Stage failedStage;
    private long tFailure = -1;
    long tFirstRequest = -1;
    private long tHandshake = -1;
    private long tChannelCreate = -1;
    private String connectionId;
    private String transport;
    private String scheme;
    private String user;
    private Request last;
    private boolean outAccepted;
    private boolean inAccepted;
    private int notFoundRpc = -2; // -2: no 404; -1: 404, no RPC check (yet)
    /** The response the gateway owes (after the client's request packet), or -1. */
    private int awaited = -1;
    private String target;
    private boolean open;
    private long packets;
    private final long[] dataBytes = new long[2];
    private String malformed;

    public GatewayObserver(Registry registry, Tunnel tunnel) {
        this.registry = registry == null ? new Registry() : registry;
        this.tunnel = tunnel;
    }

    /** Decrypted client-to-gateway bytes. */
    public void client(ByteBuf data, long ts) {
        client.feed(data, ts);
    }

    /** Decrypted gateway-to-client bytes. */
    public void server(ByteBuf data, long ts) {
        server.feed(data, ts);
    }

    /** Paired as the RDG_IN_DATA leg of another connection's tunnel: not reported on its own. */
    public boolean isInLeg() {
        return inLeg && owner != this;
    }

    public boolean isOpen() {
        return open;
    }

    public String target() {
        return target;
    }

    public String connectionId() {
        return connectionId;
    }

    public long packets() {
        return packets;
    }

    // ---- HTTP ------------------------------------------------------------------------------------------

    private record Request(String method, String path, String auth, String wsKey, boolean chunked, long ts) {}

    private void request(String head, long ts) {
        String[] lines = head.split("\r\n");
        String[] rl = lines[0].split(" ");
        String method = rl[0];
        String path = rl.length > 1 ? rl[1] : "";
        Map<String, String> h = headers(lines);
        String authz = h.get("authorization");
        String auth = "none";
        if (authz != null) {
            auth = describeAuth(authz.trim());
        } else if ("PAA".equalsIgnoreCase(h.get("rdg-auth-scheme"))) {
            auth = "PAA token scheme";
        }
        boolean chunked = h.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked");
        Request r = new Request(method, path, auth, h.get("sec-websocket-key"), chunked, ts);
        requests.add(r);
        String id = h.get("rdg-connection-id");
        if (id != null && connectionId == null) {
            connectionId = id.trim();
            if (method.equals("RDG_OUT_DATA")) {
                registry.out(connectionId, this);
            } else if (method.equals("RDG_IN_DATA")) {
                inLeg = true;
                GatewayObserver out = registry.find(connectionId);
                if (out != null && out != this && out.pairedIn == null) {
                    out.pairedIn = this;
                    owner = out;
                }
            }
        }
        owner.onRequest(this, r, h);
        if (chunked) {
            client.mode = Mode.CHUNKED;
        } else {
            long cl = contentLength(h);
            if (cl > 0) {
                client.bodyLeft = cl;
                client.mode = Mode.BODY;
            }
        }
    }

    private void onRequest(GatewayObserver leg, Request r, Map<String, String> h) {
        if (tFirstRequest < 0) {
            tFirstRequest = r.ts();
        }
        if (leg == this && connectionId != null) {
            httpEv.putIfAbsent("connectionId", connectionId);
        }
        if (leg != this) {
            httpEv.put("inConnection", "paired by RDG-Connection-Id");
        }
        if (r.method().equals("RPC_IN_DATA") && notFoundRpc == -1) {
            notFoundRpc = -3; // awaiting its answer
        }
        if (!r.auth().equals("none") && !r.auth().startsWith("NTLM NEGOTIATE") && !r.auth().startsWith("PAA")) {
            last = r;
        }
    }

    private String describeAuth(String authz) {
        int sp = authz.indexOf(' ');
        String name = sp < 0 ? authz : authz.substring(0, sp);
        String param = sp < 0 ? "" : authz.substring(sp + 1).trim();
        if (name.equalsIgnoreCase("Basic")) {
            owner.scheme = "Basic";
            return "Basic credentials";
        }
        if (name.equalsIgnoreCase("NTLM") || name.equalsIgnoreCase("Negotiate")) {
            String canon = name.equalsIgnoreCase("NTLM") ? "NTLM" : "Negotiate";
            owner.scheme = canon;
            try {
                byte[] b = Base64.getDecoder().decode(param);
                if (b.length >= 12 && new String(b, 0, 7, StandardCharsets.ISO_8859_1).equals("NTLMSSP")) {
                    int type = b[8] & 0xFF;
                    if (type == 1) {
                        return "NTLM NEGOTIATE";
                    }
                    if (type == 3) {
                        try {
                            AuthenticateMessage m = AuthenticateMessage.decode(Unpooled.wrappedBuffer(b));
                            owner.user = m.domain().isEmpty() ? m.user() : m.domain() + "\\" + m.user();
                        } catch (DecodeException e) {
                            // the user name stays unknown
                        }
                        return "NTLM AUTHENTICATE";
                    }
                }
            } catch (IllegalArgumentException e) {
                // not base64: Kerberos or garbage; named by its scheme
            }
            return canon + " token";
        }
        return name + " credentials";
    }

    private void response(String head, long ts) {
        String[] lines = head.split("\r\n");
        String[] sl = lines[0].split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(sl.length > 1 ? sl[1].trim() : "");
        } catch (NumberFormatException e) {
            owner.fail(Stage.GATEWAY_HTTP, GatewayReading.malformed("the gateway's HTTP status line is not valid: " + lines[0]), ts);
            server.mode = Mode.DONE;
            return;
        }
        Map<String, String> h = headers(lines);
        List<String[]> pairs = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) {
                pairs.add(new String[] {lines[i].substring(0, c).trim(), lines[i].substring(c + 1).trim()});
            }
        }
        HttpReply reply = HttpReply.of(status, sl.length > 2 ? sl[2] : "", pairs);
        Request req = requests.poll();
        long cl = contentLength(h);
        boolean outData = req != null && req.method().equals("RDG_OUT_DATA") && status == 200;
        if (status == 101) {
            client.mode = Mode.WEBSOCKET;
            server.mode = Mode.WEBSOCKET;
        } else if (outData) {
            server.mode = Mode.PACKETS;
            server.framer.expectSeed(cl >= 0 ? (int) Math.min(4096, cl) : 10, cl < 0);
        } else if (cl > 0) {
            server.bodyLeft = cl;
            server.mode = Mode.BODY;
        }
        owner.onResponse(this, req, reply, ts);
    }

    private void onResponse(GatewayObserver leg, Request req, HttpReply r, long ts) {
        String method = req == null ? "?" : req.method();
        if (exchanges.size() < MAX_EXCHANGES) {
            exchanges.add(method + (req == null || req.auth().equals("none") ? "" : " (" + req.auth() + ")") + " -> "
                    + r.status() + (r.reason() == null || r.reason().isEmpty() ? "" : " " + r.reason()));
        }
        httpEv.put("exchanges", List.copyOf(exchanges));
        if (r.first("server") != null) {
            httpEv.put("server", r.first("server"));
        }
        if (http != null || failedStage != null && failedStage != Stage.GATEWAY_HTTP) {
            return;
        }
        if (method.equals("RPC_IN_DATA")) {
            if (r.status() == 401 || r.status() == 200) {
                httpEv.put("rpcOverHttp", "/rpc/rpcproxy.dll answered " + r.status());
            }
            fail(Stage.GATEWAY_HTTP, GatewayReading.afterNotFound(r.status()), ts);
            return;
        }
        switch (r.status()) {
            case 401 -> {
                List<String> offered = GatewayReading.offeredSchemes(r);
                if (!offered.isEmpty()) {
                    // what the gateway offers to an unauthenticated request (FreeRDP starts with NEGOTIATE: the first 401)
                    if (req != null && (req.auth().equals("none") || req.auth().startsWith("PAA"))) {
                        httpEv.put("authSchemesOffered", offered);
                    } else {
                        httpEv.putIfAbsent("authSchemesOffered", offered);
                    }
                }
                if (req != null && (req.auth().equals("NTLM AUTHENTICATE") || req.auth().equals("Basic credentials"))) {
                    httpEv.put("user", user);
                    fail(Stage.GATEWAY_HTTP, GatewayReading.authRejected(req.auth(), user, leg != this), ts);
                }
            }
            case 404 -> {
                notFoundRpc = -1;
                failure = GatewayReading.afterNotFound(-1); // unless the client's RPC check says more
                failedStage = Stage.GATEWAY_HTTP;
                tFailure = ts;
            }
            case 101 -> {
                if (!GatewayReading.websocketAccepted(r, req == null ? null : req.wsKey())) {
                    httpEv.put("secWebSocketAccept", r.first("sec-websocket-accept"));
                    fail(Stage.GATEWAY_HTTP, GatewayReading.websocketRefused(), ts);
                    return;
                }
                transport = "websocket";
                httpDone("WebSocket upgrade accepted", ts);
            }
            case 200 -> {
                GatewayReading.Failure page = GatewayReading.webPage(method, r);
                if (page != null) {
                    httpEv.put("contentType", r.first("content-type"));
                    fail(Stage.GATEWAY_HTTP, page, ts);
                    return;
                }
                transport = "http (RDG_OUT_DATA + RDG_IN_DATA)";
                if (method.equals("RDG_OUT_DATA")) {
                    outAccepted = true;
                } else if (method.equals("RDG_IN_DATA")) {
                    inAccepted = true;
                }
                if (outAccepted && inAccepted) {
                    httpDone("RDG_OUT_DATA and RDG_IN_DATA accepted", ts);
                }
            }
            default -> fail(Stage.GATEWAY_HTTP, GatewayReading.httpStatus(method, r), ts);
        }
    }

    private void httpDone(String what, long ts) {
        failure = null;
        failedStage = null;
        httpEv.put("transportUsed", transport);
        String used = scheme == null ? "none" : scheme;
        httpEv.put("authUsed", used);
        String how = switch (used) {
            case "none" -> "no authentication asked";
            case "PAA" -> "PAA token scheme";
            default -> used + " authentication as " + (user == null ? "?" : user);
        };
        http = StageResult.ok(Stage.GATEWAY_HTTP, ms(tFirstRequest, ts), httpEv, what + " (" + how + ")");
    }

    private void fail(Stage st, GatewayReading.Failure f, long ts) {
        if (failure != null && failedStage != Stage.GATEWAY_HTTP) {
            return;
        }
        failure = f;
        failedStage = st;
        tFailure = ts;
    }

    // ---- RDG packets -----------------------------------------------------------------------------------

    private void packet(GatewayObserver leg, Side from, ByteBuf pkt, long ts) {
        packets++;
        int type = pkt.getUnsignedShortLE(pkt.readerIndex());
        if (type == RdgPacketType.DATA) {
            ByteBuf payload = DataPacket.payload(pkt);
            dataBytes[from.ordinal()] += payload.readableBytes();
            if (open && tunnel != null) {
                tunnel.data(from, payload, ts);
            }
            return;
        }
        RdgPacket p = RdgPacket.decode(pkt);
        if (from == Side.CLIENT) {
            int resp = GatewayReading.responseTo(type);
            if (resp >= 0) {
                awaited = resp;
            }
            if (type == RdgPacketType.HANDSHAKE_REQUEST && tHandshake < 0) {
                tHandshake = ts;
            }
            if (p instanceof ChannelCreate cc) {
                tChannelCreate = ts;
                target = (cc.resources().isEmpty() ? "?" : cc.resources().get(0)) + ":" + cc.port();
                channelEv.put("resource", cc.resources().isEmpty() ? "?" : cc.resources().get(0));
                channelEv.put("port", cc.port());
            }
            return;
        }
        if (p instanceof ServiceMessage m) {
            serviceMessages.add(m.message());
            (tunnelStage == null ? tunnelEv : channelEv).put("serviceMessages", List.copyOf(serviceMessages));
            return;
        }
        if (p instanceof CloseChannel c) {
            if (c.response()) {
                return;
            }
            Map<String, Object> ev = tunnelStage == null ? tunnelEv : channelEv;
            ev.put("closeChannel", c.status().toString());
            if (open) {
                GatewayReading.Failure f = GatewayReading.closeChannelWhileOpen(c.status(), target);
                if (f != null && closedWhileOpen == null) {
                    channelEv.put("duringTargetStage", true);
                    closedWhileOpen = f;
                }
                return;
            }
            fail(tunnelStage == null ? Stage.GATEWAY_TUNNEL : Stage.GATEWAY_CHANNEL,
                    GatewayReading.closeChannel(c, tunnelStage == null ? Stage.GATEWAY_TUNNEL : Stage.GATEWAY_CHANNEL), ts);
            return;
        }
        int rt = p.packetType();
        if (rt != RdgPacketType.HANDSHAKE_RESPONSE && rt != RdgPacketType.TUNNEL_RESPONSE
                && rt != RdgPacketType.TUNNEL_AUTH_RESPONSE && rt != RdgPacketType.CHANNEL_RESPONSE) {
            return; // keepalive, reauth, extended auth: no stage result
        }
        Stage st = GatewayReading.stageOf(rt);
        Map<String, Object> ev = st == Stage.GATEWAY_CHANNEL ? channelEv : tunnelEv;
        if (awaited >= 0 && rt != awaited) {
            ev.put("unexpectedPacket", RdgPacketType.name(rt));
            fail(st, GatewayReading.unexpected(awaited, rt), ts);
            return;
        }
        awaited = -1;
        GatewayReading.Failure f = GatewayReading.response(p, ev, target);
        if (f != null) {
            fail(st, f, ts);
            return;
        }
        if (rt == RdgPacketType.TUNNEL_AUTH_RESPONSE) {
            tunnelStage = StageResult.ok(Stage.GATEWAY_TUNNEL, ms(tHandshake, ts), tunnelEv, GatewayReading.tunnelOk(tunnelEv));
        } else if (rt == RdgPacketType.CHANNEL_RESPONSE) {
            channel = StageResult.ok(Stage.GATEWAY_CHANNEL, ms(tChannelCreate, ts), channelEv,
                    GatewayReading.channelOk(channelEv, target));
            open = true;
            if (tunnel != null) {
                tunnel.open(target, ts);
            }
        }
    }

    private GatewayReading.Failure closedWhileOpen;

    private void malformed(Side side, DecodeException e, long ts) {
        Map<String, Object> ev = http == null ? httpEv : tunnelStage == null ? tunnelEv : channelEv;
        ev.put("layer", e.layer().name());
        ev.put("field", e.field());
        ev.put("offset", e.offset());
        ev.put("error", e.getMessage());
        malformed = side.lower() + ": " + e.getMessage();
        if (side == Side.SERVER && !open) {
            fail(http == null ? Stage.GATEWAY_HTTP : tunnelStage == null ? Stage.GATEWAY_TUNNEL : Stage.GATEWAY_CHANNEL,
                    GatewayReading.malformed("the gateway's packet is not valid MS-TSGU: " + e.getMessage()), ts);
        }
    }

    // ---- results ---------------------------------------------------------------------------------------

    /** What a stage that has no result yet waits for: the capture's close or end then decides (ReportBuilder). */
    public record Pending(Stage stage, long since, Map<String, Object> evidence, String waitingFor, boolean afterAuthenticate) {}

    /**
     * The gateway stages seen: results in order, ending with a failure or with {@link #pending()} for the first
     * stage without one.
     */
    public List<StageResult> results() {
        List<StageResult> out = new ArrayList<>();
        for (Stage st : new Stage[] {Stage.GATEWAY_HTTP, Stage.GATEWAY_TUNNEL, Stage.GATEWAY_CHANNEL}) {
            StageResult ok = st == Stage.GATEWAY_HTTP ? http : st == Stage.GATEWAY_TUNNEL ? tunnelStage : channel;
            if (failure != null && failedStage == st) {
                Map<String, Object> ev = st == Stage.GATEWAY_HTTP ? httpEv : st == Stage.GATEWAY_TUNNEL ? tunnelEv : channelEv;
                long since = st == Stage.GATEWAY_HTTP ? tFirstRequest : st == Stage.GATEWAY_TUNNEL ? tHandshake : tChannelCreate;
                out.add(new StageResult(st, io.rdpprobe.probe.model.Status.FAILED, ms(since, tFailure), ev, failure.cause(),
                        failure.summary(), failure.inferred()));
                return out;
            }
            if (ok == null) {
                return out;
            }
            out.add(ok);
        }
        return out;
    }

    /** The gateway closed the channel while the target's stages ran (its own HRESULT), or null. */
    public StageResult closedDuringTarget() {
        if (closedWhileOpen == null) {
            return null;
        }
        return new StageResult(Stage.GATEWAY_CHANNEL, io.rdpprobe.probe.model.Status.FAILED, 0, channelEv,
                closedWhileOpen.cause(), closedWhileOpen.summary(), false);
    }

    /** The first gateway stage without a result, or null when all three have one (or one failed). */
    public Pending pending() {
        List<StageResult> r = results();
        if (!r.isEmpty() && r.get(r.size() - 1).status() == io.rdpprobe.probe.model.Status.FAILED) {
            return null;
        }
        switch (r.size()) {
            case 0 -> {
                String w;
                if (!requests.isEmpty()) {
                    Request q = requests.peekLast();
                    w = "the gateway's HTTP answer to " + q.method() + (q.auth().equals("none") ? "" : " (" + q.auth() + ")");
                } else if (outAccepted && !inAccepted) {
                    w = "the RDG_IN_DATA connection" + (pairedIn == null ? " (none paired by RDG-Connection-Id in the capture)" : "");
                } else {
                    w = "the client's RDG_OUT_DATA request";
                }
                boolean afterAuth = !requests.isEmpty() && requests.peekLast().auth().equals("NTLM AUTHENTICATE");
                return new Pending(Stage.GATEWAY_HTTP, tFirstRequest, httpEv, w, afterAuth);
            }
            case 1 -> {
                return new Pending(Stage.GATEWAY_TUNNEL, tHandshake >= 0 ? tHandshake : -1, tunnelEv, awaited >= 0
                        ? RdgPacketType.name(awaited) : "the client's HANDSHAKE_REQUEST", false);
            }
            case 2 -> {
                return new Pending(Stage.GATEWAY_CHANNEL, tChannelCreate, channelEv, awaited >= 0
                        ? RdgPacketType.name(awaited) : "the client's CHANNEL_CREATE", false);
            }
            default -> {
                return null;
            }
        }
    }

    /** Facts for the capture section: transport, packets, DATA bytes per side. */
    public Map<String, Object> facts() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (transport != null) m.put("transport", transport);
        if (connectionId != null) m.put("connectionId", connectionId);
        m.put("rdgPackets", packets + (pairedIn != null ? pairedIn.packets : 0));
        m.put("dataBytesClient", dataBytes[0]);
        m.put("dataBytesServer", dataBytes[1]);
        if (malformed != null) m.put("malformed", malformed);
        return m;
    }

    // ---- byte streams ----------------------------------------------------------------------------------

    private enum Mode { HEAD, BODY, CHUNKED, WEBSOCKET, PACKETS, DONE }

    /** One side's plaintext: HTTP heads and bodies, then WebSocket frames, a raw packet stream or chunks. */
    private final class Dir {
        final Side side;
        Mode mode = Mode.HEAD;
        long bodyLeft;
        ByteBuf acc = Unpooled.buffer(0);
        /** The RDG packet stream (reassembled from frames, chunks or raw bytes). */
        ByteBuf pkts = Unpooled.buffer(0);
        final RdgStreamFramer framer = new RdgStreamFramer();
        long ts;

        Dir(Side side) {
            this.side = side;
        }

        void feed(ByteBuf data, long ts) {
            this.ts = ts;
            if (mode == Mode.DONE) {
                return;
            }
            acc.writeBytes(data);
            try {
                process();
            } catch (DecodeException e) {
                owner.malformed(side, e, ts);
                stop();
            } catch (RuntimeException e) {
                owner.malformed(side, DecodeException.invalid(io.rdpprobe.protocol.codec.Layer.RDG, "stream", 0,
                        String.valueOf(e.getMessage())), ts);
                stop();
            }
            compact(acc);
            compact(pkts);
        }

        private void compact(ByteBuf b) {
            if (!b.isReadable()) {
                b.clear();
            } else if (b.readerIndex() > 8192) {
                b.discardReadBytes();
            }
        }

        void stop() {
            mode = Mode.DONE;
            acc = Unpooled.EMPTY_BUFFER;
            pkts = Unpooled.EMPTY_BUFFER;
        }

        private void process() {
            while (mode != Mode.DONE && acc.isReadable()) {
                switch (mode) {
                    case HEAD -> {
                        int end = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(CRLFCRLF), acc);
                        if (end < 0) {
                            if (acc.readableBytes() > MAX_HEAD) {
                                throw DecodeException.badLength(io.rdpprobe.protocol.codec.Layer.RDG, "http.head", 0,
                                        "an HTTP head longer than " + MAX_HEAD + " bytes");
                            }
                            return;
                        }
                        String head = acc.toString(acc.readerIndex(), end - acc.readerIndex(), StandardCharsets.ISO_8859_1);
                        acc.readerIndex(end + 4);
                        if (side == Side.CLIENT) {
                            request(head, ts);
                        } else {
                            response(head, ts);
                        }
                    }
                    case BODY -> {
                        int n = (int) Math.min(bodyLeft, acc.readableBytes());
                        acc.skipBytes(n);
                        bodyLeft -= n;
                        if (bodyLeft == 0) {
                            mode = Mode.HEAD;
                        }
                    }
                    case CHUNKED -> {
                        if (bodyLeft > 0) {
                            int n = (int) Math.min(bodyLeft, acc.readableBytes());
                            pkts.writeBytes(acc, n);
                            bodyLeft -= n;
                            packets();
                            if (bodyLeft == 0) {
                                bodyLeft = -2; // the CRLF after the chunk
                            }
                            continue;
                        }
                        if (bodyLeft == -2) {
                            if (acc.readableBytes() < 2) {
                                return;
                            }
                            acc.skipBytes(2);
                            bodyLeft = 0;
                            continue;
                        }
                        int eol = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(CRLF), acc);
                        if (eol < 0) {
                            if (acc.readableBytes() > 64) {
                                throw DecodeException.badLength(io.rdpprobe.protocol.codec.Layer.RDG, "http.chunk-size", 0,
                                        "a chunk-size line longer than 64 bytes");
                            }
                            return;
                        }
                        String line = acc.toString(acc.readerIndex(), eol - acc.readerIndex(), StandardCharsets.ISO_8859_1);
                        acc.readerIndex(eol + 2);
                        int semi = line.indexOf(';');
                        long size;
                        try {
                            size = Long.parseLong((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
                        } catch (NumberFormatException e) {
                            throw DecodeException.unexpected(io.rdpprobe.protocol.codec.Layer.RDG, "http.chunk-size", 0,
                                    "not a hexadecimal chunk size: " + line);
                        }
                        if (size == 0) {
                            mode = Mode.DONE;
                            return;
                        }
                        bodyLeft = size;
                    }
                    case WEBSOCKET -> {
                        if (!frame()) {
                            return;
                        }
                    }
                    case PACKETS -> {
                        pkts.writeBytes(acc);
                        packets();
                    }
                    default -> {
                        return;
                    }
                }
            }
        }

        /** One WebSocket frame (RFC 6455 5.2), or false when it is not all here. */
        private boolean frame() {
            int r = acc.readerIndex();
            if (acc.readableBytes() < 2) {
                return false;
            }
            int b0 = acc.getUnsignedByte(r);
            int b1 = acc.getUnsignedByte(r + 1);
            int opcode = b0 & 0x0F;
            boolean masked = (b1 & 0x80) != 0;
            long len = b1 & 0x7F;
            int off = 2;
            if (len == 126) {
                if (acc.readableBytes() < 4) return false;
                len = acc.getUnsignedShort(r + 2);
                off = 4;
            } else if (len == 127) {
                if (acc.readableBytes() < 10) return false;
                len = acc.getLong(r + 2);
                off = 10;
            }
            if (len < 0 || len > MAX_WS_PAYLOAD) {
                throw DecodeException.badLength(io.rdpprobe.protocol.codec.Layer.RDG, "websocket.payloadLength", 1,
                        "a WebSocket frame of " + len + " bytes (more than " + MAX_WS_PAYLOAD + ")");
            }
            int maskAt = off;
            if (masked) off += 4;
            if (acc.readableBytes() < off + len) {
                return false;
            }
            int start = r + off;
            if (opcode == 0 || opcode == 2) {
                int w = pkts.writerIndex();
                pkts.writeBytes(acc, start, (int) len);
                if (masked) {
                    for (int i = 0; i < len; i++) {
                        pkts.setByte(w + i, pkts.getByte(w + i) ^ acc.getByte(r + maskAt + (i & 3)));
                    }
                }
            } else if (opcode == 8) {
                mode = Mode.DONE;
            }
            acc.readerIndex(start + (int) len);
            if (opcode == 0 || opcode == 2) {
                packets();
            }
            return true;
        }

        private void packets() {
            while (pkts.isReadable()) {
                int len = framer.next(pkts);
                if (len == RdgHeader.NEED_MORE) {
                    return;
                }
                ByteBuf p = pkts.readSlice(len);
                owner.packet(GatewayObserver.this, side, p, ts);
            }
        }
    }

    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};
    private static final byte[] CRLF = {'\r', '\n'};

    private static Map<String, String> headers(String[] lines) {
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) {
                h.putIfAbsent(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
            }
        }
        return h;
    }

    private static long contentLength(Map<String, String> h) {
        String v = h.get("content-length");
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long ms(long from, long to) {
        return from < 0 || to < 0 ? 0 : Math.max(0, (to - from) / 1_000_000L);
    }

    static String at(long ts) {
        return io.rdpprobe.report.IsoInstant.format(ts);
    }
}
