package io.rdpprobe.probe.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.rdpprobe.probe.tls.KeyLog;
import io.rdpprobe.probe.tls.KeyLogSink;
import io.rdpprobe.probe.tls.ProbeTlsClient;
import io.rdpprobe.probe.tls.TlsOutcome;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * BouncyCastle's TLS client in non-blocking mode as a Netty handler, named {@link TlsLayer#handlerName()}:
 * inserted below the driver after the X.224 exchange (RDP), or at the bottom for an RD Gateway. Its
 * events carry its {@link TlsLayer}; it takes its time from the event loop's ticker. It fires
 * {@link Done} once (success or failure) and then passes decrypted application
 * data up and encrypts what the driver writes. The driver asks {@link #outcome} when the connection closes
 * or the deadline passes first.
 */
public final class BcTlsHandler extends ChannelDuplexHandler {
    /** User event: the handshake of {@code layer} finished or failed. */
    public record Done(TlsLayer layer, TlsOutcome outcome) {}

    /**
     * User event: the server sent a fatal alert on {@code layer} after the handshake (e.g. alert 80 after
     * NTLM AUTHENTICATE).
     */
    public record AlertReceived(TlsLayer layer, int description) {}

    private final TlsLayer layer;
    private final TlsClientProtocol protocol = new TlsClientProtocol();
    private final ProbeTlsClient client;
    private final List<String> versions;
    private final String sni;
    private io.netty.util.concurrent.Ticker ticker;
    private long startNanos;
    private long bytesReceived;
    private byte[] firstBytes;
    private boolean done;
    private boolean notTls;
    private String error;

    /**
     * The most the server may send before the handshake completes. A real server flight, certificate chain
     * included, is a few kilobytes; beyond this the server floods.
     */
    public static final int DEFAULT_MAX_HANDSHAKE_BYTES = 1 << 20;

    /** Sees the raw TLS bytes of the handshake, both ways (the transcript names the records). */
    public interface Tap {
        void bytes(boolean sent, ByteBuf raw);
    }

    private Tap tap;

    /** Sets the tap; call before the handler is added. */
    public BcTlsHandler tap(Tap t) {
        this.tap = t;
        return this;
    }

    private final int maxHandshakeBytes;
    private io.rdpprobe.probe.model.Arrivals arrivals = io.rdpprobe.probe.model.Arrivals.NONE;
    private boolean flooded;

    public BcTlsHandler(TlsLayer layer, List<String> versions, String sni, KeyLog keyLog) {
        this(layer, versions, sni, keyLog, DEFAULT_MAX_HANDSHAKE_BYTES);
    }

    public BcTlsHandler(TlsLayer layer, List<String> versions, String sni, KeyLog keyLog, int maxHandshakeBytes) {
        this.maxHandshakeBytes = maxHandshakeBytes;
        this.layer = java.util.Objects.requireNonNull(layer, "layer");
        this.versions = List.copyOf(versions);
        this.sni = sni;
        this.keyLog = keyLog;
        this.client = new ProbeTlsClient(new BcTlsCrypto(new SecureRandom()), versions, sni, keyLog);
    }

    private final KeyLog keyLog;
    /** The channel's capture when it embeds secrets ({@link CaptureTap#SECRETS}); held from here to {@link #finish}. */
    private CaptureTap.SecretsHold captureSecrets;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        captureSecrets = ctx.channel().attr(CaptureTap.SECRETS).get();
        if (captureSecrets != null) {
            CaptureTap.SecretsHold c = captureSecrets;
            c.hold();
            client.keyLog(KeyLogSink.both(keyLog, (label, clientRandom, secret) -> {
                if (clientRandom != null && secret != null) {
                    c.line(KeyLog.line(label, clientRandom, secret));
                }
            }));
        }
        ticker = ctx.executor().ticker();
        startNanos = ticker.nanoTime();
        try {
            protocol.connect(client);
        } catch (IOException e) {
            error = String.valueOf(e.getMessage());
            finish(ctx);
            return;
        }
        flushOut(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        byte[] data;
        try {
            data = ByteBufUtil.getBytes(in);
        } finally {
            ReferenceCountUtil.release(msg);
        }
        if (!done && tap != null) {
            tap.bytes(false, Unpooled.wrappedBuffer(data));
        }
        if (!done) {
            if (firstBytes == null) {
                firstBytes = java.util.Arrays.copyOf(data, Math.min(32, data.length));
                if (!looksLikeTls(data)) {
                    notTls = true;
                    bytesReceived += data.length;
                    finish(ctx);
                    return;
                }
            }
            bytesReceived += data.length;
            arrivals = arrivals.plus(data.length, (ticker.nanoTime() - startNanos) / 1_000_000L);
            if (bytesReceived > maxHandshakeBytes) {
                // bytes keep coming and the handshake does not finish: a flood, not a stall
                flooded = true;
                finish(ctx);
                return;
            }
        }
        if (protocol.isClosed()) {
            return;
        }
        try {
            protocol.offerInput(data);
        } catch (IOException e) {
            error = describe(e);
            flushOut(ctx); // BC queues the alert it raised; send it
            if (!done) {
                finish(ctx);
            } else if (e instanceof TlsFatalAlertReceived r) {
                ctx.fireUserEventTriggered(new AlertReceived(layer, r.getAlertDescription()));
            } else {
                ctx.close();
            }
            return;
        }
        flushOut(ctx);
        if (!done && client.isComplete()) {
            finish(ctx);
        }
        drainApplicationData(ctx);
    }

    /** The server's first bytes must be a TLS record (or too few to tell yet): FrameProbe's demultiplexer decides. */
    private static boolean looksLikeTls(byte[] d) {
        io.rdpprobe.protocol.tpkt.FrameKind k = io.rdpprobe.protocol.tpkt.FrameProbe.classify(Unpooled.wrappedBuffer(d));
        return k == io.rdpprobe.protocol.tpkt.FrameKind.TLS_RECORD || k == io.rdpprobe.protocol.tpkt.FrameKind.NEED_MORE;
    }

    private static String describe(IOException e) {
        if (e instanceof TlsFatalAlertReceived r) {
            return "server sent fatal alert " + org.bouncycastle.tls.AlertDescription.getText(r.getAlertDescription());
        }
        if (e instanceof TlsFatalAlert a) {
            return "client raised alert " + org.bouncycastle.tls.AlertDescription.getText(a.getAlertDescription())
                    + (a.getMessage() != null ? ": " + a.getMessage() : "");
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private void drainApplicationData(ChannelHandlerContext ctx) {
        int n = protocol.getAvailableInputBytes();
        if (n > 0) {
            byte[] plain = new byte[n];
            protocol.readInput(plain, 0, n);
            ctx.fireChannelRead(Unpooled.wrappedBuffer(plain));
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf buf)) {
            ctx.write(msg, promise);
            return;
        }
        try {
            if (!client.isComplete() || protocol.isClosed()) {
                promise.setFailure(new IOException("TLS session not established"));
                return;
            }
            byte[] plain = ByteBufUtil.getBytes(buf);
            protocol.writeApplicationData(plain, 0, plain.length);
        } catch (IOException e) {
            promise.setFailure(e);
            return;
        } finally {
            ReferenceCountUtil.release(msg);
        }
        int n = protocol.getAvailableOutputBytes();
        byte[] out = new byte[n];
        protocol.readOutput(out, 0, n);
        ctx.write(Unpooled.wrappedBuffer(out), promise);
    }

    private void flushOut(ChannelHandlerContext ctx) {
        int n = protocol.getAvailableOutputBytes();
        if (n > 0) {
            byte[] out = new byte[n];
            protocol.readOutput(out, 0, n);
            if (!done && tap != null) {
                tap.bytes(true, Unpooled.wrappedBuffer(out));
            }
            ctx.writeAndFlush(Unpooled.wrappedBuffer(out));
        }
    }

    private void finish(ChannelHandlerContext ctx) {
        done = true;
        releaseCapture();
        ctx.fireUserEventTriggered(new Done(layer, outcome(false, false, false)));
    }

    /** The handshake ended: its secrets, then the packets held for them, go to the capture (once). */
    private void releaseCapture() {
        if (captureSecrets != null) {
            CaptureTap.SecretsHold c = captureSecrets;
            captureSecrets = null;
            c.release();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseCapture();
    }

    /** The TLS session this handler runs. */
    public TlsLayer layer() {
        return layer;
    }

    /** Whether {@link Done} has fired. */
    public boolean isDone() {
        return done;
    }

    /** A snapshot of what happened so far; the flags say why it is being asked for. */
    public TlsOutcome outcome(boolean closed, boolean reset, boolean stalled) {
        boolean complete = client.isComplete();
        return new TlsOutcome(complete, versions, sni, complete || client.negotiatedSuite() > 0 ? client.negotiatedVersion() : null,
                complete ? client.negotiatedSuite() : -1, client.chain(), client.alertReceived(), client.alertSent(),
                client.alertSentMessage(), bytesReceived, closed, reset, stalled, notTls,
                firstBytes == null ? null : io.rdpprobe.protocol.codec.Wire.hex(firstBytes), error,
                (ticker == null ? 0 : (ticker.nanoTime() - startNanos) / 1_000_000L),
                arrivals, flooded, client.warningAlerts(), client.firstWarning());
    }

    /** Sends close_notify. */
    public void closeTls(ChannelHandlerContext ctx) {
        try {
            if (!protocol.isClosed()) {
                protocol.close();
                flushOut(ctx);
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
