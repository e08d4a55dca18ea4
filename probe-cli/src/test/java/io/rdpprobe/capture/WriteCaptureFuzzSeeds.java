package io.rdpprobe.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.rdg.ChannelResponse;
import io.rdpprobe.protocol.rdg.CloseChannel;
import io.rdpprobe.protocol.rdg.DataPacket;
import io.rdpprobe.protocol.rdg.HandshakeResponse;
import io.rdpprobe.protocol.rdg.RdgPacket;
import io.rdpprobe.protocol.rdg.ServiceMessage;
import io.rdpprobe.protocol.rdg.TunnelAuthResponse;
import io.rdpprobe.protocol.rdg.TunnelResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the seed inputs of the probe-cli Jazzer targets from the project's own writers and encoders. On demand:
 * {@code mvn -o -pl probe-cli -am test -Dtest=WriteCaptureFuzzSeeds -Dfuzz.writeSeeds=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class WriteCaptureFuzzSeeds {
    static final Path RES = Path.of("../testdata/fuzz/probe-cli/io/rdpprobe");

    static void seed(String dir, String name, byte[] data) throws IOException {
        Path d = RES.resolve(dir);
        Files.createDirectories(d);
        Files.write(d.resolve("seed-" + name), data);
    }

    static byte[] capture(TcpConversation t, CaptureWriter.Format f) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CaptureWriter w = new CaptureWriter(out, f, ByteOrder.LITTLE_ENDIAN, 1)) {
            for (TcpConversation.Packet p : t.packets()) {
                w.write(p.timestampNanos(), 1, FrameBuilder.link(1, p.ip(), 0));
            }
        }
        return out.toByteArray();
    }

    static byte[] enc(RdgPacket... ps) {
        ByteBuf b = Unpooled.buffer();
        for (RdgPacket p : ps) p.encode(b);
        return ByteBufUtil.getBytes(b);
    }

    @Test
    @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
    void write() throws IOException {
        TcpConversation tls = new TcpConversation(TestCaptures.C4, 50000, TestCaptures.S4, 3389, 1_700_000_000_000_000_000L, 1000, 5000);
        tls.handshake().client(TcpConversation.connectionRequest("alice", 3)).server(TcpConversation.connectionConfirm(1))
                .client(TcpConversation.clientHelloRecord("rdp.example")).server(TcpConversation.serverFlightRecord(0xC030, List.of()))
                .client(TcpConversation.concat(TcpConversation.changeCipherSpec(), TcpConversation.applicationData(40)))
                .server(TcpConversation.alert(2, 40)).fin(false).fin(true);
        seed("capture/CaptureFuzzTestInputs/wholeCapture", "tls-pcap", capture(tls, CaptureWriter.Format.PCAP_MICRO));
        seed("capture/CaptureFuzzTestInputs/wholeCapture", "tls-pcapng", capture(tls, CaptureWriter.Format.PCAPNG));
        TcpConversation fail = new TcpConversation(TestCaptures.C6, 50001, TestCaptures.S6, 3389, 1_700_000_000_000_000_000L, 1, 2);
        fail.handshake().client(TcpConversation.connectionRequest("bob", 0)).server(TcpConversation.negotiationFailure(5)).rst(false);
        seed("capture/CaptureFuzzTestInputs/wholeCapture", "negfailure-v6-pcap", capture(fail, CaptureWriter.Format.PCAP_NANO));

        String g = "probe/gateway/GatewaySequenceFuzzTestInputs/gatewayBytes";
        seed(g, "handshake-response", concat(new byte[] {0, 3}, enc(new HandshakeResponse(0, 1, 0, 0, 0))));
        seed(g, "tunnel-denied", concat(new byte[] {1, 0}, enc(TunnelResponse.of(0x800759F8L, null, null, null))));
        seed(g, "service-then-auth", concat(new byte[] {2, 9}, enc(new ServiceMessage("tonight"), TunnelAuthResponse.of(0, 0x80000000L, 30L))));
        seed(g, "channel-ok", concat(new byte[] {3, 0}, enc(ChannelResponse.of(0, 1L))));
        seed(g, "open-data-close", concat(new byte[] {4, 5}, enc(new DataPacket(new byte[] {3, 0, 0, 4}), new CloseChannel(false, 0))));
    }

    static byte[] concat(byte[]... parts) {
        return TcpConversation.concat(parts);
    }
}
