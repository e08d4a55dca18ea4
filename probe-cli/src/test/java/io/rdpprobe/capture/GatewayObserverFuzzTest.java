package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.capture.RdpConnection.Side;
import io.rdpprobe.probe.model.StageResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Jazzer target for the capture-side RD Gateway observer: a WebSocket or two-connection HTTP prelude chosen by the
 * first byte, then the input as both sides' decrypted plaintext, cut into pieces the input picks. Whatever the bytes,
 * no exception may escape, the results stay readable and no stage blames PROBE_INTERNAL_ERROR.
 */
class GatewayObserverFuzzTest {
    static final String WS_REQ = "RDG_OUT_DATA /remoteDesktopGateway/ HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nRDG-Connection-Id: {x}\r\nContent-Length: 0\r\n\r\n";
    static final String WS_101 = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Accept: ICX+Yqv66kxgM0FcWaLWlFLwTAI=\r\n\r\n";
    static final String OUT_REQ = "RDG_OUT_DATA /remoteDesktopGateway/ HTTP/1.1\r\nRDG-Connection-Id: {x}\r\nContent-Length: 0\r\n\r\n";
    static final String OUT_200 = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";
    static final String IN_REQ = "RDG_IN_DATA /remoteDesktopGateway/ HTTP/1.1\r\nRDG-Connection-Id: {x}\r\nTransfer-Encoding: chunked\r\n\r\n";

    @FuzzTest
    void gatewayPlaintext(byte[] in) {
        if (in.length < 3) return;
        GatewayObserver.Registry reg = new GatewayObserver.Registry();
        GatewayObserver.Tunnel sink = new GatewayObserver.Tunnel() {
            @Override public void open(String target, long ts) { }
            @Override public void data(Side from, ByteBuf payload, long ts) { payload.skipBytes(payload.readableBytes()); }
        };
        GatewayObserver out = new GatewayObserver(reg, sink);
        GatewayObserver inLeg = new GatewayObserver(reg, sink);
        int mode = in[0] & 3;
        long ts = 1;
        if (mode == 0 || mode == 1) {
            out.client(buf(WS_REQ), ts++);
            if (mode == 1) out.server(buf(WS_101), ts++);
        } else {
            out.client(buf(OUT_REQ), ts++);
            out.server(buf(OUT_200), ts++);
            inLeg.client(buf(IN_REQ), ts++);
        }
        byte[] rest = Arrays.copyOfRange(in, 3, in.length);
        int cut = rest.length == 0 ? 0 : (in[1] & 0xFF) % (rest.length + 1);
        GatewayObserver clientSide = mode >= 2 ? inLeg : out;
        for (byte[] piece : new byte[][] {Arrays.copyOf(rest, cut), Arrays.copyOfRange(rest, cut, rest.length)}) {
            if ((in[2] & 1) == 0) {
                clientSide.client(Unpooled.wrappedBuffer(piece), ts++);
            }
            out.server(Unpooled.wrappedBuffer(piece), ts++);
        }
        for (StageResult s : out.results()) {
            assertThat(s.cause() == null ? "" : s.cause().code()).isNotEqualTo("PROBE_INTERNAL_ERROR");
        }
        out.pending();
        out.facts();
        out.closedDuringTarget();
    }

    private static ByteBuf buf(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
