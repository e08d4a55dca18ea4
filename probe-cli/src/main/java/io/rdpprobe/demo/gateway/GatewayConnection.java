package io.rdpprobe.demo.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The HTTP side of one gateway connection (MS-TSGU 3.3.5.1): routes the request, runs the HTTP authentication,
 * and turns the connection into a WebSocket tunnel, a legacy OUT channel or a legacy IN channel.
 */
final class GatewayConnection extends ChannelInboundHandlerAdapter {
    static final String DECODER = "http-decoder";
    static final String ENCODER = "http-encoder";
    static final String PATH = "/remoteDesktopGateway/";
    static final String RPC_PATH = "/rpc/rpcproxy.dll";
    static final String OUT = "RDG_OUT_DATA";
    static final String IN = "RDG_IN_DATA";
    /** RFC 6455 1.3. */
    private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** FreeRDP reads 10 bytes of the OUT channel's seed body (rdg.c), as rdpgw and Windows send. */
    static final int SEED_LENGTH = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum Kind { HTTP, WEBSOCKET, LEGACY_OUT, LEGACY_IN, DONE }

    private final DemoGateway gateway;
    private final GatewayConfig config;
    private final HttpAuthenticator auth;
    private final String label;
    private Kind kind = Kind.HTTP;
    private RdgTunnel tunnel;
    /** What to do once the request's body has ended. */
    private Runnable onRequestEnd;
    /** Whether the current request's body is the IN channel's packet stream. */
    private boolean bodyIsStream;

    GatewayConnection(DemoGateway gateway, String label) {
        this.gateway = gateway;
        this.config = gateway.config();
        this.auth = new HttpAuthenticator(config);
        this.label = label;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest req) {
                onRequest(ctx, req);
            }
            if (msg instanceof HttpContent c) {
                if (bodyIsStream && tunnel != null) {
                    tunnel.onClientBytes(c.content());
                }
                if (msg instanceof LastHttpContent) {
                    bodyIsStream = false;
                    Runnable r = onRequestEnd;
                    onRequestEnd = null;
                    if (r != null) {
                        r.run();
                    }
                }
            } else if (msg instanceof WebSocketFrame f) {
                onFrame(ctx, f);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest req) {
        String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        gateway.log(label + " < " + req.method() + " " + req.uri() + " " + req.protocolVersion());
        for (Map.Entry<String, String> h : req.headers()) {
            boolean secret = h.getKey().equalsIgnoreCase("Authorization");
            gateway.log(label + " <   " + h.getKey() + ": " + (secret ? HttpAuthenticator.redact(h.getValue()) : h.getValue()));
        }
        if (req.decoderResult().isFailure()) {
            // e.g. a TLS ClientHello on the plain-HTTP port: IIS/http.sys answers 400 and closes
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "text/html", html("Bad Request"), true, Map.of());
            return;
        }
        if (kind == Kind.LEGACY_IN && tunnel != null && IN.equals(req.method().name())) {
            // FreeRDP sends the request line again with Transfer-Encoding: chunked; the body is the packet stream
            bodyIsStream = true;
            return;
        }
        if (kind != Kind.HTTP) {
            onRequestEnd = () -> ctx.close();
            return;
        }
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        String path = q.path();
        String method = req.method().name();
        if (config.fault() == GatewayFault.HTML) {
            whenEnded(() -> respond(ctx, HttpResponseStatus.OK, "text/html", html("Welcome") , false, Map.of()));
            return;
        }
        if (config.fault() == GatewayFault.RPC_ONLY) {
            if (path.equalsIgnoreCase(RPC_PATH) && (method.equals("RPC_IN_DATA") || method.equals("RPC_OUT_DATA"))) {
                HttpAuthenticator.Decision d = auth.onRequest(authorization);
                whenEnded(() -> {
                    if (d instanceof HttpAuthenticator.Challenge c) {
                        unauthorized(ctx, c);
                    } else {
                        // RPC over HTTP (MS-RPCH) is not implemented: the RTS exchange would start here
                        respond(ctx, HttpResponseStatus.OK, "application/rpc", new byte[0], true, Map.of());
                    }
                });
            } else {
                whenEnded(() -> respond(ctx, HttpResponseStatus.NOT_FOUND, "text/html", html("Not Found"), false, Map.of()));
            }
            return;
        }
        if (!path.equalsIgnoreCase(PATH)) {
            whenEnded(() -> respond(ctx, HttpResponseStatus.NOT_FOUND, "text/html", html("Not Found"), false, Map.of()));
            return;
        }
        if (!method.equals(OUT) && !method.equals(IN)) {
            whenEnded(() -> respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/html", html("Method Not Allowed"),
                    false, Map.of("Allow", OUT + ", " + IN)));
            return;
        }
        String connectionId = header(req, q, "RDG-Connection-Id", "ConId");
        String authScheme = header(req, q, "RDG-Auth-Scheme", "AuthS");
        boolean paa = !config.paaTokens().isEmpty() && ("PAA".equalsIgnoreCase(authScheme)
                || "PAA".equalsIgnoreCase(authorization == null ? null : authorization.trim()));
        HttpAuthenticator.Decision d = paa ? new HttpAuthenticator.Authenticated(null, null, null)
                : auth.onRequest(authorization);
        if (d instanceof HttpAuthenticator.Challenge c) {
            gateway.log(label + " 401: " + c.reason());
            whenEnded(() -> unauthorized(ctx, c));
            return;
        }
        HttpAuthenticator.Authenticated a = (HttpAuthenticator.Authenticated) d;
        gateway.log(label + " authenticated: " + (paa ? "PAA (the cookie is checked in TUNNEL_CREATE)"
                : a.user() + " (" + a.scheme().token() + ")"));
        boolean upgrade = "websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE));
        if (method.equals(OUT)) {
            if (upgrade && config.websocket()) {
                String key = req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
                whenEnded(() -> upgrade(ctx, key, a, paa));
            } else if (config.legacy()) {
                whenEnded(() -> legacyOut(ctx, connectionId, a, paa));
            } else {
                whenEnded(() -> respond(ctx, HttpResponseStatus.BAD_REQUEST, "text/html", html("Bad Request"), true, Map.of()));
            }
            return;
        }
        // RDG_IN_DATA
        RdgTunnel t = connectionId == null ? null : gateway.legacy(connectionId);
        if (!config.legacy() || t == null || t.closed()) {
            gateway.log(label + " RDG_IN_DATA without an RDG_OUT_DATA channel for " + connectionId);
            whenEnded(() -> respond(ctx, HttpResponseStatus.BAD_REQUEST, "text/html", html("Bad Request"), true, Map.of()));
            return;
        }
        kind = Kind.LEGACY_IN;
        tunnel = t;
        t.addClientChannel(ctx.channel());
        HttpResponse rsp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        rsp.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        finalToken(rsp.headers(), a);
        ctx.writeAndFlush(rsp);
        gateway.log(label + " > 200 OK (IN channel of " + connectionId + ")");
        // a client may stream the packets in this request's own body (chunked), or send a new chunked request
        bodyIsStream = true;
    }

    private void whenEnded(Runnable r) {
        onRequestEnd = r;
    }

    private static String header(HttpRequest req, QueryStringDecoder q, String name, String queryName) {
        String v = req.headers().get(name);
        if (v == null) {
            List<String> l = q.parameters().get(queryName);
            v = l == null || l.isEmpty() ? null : l.get(0);
        }
        return v;
    }

    private void unauthorized(ChannelHandlerContext ctx, HttpAuthenticator.Challenge c) {
        FullHttpResponse rsp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED);
        for (String w : c.wwwAuthenticate()) {
            rsp.headers().add(HttpHeaderNames.WWW_AUTHENTICATE, w);
        }
        rsp.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        if (c.close()) {
            rsp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        gateway.log(label + " > 401 " + (c.close() ? "(closing: " + c.reason() + ")" : "") + " WWW-Authenticate: "
                + c.wwwAuthenticate().stream().map(w -> w.length() > 40 ? w.substring(0, w.indexOf(' ')) + " <challenge>" : w).toList());
        var f = ctx.writeAndFlush(rsp);
        if (c.close()) {
            kind = Kind.DONE;
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static void finalToken(HttpHeaders h, HttpAuthenticator.Authenticated a) {
        if (a.finalToken() != null) {
            h.set(HttpHeaderNames.WWW_AUTHENTICATE, a.finalToken());
        }
    }

    /** RFC 6455 4.2.2: 101 with Sec-WebSocket-Accept, then Netty's frame codec replaces the HTTP codec. */
    private void upgrade(ChannelHandlerContext ctx, String key, HttpAuthenticator.Authenticated a, boolean paa) {
        if (key == null || key.isBlank()) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "text/html", html("Bad Request"), true, Map.of());
            return;
        }
        HttpResponse rsp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        rsp.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, accept(key));
        finalToken(rsp.headers(), a);
        ctx.writeAndFlush(rsp);
        gateway.log(label + " > 101 Switching Protocols (WebSocket)");
        var p = ctx.pipeline();
        p.replace(ENCODER, "ws-encoder", new WebSocket13FrameEncoder(false));
        p.replace(DECODER, "ws-decoder", new WebSocket13FrameDecoder(true, false, 2 * RdgTunnel.MAX_PACKET));
        kind = Kind.WEBSOCKET;
        tunnel = new RdgTunnel(gateway, ctx.channel(), true, a.user(), paa, label);
    }

    static String accept(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest((key.trim() + WS_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** MS-TSGU 3.3.5.1: 200 without a length and a random seed body; the channel then carries raw packets. */
    private void legacyOut(ChannelHandlerContext ctx, String connectionId, HttpAuthenticator.Authenticated a, boolean paa) {
        if (connectionId == null) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "text/html", html("Bad Request"), true, Map.of());
            return;
        }
        HttpResponse rsp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        finalToken(rsp.headers(), a);
        ctx.write(rsp);
        ctx.pipeline().remove(ENCODER);
        byte[] seed = new byte[SEED_LENGTH];
        RANDOM.nextBytes(seed);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(seed));
        gateway.log(label + " > 200 OK + " + SEED_LENGTH + "-byte seed (OUT channel of " + connectionId + ")");
        kind = Kind.LEGACY_OUT;
        tunnel = new RdgTunnel(gateway, ctx.channel(), false, a.user(), paa, label);
        gateway.registerLegacy(connectionId, tunnel);
    }

    private void onFrame(ChannelHandlerContext ctx, WebSocketFrame f) {
        if (f instanceof BinaryWebSocketFrame || f instanceof ContinuationWebSocketFrame) {
            tunnel.onClientBytes(f.content());
        } else if (f instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(f.content().retain()));
        } else if (f instanceof CloseWebSocketFrame) {
            tunnel.close("client WebSocket close");
        } else if (!(f instanceof PongWebSocketFrame)) {
            tunnel.close("text frame");
        }
    }

    private static byte[] html(String title) {
        return ("<!DOCTYPE html>\r\n<html><head><title>" + title + "</title></head><body><h1>" + title
                + "</h1></body></html>\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String type, byte[] body, boolean close,
                         Map<String, String> extra) {
        FullHttpResponse rsp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        rsp.headers().set(HttpHeaderNames.CONTENT_TYPE, type).set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        extra.forEach(rsp.headers()::set);
        if (close) {
            rsp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        gateway.log(label + " > " + status);
        var fut = ctx.writeAndFlush(rsp);
        if (close) {
            kind = Kind.DONE;
            fut.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (tunnel != null && kind != Kind.LEGACY_IN) {
            tunnel.outWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (tunnel != null) {
            tunnel.close("client connection closed");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        gateway.log(label + " error: " + cause);
        ctx.close();
    }

}
