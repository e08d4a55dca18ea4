package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The decoder reuses the Endpoint of an address and port it saw recently; every endpoint stays the packet's own. */
class PacketDecoderEndpointTest {
    private static DecodedPacket decode(PacketDecoder d, byte[] src, int sport, byte[] dst, int dport) {
        byte[] ip = FrameBuilder.tcp(src, sport, dst, dport, 1, 2, DecodedPacket.ACK, new byte[] {1, 2, 3});
        byte[] frame = FrameBuilder.link(1, ip, 0);
        return d.decode(new RawPacket(0, 1, 0, frame, frame.length));
    }

    @Test
    void aRepeatedEndpointIsTheSameInstance() {
        PacketDecoder d = new PacketDecoder();
        DecodedPacket a = decode(d, TestCaptures.C4, 50000, TestCaptures.S4, 3389);
        DecodedPacket b = decode(d, TestCaptures.S4, 3389, TestCaptures.C4, 50000);
        assertThat(b.dst()).isSameAs(a.src());
        assertThat(b.src()).isSameAs(a.dst());
        DecodedPacket v6 = decode(d, TestCaptures.C6, 50000, TestCaptures.S6, 3389);
        assertThat(v6.src()).isEqualTo(new Endpoint(TestCaptures.C6, 50000)).isNotEqualTo(a.src());
        assertThat(decode(d, TestCaptures.C6, 50000, TestCaptures.S6, 3389).src()).isSameAs(v6.src());
    }

    @Test
    void manyEndpointsSharingSlotsDecodeToTheirOwnValues() {
        PacketDecoder d = new PacketDecoder();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 5000; i++) {
                byte[] c = {10, 1, (byte) (i >> 8), (byte) i};
                int port = 40000 + (i * 7919) % 20000;
                DecodedPacket p = decode(d, c, port, TestCaptures.S4, 3389);
                assertThat(p.src()).isEqualTo(new Endpoint(c.clone(), port));
                assertThat(p.src().port()).isEqualTo(port);
                assertThat(p.dst()).isEqualTo(new Endpoint(TestCaptures.S4.clone(), 3389));
            }
        }
    }
}
