package io.rdpprobe.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.capture.TcpConversation;
import io.rdpprobe.probe.session.SessionSequence;
import io.rdpprobe.probe.session.SessionSettings;
import io.rdpprobe.protocol.gcc.ChannelDef;
import io.rdpprobe.protocol.gcc.ConferenceCreateRequest;
import io.rdpprobe.protocol.mcs.ConnectInitial;
import io.rdpprobe.protocol.tls.ClientHello;
import io.rdpprobe.protocol.tpkt.FrameProbe;
import io.rdpprobe.protocol.tpkt.TpktHeader;
import io.rdpprobe.protocol.x224.ConnectionConfirm;
import io.rdpprobe.protocol.x224.ConnectionRequest;
import io.rdpprobe.protocol.x224.Protocols;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoder micro-benchmarks: TPKT framing, X.224 CR/CC, the TLS ClientHello, and MCS Connect-Initial + GCC
 * Conference Create Request. The Connect-Initial is the one the probe itself sends (built by
 * {@link SessionSequence#connectInitialFrame}: core, security, network with four channels, cluster blocks), so the
 * benchmark needs no files and runs from any directory.
 *
 * <p>Each benchmark decodes from one input buffer made in {@link #setup} and rewinds its reader index first, so
 * that the score and {@code gc.alloc.rate.norm} are the decoder's own, not a {@code duplicate()} or
 * {@code wrappedBuffer} per operation (the decoders restore the writer index they lower).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class DecoderBench {
    ByteBuf cr;
    ByteBuf cc;
    ByteBuf clientHelloBody;
    ByteBuf connectInitial;
    int clientHelloStart;
    int connectInitialStart;

    @Setup
    public void setup() {
        cr = Unpooled.wrappedBuffer(TcpConversation.connectionRequest("administrator", 0x0B));
        cc = Unpooled.wrappedBuffer(TcpConversation.connectionConfirm(2));
        byte[] rec = TcpConversation.clientHelloRecord("server.example");
        clientHelloBody = Unpooled.wrappedBuffer(rec, 9, rec.length - 9);
        clientHelloStart = clientHelloBody.readerIndex();
        SessionSettings settings = SessionSettings.defaults("BENCH-CLIENT").withChannels(List.of(
                new ChannelDef("rdpdr", 0x80800000), new ChannelDef("rdpsnd", 0xc0000000),
                new ChannelDef("drdynvc", 0xc0800000), new ChannelDef("cliprdr", 0xc0a00000)));
        byte[] frame = SessionSequence.connectInitialFrame(settings, Protocols.RDP);
        connectInitial = Unpooled.wrappedBuffer(frame, 7, frame.length - 7); // past TPKT + X.224 DT
        connectInitialStart = connectInitial.readerIndex();
    }

    @Benchmark
    public int tpktFrameLength() {
        return FrameProbe.frameLength(cr.readerIndex(0));
    }

    @Benchmark
    public TpktHeader tpktHeader() {
        return TpktHeader.decode(cr.readerIndex(0));
    }

    @Benchmark
    public ConnectionRequest x224ConnectionRequest() {
        return ConnectionRequest.decode(cr.readerIndex(0));
    }

    @Benchmark
    public ConnectionConfirm x224ConnectionConfirm() {
        return ConnectionConfirm.decode(cc.readerIndex(0));
    }

    @Benchmark
    public ClientHello tlsClientHello() {
        return ClientHello.decode(clientHelloBody.readerIndex(clientHelloStart));
    }

    @Benchmark
    public ConferenceCreateRequest mcsConnectInitialWithGcc() {
        ConnectInitial ci = ConnectInitial.decode(connectInitial.readerIndex(connectInitialStart));
        return ConferenceCreateRequest.decode(ci.userData());
    }
}
