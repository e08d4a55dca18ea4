package io.rdpprobe.probe.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;
import io.rdpprobe.capture.ProbeCaptureFile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * {@code --capture}: the first handler of a probe connection (closest to the socket, so TLS stays encrypted) turns
 * the connection's events into TCP packets of a {@link ProbeCaptureFile}. When the file embeds TLS secrets, a TLS
 * handshake on this connection ({@link BcTlsHandler}, found through {@link #SECRETS}) holds the connection's packets
 * back until it ends; then its key log lines go out first, as a Decryption Secrets Block, and the held packets after
 * it, so that a reader that takes secrets only for later packets (tshark, Wireshark) has them before the ServerHello. Each close is recorded from the side that
 * started it: the probe's own {@code close()} is the client's FIN (with the probe's stop reason from
 * {@link #STOP_REASON} as the packet comment), a reset reported by the socket is the server's RST, and an end of
 * stream the probe did not ask for is the server's FIN (then the client's). Not sharable: one per connection.
 */
public final class CaptureTap extends ChannelDuplexHandler {
    /** Set by the driver before it closes: why the probe ends the connection (the capture's stop marker). */
    public static final AttributeKey<String> STOP_REASON = AttributeKey.valueOf("rdp-probe.stopReason");
    /** Set on the channel when its capture embeds TLS secrets: where a TLS handler on it sends them. */
    public static final AttributeKey<SecretsHold> SECRETS = AttributeKey.valueOf("rdp-probe.captureSecrets");

    /**
     * A connection's capture, seen from a TLS handshake on it: {@link #hold()} when the handshake starts,
     * {@link #line} for each key log line, {@link #release()} when it ended (success or not). Event loop only.
     */
    public interface SecretsHold {
        void hold();

        void line(String keyLogLine);

        void release();
    }

    private record Held(long ts, boolean fromClient, long seq, long ack, int flags, byte[] payload, String comment) {}

    private final java.util.List<Held> held = new java.util.ArrayList<>();
    private final java.util.List<String> lines = new java.util.ArrayList<>();
    private int holds;

    private static final int FIN = 0x01;
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int PSH = 0x08;
    private static final int ACK = 0x10;
    private static final int MAX_SEGMENT = 65495;

    private final ProbeCaptureFile file;
    private byte[] clientIp;
    private byte[] serverIp;
    private int clientPort;
    private int serverPort;
    private long clientSeq = 1;
    private long serverSeq = 1;
    private boolean active;
    private boolean closed;

    public CaptureTap(ProbeCaptureFile file) {
        this.file = file;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (file.embedsSecrets()) {
            ctx.channel().attr(SECRETS).set(new SecretsHold() {
                @Override
                public void hold() {
                    holds++;
                }

                @Override
                public void line(String keyLogLine) {
                    lines.add(keyLogLine);
                }

                @Override
                public void release() {
                    if (holds > 0 && --holds == 0) {
                        drain();
                    }
                }
            });
        }
    }

    /** The secrets gathered so far (one block), then the packets held back for them. */
    private void drain() {
        if (!lines.isEmpty()) {
            file.secrets(lines);
            lines.clear();
        }
        for (Held h : held) {
            packet(h.ts, h.fromClient, h.seq, h.ack, h.flags, h.payload, h.comment);
        }
        held.clear();
    }

    /** Ends any hold: the connection closes (secrets of a handshake cut short included). */
    private void endHold() {
        holds = 0;
        drain();
    }

    private void packet(long t, boolean fromClient, long seq, long ack, int flags, byte[] payload, String comment) {
        if (fromClient) {
            file.tcp(t, clientIp, clientPort, serverIp, serverPort, seq, ack, flags, payload, comment);
        } else {
            file.tcp(t, serverIp, serverPort, clientIp, clientPort, seq, ack, flags, payload, comment);
        }
    }

    /** A packet now, or held back while a TLS handshake waits for its secrets. */
    private void emit(long t, boolean fromClient, long seq, long ack, int flags, byte[] payload, String comment) {
        if (holds > 0) {
            held.add(new Held(t, fromClient, seq, ack, flags, payload, comment));
        } else {
            packet(t, fromClient, seq, ack, flags, payload, comment);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        SocketAddress l = ctx.channel().localAddress();
        SocketAddress r = ctx.channel().remoteAddress();
        if (l instanceof InetSocketAddress li && r instanceof InetSocketAddress ri && li.getAddress() != null
                && ri.getAddress() != null) {
            clientIp = li.getAddress().getAddress();
            serverIp = ri.getAddress().getAddress();
            if (clientIp.length != serverIp.length) { // an IPv4-mapped pair: record both as IPv6
                clientIp = v6(clientIp);
                serverIp = v6(serverIp);
            }
            clientPort = li.getPort();
            serverPort = ri.getPort();
            active = true;
            long t = file.now();
            file.tcp(t, clientIp, clientPort, serverIp, serverPort, 0, 0, SYN, new byte[0], ProbeCaptureFile.OWN_MARKER);
            file.tcp(t, serverIp, serverPort, clientIp, clientPort, 0, 1, SYN | ACK, new byte[0], null);
            file.tcp(t, clientIp, clientPort, serverIp, serverPort, 1, 1, ACK, new byte[0], null);
        }
        super.channelActive(ctx);
    }

    private static byte[] v6(byte[] a) {
        if (a.length == 16) {
            return a;
        }
        byte[] m = new byte[16];
        m[10] = (byte) 0xFF;
        m[11] = (byte) 0xFF;
        System.arraycopy(a, 0, m, 12, 4);
        return m;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (active && !closed && msg instanceof ByteBuf b && b.isReadable()) {
            segments(false, ByteBufUtil.getBytes(b));
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (active && !closed && msg instanceof ByteBuf b && b.isReadable()) {
            segments(true, ByteBufUtil.getBytes(b));
        }
        super.write(ctx, msg, promise);
    }

    private void segments(boolean fromClient, byte[] data) {
        long t = file.now();
        for (int off = 0; off < data.length; off += MAX_SEGMENT) {
            byte[] seg = java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + MAX_SEGMENT));
            if (fromClient) {
                emit(t, true, clientSeq, serverSeq, PSH | ACK, seg, null);
                clientSeq += seg.length;
            } else {
                emit(t, false, serverSeq, clientSeq, PSH | ACK, seg, null);
                serverSeq += seg.length;
            }
        }
    }

    /** The probe closes: the client's FIN, carrying the probe's stop reason. */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        if (active && !closed) {
            closed = true;
            endHold();
            String reason = ctx.channel().attr(STOP_REASON).get();
            file.tcp(file.now(), clientIp, clientPort, serverIp, serverPort, clientSeq, serverSeq, FIN | ACK, new byte[0], reason);
            file.flush();
        }
        super.close(ctx, promise);
    }

    /** The socket reports a reset: the server's RST. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (active && !closed && cause instanceof IOException && String.valueOf(cause.getMessage()).toLowerCase().contains("reset")) {
            closed = true;
            endHold();
            file.tcp(file.now(), serverIp, serverPort, clientIp, clientPort, serverSeq, clientSeq, RST | ACK, new byte[0], null);
            file.flush();
        }
        super.exceptionCaught(ctx, cause);
    }

    /** The connection ended without the probe's close: the server's FIN, then the client's. */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (active && !closed) {
            closed = true;
            endHold();
            long t = file.now();
            file.tcp(t, serverIp, serverPort, clientIp, clientPort, serverSeq, clientSeq, FIN | ACK, new byte[0], null);
            serverSeq++;
            file.tcp(t, clientIp, clientPort, serverIp, serverPort, clientSeq, serverSeq, FIN | ACK, new byte[0],
                    ctx.channel().attr(STOP_REASON).get());
            file.flush();
        }
        super.channelInactive(ctx);
    }

    /** Removed from a live pipeline (never in the probe today): nothing stays held. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (active && !closed) {
            endHold();
        }
    }
}
