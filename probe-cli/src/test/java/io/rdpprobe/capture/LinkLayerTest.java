package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.Status;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LinkLayerTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "link {0}, ipv6 {1}, vlans {2}")
    @CsvSource({"1,false,0", "1,true,0", "1,false,1", "1,true,2", "113,false,0", "113,true,0", "276,false,0", "276,true,0",
            "101,false,0", "101,true,0", "228,false,0", "229,true,0", "0,false,0", "0,true,0"})
    void everyLinkTypeAndIpVersionReachesTheSameVerdict(int link, boolean v6, int vlans) throws IOException {
        TcpConversation t = TestCaptures.tlsHandshake(v6 ? TestCaptures.C6 : TestCaptures.C4,
                v6 ? TestCaptures.S6 : TestCaptures.S4, 40000 + link);
        Path f = TestCaptures.write(dir.resolve("l.pcapng"), CaptureWriter.Format.PCAPNG, ByteOrder.LITTLE_ENDIAN, link, vlans,
                t.packets());
        List<AnalyzedConnection> cs = TestCaptures.analyze(f);
        assertThat(cs).hasSize(1);
        AnalyzedConnection c = cs.get(0);
        assertThat(c.tcp().client().isIpv6()).isEqualTo(v6);
        assertThat(c.report().target()).contains(v6 ? "[2001:db8::1]:" : "10.0.0.1:");
        assertThat(c.report().stages().get(1).evidence()).containsEntry("cookie", "alice");
        assertThat(c.report().stages().get(2).evidence()).containsEntry("sni", "rdp.example")
                .containsEntry("cipherSuite", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        assertThat(c.report().verdict().status()).isEqualTo(Status.OK);
    }

    @Test
    void ipv6ExtensionHeadersAreSkipped() {
        byte[] tcp = java.util.Arrays.copyOfRange(FrameBuilder.tcp(TestCaptures.C6, 1234, TestCaptures.S6, 3389, 7, 0, 2, new byte[0]), 40, 60);
        byte[] ip = FrameBuilder.ipv6WithExtensions(TestCaptures.C6, TestCaptures.S6, 6, tcp);
        DecodedPacket p = new PacketDecoder().decode(new RawPacket(0, 101, 0, ip, ip.length));
        assertThat(p).isNotNull();
        assertThat(p.dst().port()).isEqualTo(3389);
        assertThat(p.syn()).isTrue();
    }

    @Test
    void ipv4FragmentsAreCountedNotReassembled() {
        byte[] ip = FrameBuilder.tcp(TestCaptures.C4, 1234, TestCaptures.S4, 3389, 7, 0, 0x18, new byte[100]);
        ip[6] = 0x20; // MF
        PacketDecoder d = new PacketDecoder();
        assertThat(d.decode(new RawPacket(0, 101, 0, ip, ip.length))).isNull();
        assertThat(d.stats().ipFragments).isEqualTo(1);
    }

    @Test
    void ethernetPaddingIsNotPayload() {
        byte[] ip = FrameBuilder.tcp(TestCaptures.C4, 1234, TestCaptures.S4, 3389, 7, 0, 0x10, new byte[0]);
        byte[] frame = FrameBuilder.link(1, ip, 0);
        byte[] padded = java.util.Arrays.copyOf(frame, 60);
        DecodedPacket p = new PacketDecoder().decode(new RawPacket(0, 1, 0, padded, 60));
        assertThat(p.payloadLength()).isZero();
    }

    @Test
    void garbageFramesNeverThrow() {
        java.util.Random r = new java.util.Random(42);
        PacketDecoder d = new PacketDecoder();
        int[] links = {0, 1, 101, 113, 228, 229, 276, 999};
        for (int i = 0; i < 5000; i++) {
            byte[] b = new byte[r.nextInt(120)];
            r.nextBytes(b);
            if (b.length > 0 && r.nextBoolean()) b[0] = (byte) (r.nextBoolean() ? 0x45 : 0x60);
            d.decode(new RawPacket(0, links[r.nextInt(links.length)], 0, b, b.length));
        }
        assertThat(d.stats().frames).isEqualTo(5000);
    }

    @Test
    void garbageStreamsOnPort3389NeverThrow() throws IOException {
        java.util.Random r = new java.util.Random(7);
        List<TcpConversation.Packet> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            TcpConversation t = new TcpConversation(TestCaptures.C4, 20000 + i, TestCaptures.S4, 3389, 1_000_000_000L * i, i, i * 7L);
            t.handshake();
            byte[] a = new byte[r.nextInt(200)];
            r.nextBytes(a);
            if (a.length > 6 && r.nextBoolean()) {
                a[0] = 3;
                a[1] = 0;
                a[2] = 0;
                a[3] = (byte) Math.min(255, a.length);
                a[5] = (byte) 0xE0;
            }
            byte[] b = new byte[r.nextInt(200)];
            r.nextBytes(b);
            if (b.length > 6 && r.nextBoolean()) {
                b[0] = (byte) (r.nextBoolean() ? 3 : 0x16);
                b[1] = (byte) (r.nextBoolean() ? 0 : 3);
            }
            t.client(a).server(b);
            if (r.nextBoolean()) t.rst(r.nextBoolean());
            all.addAll(t.packets());
        }
        Path f = TestCaptures.write(dir.resolve("g.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 101, 0, all);
        List<AnalyzedConnection> cs = TestCaptures.analyze(f);
        assertThat(cs).hasSize(300);
        assertThat(cs).allSatisfy(c -> assertThat(c.report().stages().get(0).stage()).isEqualTo(Stage.TCP));
    }
}
