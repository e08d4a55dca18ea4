package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.model.Stage;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 12: segments of a known 4-tuple after its RST or both FINs, with no new SYN, belong to the closed
 * connection (noted there as late segments), not to a phantom "already open" second connection.
 */
class LateSegmentsTest {
    @TempDir
    Path dir;

    private static final long SECOND = 1_000_000_000L;

    /** A client RST during CredSSP, then a second later more segments of the same 4-tuple both ways. */
    private static List<TcpConversation.Packet> rstThenLateSegments() {
        TcpConversation t = new TcpConversation(TestCaptures.C4, 50123, TestCaptures.S4, 3389, 1_700_000_000L * SECOND, 77, 99);
        t.handshake()
                .client(TcpConversation.connectionRequest("alice", 3)).server(TcpConversation.connectionConfirm(2))
                .client(TcpConversation.clientHelloRecord("rdp.example"))
                .server(TcpConversation.serverFlightRecord(0xC030, List.of()))
                .client(TcpConversation.concat(TcpConversation.changeCipherSpec(), TcpConversation.applicationData(40)))
                .server(TcpConversation.concat(TcpConversation.changeCipherSpec(), TcpConversation.applicationData(40)))
                .client(TcpConversation.applicationData(300))
                .rst(true);
        int rstAt = t.packets().size();
        t.server(TcpConversation.applicationData(120)).client(TcpConversation.applicationData(60)).rst(true);
        List<TcpConversation.Packet> out = new ArrayList<>();
        for (int i = 0; i < t.packets().size(); i++) {
            TcpConversation.Packet p = t.packets().get(i);
            out.add(i < rstAt ? p : new TcpConversation.Packet(p.timestampNanos() + SECOND, p.ip(), p.fromClient(), p.payloadLength()));
        }
        return out;
    }

    @Test
    void segmentsAfterARstAreLateSegmentsOfTheClosedConnection() throws IOException {
        Path f = TestCaptures.write(dir.resolve("late.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0,
                rstThenLateSegments());
        List<AnalyzedConnection> cs = TestCaptures.analyze(f);
        assertThat(cs).hasSize(1);
        AnalyzedConnection c = cs.get(0);
        assertThat(c.report().verdict().stage()).isEqualTo(Stage.CREDSSP);
        assertThat(c.report().verdict().cause()).isEqualTo("CLIENT_RESET");
        @SuppressWarnings("unchecked")
        Map<String, Object> capture = c.report().section(io.rdpprobe.probe.model.CaptureSection.class).orElseThrow().facts();
        @SuppressWarnings("unchecked")
        Map<String, Object> late = (Map<String, Object>) capture.get("lateSegments");
        assertThat(late).containsEntry("segments", 3L).containsEntry("fromClient", 2L).containsEntry("fromServer", 1L)
                .containsEntry("payloadBytes", (long) (5 + 120 + 5 + 60));
        assertThat(capture.get("notes").toString()).contains("3 segment(s) (190 payload bytes; 2 from the client, 1 from the server) "
                + "arrived after the RST without a new SYN").contains("late segments of this connection");
    }

    @Test
    void aNewSynOnTheSameTupleIsANewConnection() throws IOException {
        List<TcpConversation.Packet> all = new ArrayList<>(rstThenLateSegments().subList(0, 11));
        TcpConversation again = new TcpConversation(TestCaptures.C4, 50123, TestCaptures.S4, 3389, 1_700_000_005L * SECOND, 5000, 6000);
        again.handshake().client(TcpConversation.connectionRequest("bob", 0)).server(TcpConversation.connectionConfirm(0)).fin(true).fin(false);
        all.addAll(again.packets());
        Path f = TestCaptures.write(dir.resolve("reuse.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, all);
        List<AnalyzedConnection> cs = TestCaptures.analyze(f);
        assertThat(cs).hasSize(2);
        assertThat(cs.get(1).report().stages().get(0).summary()).isEqualTo("connected");
        assertThat(cs.get(1).report().stages().get(1).evidence()).containsEntry("cookie", "bob");
        assertThat(cs.get(0).report().section(io.rdpprobe.probe.model.CaptureSection.class).orElseThrow().facts().containsKey("lateSegments")).isFalse();
    }

    @Test
    void theFinalAckOfAFinCloseIsNotLate() throws IOException {
        TcpConversation t = TestCaptures.tlsHandshake(TestCaptures.C4, TestCaptures.S4, 50000);
        List<TcpConversation.Packet> all = new ArrayList<>(t.packets());
        // the last ACK after both FINs
        TcpConversation.Packet lastFin = all.get(all.size() - 1);
        byte[] ack = lastFin.ip().clone();
        ack[20 + 13] = 0x10; // flags: ACK only (IPv4 header of 20 bytes)
        all.add(new TcpConversation.Packet(lastFin.timestampNanos() + 1000, ack, true, 0));
        Path f = TestCaptures.write(dir.resolve("fin.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, all);
        List<AnalyzedConnection> cs = TestCaptures.analyze(f);
        assertThat(cs).hasSize(1);
        assertThat(cs.get(0).report().section(io.rdpprobe.probe.model.CaptureSection.class).orElseThrow().facts().containsKey("lateSegments")).isFalse();
    }
}
