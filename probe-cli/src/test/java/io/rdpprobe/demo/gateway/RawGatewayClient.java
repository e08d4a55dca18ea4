package io.rdpprobe.demo.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.rdpprobe.protocol.ntlm.NegotiateFlags;
import io.rdpprobe.protocol.ntlm.NtlmCrypto;
import io.rdpprobe.protocol.ntlm.NtlmInitiator;
import io.rdpprobe.protocol.ntlm.NtlmVersion;
import io.rdpprobe.protocol.rdg.RdgHeader;
import io.rdpprobe.protocol.rdg.RdgPacket;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A scripted gateway client for the tests: a blocking (TLS) socket that writes HTTP requests and RDG packets
 * built with the protocol codec, and reads what the gateway answers. WebSocket frames are made and parsed with
 * Netty's frame codec in an {@link EmbeddedChannel} (client side: masked).
 */
final class RawGatewayClient implements AutoCloseable {
    /** An HTTP response: status, headers (lower-case names), body (by Content-Length; empty without). */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> l = headers.get(name.toLowerCase(Locale.ROOT));
            return l == null || l.isEmpty() ? null : l.get(0);
        }

        List<String> all(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private EmbeddedChannel wsEncoder;
    private EmbeddedChannel wsDecoder;
    private final ByteBuf pending = Unpooled.buffer();

    private RawGatewayClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000); // a safety net against a hang, not a measurement
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static RawGatewayClient tls(int port) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {}
            public void checkServerTrusted(X509Certificate[] c, String a) {}
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, new SecureRandom());
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        s.startHandshake();
        return new RawGatewayClient(s);
    }

    static RawGatewayClient plain(int port) throws IOException {
        return new RawGatewayClient(new Socket("127.0.0.1", port));
    }

    void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    void request(String method, String path, Map<String, String> headers) throws IOException {
        StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    void raw(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    Response response() throws IOException {
        String status = line();
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (String l = line(); !l.isEmpty(); l = line()) {
            int c = l.indexOf(':');
            h.computeIfAbsent(l.substring(0, c).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(l.substring(c + 1).trim());
        }
        List<String> cl = h.get("content-length");
        byte[] body = cl == null ? new byte[0] : read(Integer.parseInt(cl.get(0)));
        return new Response(Integer.parseInt(status.split(" ")[1]), h, body);
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed in an HTTP header; got " + b);
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    byte[] read(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("wanted " + n + " bytes, got " + b.length);
        }
        return b;
    }

    /** True when the peer closed (EOF or reset) before sending anything more. */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Whether nothing arrives within the socket timeout (and the connection stays open). */
    boolean silent() throws IOException {
        try {
            in.read();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    // ---------------------------------------------------------------- NTLM over HTTP

    /**
     * The NTLM (or raw-NTLM Negotiate) exchange for one request: NEGOTIATE, 401 with the CHALLENGE, AUTHENTICATE;
     * returns the CHALLENGE bytes and the final response.
     */
    record NtlmRun(byte[] challenge, Response last) {}

    NtlmRun ntlm(String scheme, String method, Map<String, String> headers, String user, String domain, String password)
            throws IOException {
        NtlmInitiator ntlm = new NtlmInitiator(user, domain, NtlmCrypto.ntHash(password.toCharArray()), "TESTWS", null,
                new NtlmVersion(10, 0, 19041, 15), NegotiateFlags.CREDSSP_CLIENT);
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Authorization", scheme + " " + Base64.getEncoder().encodeToString(ntlm.negotiate()));
        request(method, GatewayConnection.PATH, h);
        Response r = response();
        if (r.status() != 401) {
            throw new IllegalStateException("expected 401 with a CHALLENGE, got " + r.status());
        }
        String www = r.header("WWW-Authenticate");
        byte[] challenge = Base64.getDecoder().decode(www.substring(www.indexOf(' ') + 1));
        byte[] cc = new byte[8];
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(cc);
        new SecureRandom().nextBytes(key);
        byte[] auth = ntlm.authenticate(challenge, cc, key, System.currentTimeMillis()).authenticateBytes();
        h.put("Authorization", scheme + " " + Base64.getEncoder().encodeToString(auth));
        request(method, GatewayConnection.PATH, h);
        return new NtlmRun(challenge, method.equals(GatewayConnection.OUT) && !h.containsKey("Upgrade")
                ? statusOnly() : response());
    }

    /** The legacy OUT channel's 200 has no length: read the status and headers only. */
    Response statusOnly() throws IOException {
        String status = line();
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (String l = line(); !l.isEmpty(); l = line()) {
            int c = l.indexOf(':');
            h.computeIfAbsent(l.substring(0, c).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(l.substring(c + 1).trim());
        }
        return new Response(Integer.parseInt(status.split(" ")[1]), h, new byte[0]);
    }

    // ---------------------------------------------------------------- RDG packets

    static byte[] bytes(RdgPacket p) {
        ByteBuf b = Unpooled.buffer();
        p.encode(b);
        return ByteBufUtil.getBytes(b);
    }

    /** One raw packet from the stream (legacy OUT channel): header, then the rest. */
    RdgPacket rawPacket() throws IOException {
        byte[] h = read(RdgHeader.SIZE);
        ByteBuf b = Unpooled.wrappedBuffer(h);
        int len = RdgHeader.frameLength(b, RdgTunnel.MAX_PACKET);
        ByteBuf all = Unpooled.buffer(len).writeBytes(h).writeBytes(read(len - RdgHeader.SIZE));
        return RdgPacket.decode(all);
    }

    /** A chunk of the IN channel's chunked body (RFC 9112 7.1). */
    void chunk(byte[] data) throws IOException {
        raw((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        raw("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    // ---------------------------------------------------------------- WebSocket (Netty's codec, client side)

    void websocket() {
        wsEncoder = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
        wsDecoder = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
    }

    /** One masked binary frame holding {@code data} (any number of packets, or part of one). */
    void frame(byte[] data) throws IOException {
        wsEncoder.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)));
        for (ByteBuf b; (b = wsEncoder.readOutbound()) != null; ) {
            out.write(ByteBufUtil.getBytes(b));
            b.release();
        }
        out.flush();
    }

    void closeFrame() throws IOException {
        wsEncoder.writeOutbound(new CloseWebSocketFrame(1000, null));
        for (ByteBuf b; (b = wsEncoder.readOutbound()) != null; ) {
            out.write(ByteBufUtil.getBytes(b));
            b.release();
        }
        out.flush();
    }

    /** The next packet from WebSocket binary frames, reassembled; null on a close frame or EOF. */
    RdgPacket wsPacket() throws IOException {
        while (true) {
            if (pending.readableBytes() >= RdgHeader.SIZE) {
                int len = RdgHeader.frameLength(pending, Integer.MAX_VALUE);
                if (pending.readableBytes() >= len) {
                    RdgPacket p = RdgPacket.decode(pending);
                    pending.discardReadBytes();
                    return p;
                }
            }
            WebSocketFrame f = wsDecoder.readInbound();
            if (f != null) {
                try {
                    if (f instanceof CloseWebSocketFrame) {
                        return null;
                    }
                    pending.writeBytes(f.content());
                } finally {
                    f.release();
                }
                continue;
            }
            byte[] buf = new byte[16384];
            int n = in.read(buf);
            if (n < 0) {
                return null;
            }
            wsDecoder.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
        }
    }

    /** The bytes of the next frames until {@code n} bytes arrived (for raw fault packets). */
    byte[] wsBytes(int n) throws IOException {
        while (pending.readableBytes() < n) {
            WebSocketFrame f = wsDecoder.readInbound();
            if (f != null) {
                pending.writeBytes(f.content());
                f.release();
                continue;
            }
            byte[] buf = new byte[16384];
            int r = in.read(buf);
            if (r < 0) {
                throw new EOFException();
            }
            wsDecoder.writeInbound(Unpooled.copiedBuffer(buf, 0, r));
        }
        byte[] b = new byte[n];
        pending.readBytes(b);
        return b;
    }

    @Override
    public void close() throws IOException {
        if (socket.isClosed()) {
            return;
        }
        if (wsEncoder != null) {
            wsEncoder.finishAndReleaseAll();
            wsDecoder.finishAndReleaseAll();
        }
        pending.release();
        socket.close();
    }
}
