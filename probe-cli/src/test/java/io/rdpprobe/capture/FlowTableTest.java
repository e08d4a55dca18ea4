package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The analyser's connection table, looked up from the decoded packet view: it must find what a
 * {@code HashMap<FlowKey, RdpConnection>} finds, in both directions, through growth and removals (linear probing's
 * backward shift), for IPv4 and IPv6.
 */
class FlowTableTest {
    private final PacketDecoder decoder = new PacketDecoder();
    private final PacketView view = new PacketView(decoder);

    private PacketView packet(Endpoint src, Endpoint dst) {
        byte[] ip = FrameBuilder.tcp(src.address(), src.port(), dst.address(), dst.port(), 1, 2, DecodedPacket.ACK,
                new byte[] {1});
        byte[] frame = FrameBuilder.link(1, ip, 0);
        assertThat(decoder.decodeInto(new RawPacket(0, 1, 0, frame, frame.length), view)).isEqualTo(PacketView.TCP);
        return view;
    }

    private static Endpoint endpoint(Random r, boolean v6) {
        byte[] a = new byte[v6 ? 16 : 4];
        r.nextBytes(a);
        if (r.nextInt(4) == 0) { // many connections share the server address
            java.util.Arrays.fill(a, (byte) 7);
        }
        return new Endpoint(a, r.nextInt(4) == 0 ? 3389 : 1024 + r.nextInt(60000));
    }

    @Test
    void findsWhatAHashMapByFlowKeyFinds() {
        Random r = new Random(13);
        FlowTable table = new FlowTable();
        Map<FlowKey, RdpConnection> reference = new HashMap<>();
        List<RdpConnection> all = new ArrayList<>();
        for (int round = 0; round < 20_000; round++) {
            if (all.isEmpty() || r.nextInt(3) > 0) {
                Endpoint c = endpoint(r, r.nextInt(5) == 0);
                Endpoint s = endpoint(r, c.isIpv6());
                FlowKey k = new FlowKey(c, s, 6);
                if (reference.containsKey(k)) {
                    continue;
                }
                RdpConnection conn = new RdpConnection(c, s, round, true);
                table.put(conn);
                reference.put(k, conn);
                all.add(conn);
            } else {
                RdpConnection gone = all.remove(r.nextInt(all.size()));
                assertThat(table.remove(gone)).isTrue();
                assertThat(table.remove(gone)).isFalse();
                reference.remove(new FlowKey(gone.client, gone.server, 6));
            }
            if (round % 97 == 0) {
                assertThat(table.size()).isEqualTo(reference.size());
                for (RdpConnection conn : all) {
                    assertThat(table.get(packet(conn.client, conn.server))).isSameAs(conn);
                    assertThat(table.fromClient()).isTrue();
                    assertThat(table.get(packet(conn.server, conn.client))).isSameAs(conn);
                    // a connection to itself: the packet is the client's, as the old map's src().equals(client) said
                    assertThat(table.fromClient()).isEqualTo(conn.client.equals(conn.server));
                }
                Endpoint c = endpoint(r, false);
                Endpoint s = endpoint(r, false);
                assertThat(table.get(packet(c, s))).isSameAs(reference.get(new FlowKey(c, s, 6)));
            }
        }
        assertThat(table.values()).containsExactlyInAnyOrderElementsOf(reference.values());
        table.clear();
        assertThat(table.size()).isZero();
        assertThat(table.values()).isEmpty();
    }

    @Test
    void theViewsEndpointsAreThePacketsOwn() {
        Endpoint c = new Endpoint(TestCaptures.C6, 50000);
        Endpoint s = new Endpoint(TestCaptures.S6, 3389);
        PacketView p = packet(c, s);
        assertThat(p.srcIs(c)).isTrue();
        assertThat(p.dstIs(s)).isTrue();
        assertThat(p.srcIs(s)).isFalse();
        assertThat(p.srcIs(new Endpoint(TestCaptures.C4, 50000))).isFalse();
        assertThat(p.src()).isEqualTo(c);
        assertThat(p.dst()).isEqualTo(s);
        assertThat(p.flowHash()).isEqualTo(packet(s, c).flowHash());
    }
}
