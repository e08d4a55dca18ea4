package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReassemblyTest {
    @TempDir
    Path dir;

    static final class Collect implements StreamSink {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final List<Long> gaps = new ArrayList<>();

        @Override
        public void onData(byte[] d, int o, int l, long ts) {
            data.write(d, o, l);
        }

        @Override
        public void onGap(long n, long ts) {
            gaps.add(n);
        }
    }

    private static byte[] seq(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (from + i);
        return b;
    }

    @Test
    void outOfOrderSegmentsAreReordered() {
        Collect c = new Collect();
        TcpStream s = new TcpStream(c);
        s.onSyn(99);
        s.onSegment(110, seq(10, 10), 0, 10, false, 0);
        s.onSegment(100, seq(0, 10), 0, 10, false, 0);
        assertThat(c.data.toByteArray()).isEqualTo(seq(0, 20));
        assertThat(s.bufferedBytes()).isZero();
    }

    @Test
    void retransmissionsAndOverlapsAreTrimmedFirstCopyWins() {
        Collect c = new Collect();
        TcpStream s = new TcpStream(c);
        s.onSyn(0);
        s.onSegment(1, seq(0, 10), 0, 10, false, 0);
        s.onSegment(1, seq(0, 10), 0, 10, false, 0); // full retransmission
        s.onSegment(6, seq(5, 10), 0, 10, false, 0); // overlaps 5 bytes
        s.onSegment(20, seq(19, 5), 0, 5, false, 0); // out of order
        s.onSegment(16, seq(15, 6), 0, 6, false, 0); // fills the hole and overlaps the pending one
        assertThat(c.data.toByteArray()).isEqualTo(seq(0, 24));
        assertThat(s.retransmitted()).isEqualTo(10 + 5 + 2);
    }

    @Test
    void sequenceNumbersWrapAround() {
        Collect c = new Collect();
        TcpStream s = new TcpStream(c);
        s.onSyn(0xFFFFFFF0L);
        s.onSegment(0xFFFFFFF1L, seq(0, 10), 0, 10, false, 0);
        s.onSegment(0xFFFFFFFBL, seq(10, 20), 0, 20, false, 0);
        assertThat(c.data.toByteArray()).isEqualTo(seq(0, 30));
    }

    @Test
    void aHoleThePeerAcknowledgedIsReportedAsAGap() {
        Collect c = new Collect();
        TcpStream s = new TcpStream(c);
        s.onSyn(0);
        s.onSegment(1, seq(0, 10), 0, 10, false, 0);
        s.onSegment(21, seq(20, 10), 0, 10, false, 0); // bytes 10..19 never captured
        assertThat(c.gaps).isEmpty();
        s.onPeerAck(31, 0);
        assertThat(c.gaps).containsExactly(10L);
        assertThat(c.data.size()).isEqualTo(20);
        assertThat(s.lost()).isEqualTo(10);
    }

    @Test
    void holesLeftAtTheEndAndBeforeFinAreGaps() {
        Collect c = new Collect();
        TcpStream s = new TcpStream(c);
        s.onSyn(0);
        s.onSegment(1, seq(0, 5), 0, 5, false, 0);
        s.onSegment(11, seq(10, 5), 0, 5, false, 0);
        s.onSegment(26, new byte[0], 0, 0, true, 0); // FIN at 26: bytes 15..24 missing
        s.finish(0);
        assertThat(c.gaps).containsExactly(5L, 10L);
    }

    @Test
    void connectionWithoutSynStartsAtTheFirstSegment() throws IOException {
        TcpConversation t = TestCaptures.tlsHandshake(TestCaptures.C4, TestCaptures.S4, 51000);
        List<TcpConversation.Packet> ps = new ArrayList<>(t.packets().subList(3, t.packets().size())); // drop SYN, SYN+ACK, ACK
        Path f = TestCaptures.write(dir.resolve("nosyn.pcap"), CaptureWriter.Format.PCAP_NANO, ByteOrder.BIG_ENDIAN, 1, 0, ps);
        AnalyzedConnection c = TestCaptures.analyze(f).get(0);
        assertThat(c.report().stages().get(0).summary()).contains("already open");
        assertThat(c.report().stages().get(1).status()).isEqualTo(Status.OK);
        assertThat(c.tcp().client().port()).isEqualTo(51000);
    }

    @Test
    void midstreamCaptureWithoutTheConnectionRequestStillFindsTheClientByPort() throws IOException {
        TcpConversation t = TestCaptures.tlsHandshake(TestCaptures.C4, TestCaptures.S4, 51001);
        List<TcpConversation.Packet> ps = new ArrayList<>(t.packets().subList(12, t.packets().size()));
        Path f = TestCaptures.write(dir.resolve("mid.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, ps);
        AnalyzedConnection c = TestCaptures.analyze(f).get(0);
        assertThat(c.tcp().server().port()).isEqualTo(3389);
    }

    @Test
    void shuffledDuplicatedSegmentsGiveTheSameReport() throws IOException {
        TcpConversation t = TestCaptures.tlsHandshake(TestCaptures.C4, TestCaptures.S4, 52000).mss(100);
        List<TcpConversation.Packet> ps = new ArrayList<>(t.packets());
        // keep the handshake first, shuffle data segments in windows of 4, duplicate every 5th
        List<TcpConversation.Packet> out = new ArrayList<>(ps.subList(0, 3));
        List<TcpConversation.Packet> rest = ps.subList(3, ps.size() - 2);
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < rest.size(); i += 4) {
            List<TcpConversation.Packet> w = new ArrayList<>(rest.subList(i, Math.min(rest.size(), i + 4)));
            Collections.shuffle(w, r);
            for (TcpConversation.Packet p : w) {
                out.add(p);
                if (r.nextInt(5) == 0) out.add(p);
            }
        }
        out.addAll(ps.subList(ps.size() - 2, ps.size()));
        Path f = TestCaptures.write(dir.resolve("shuf.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, out);
        AnalyzedConnection c = TestCaptures.analyze(f).get(0);
        assertThat(c.report().stages().get(2).status()).isEqualTo(Status.OK);
        assertThat(c.report().section(io.rdpprobe.probe.model.CaptureSection.class).orElseThrow().facts().toString()).contains("retransmittedBytes");
    }

    @Test
    void aGapInsideEncryptedDataKeepsFramingAndIsReported() throws IOException {
        TcpConversation t = TestCaptures.tlsHandshake(TestCaptures.C4, TestCaptures.S4, 53000);
        List<TcpConversation.Packet> ps = new ArrayList<>(t.packets());
        // drop one 1460-byte client segment in the middle of the 3000-byte application records
        int idx = -1;
        for (int i = 10; i < ps.size(); i++) {
            if (ps.get(i).fromClient() && ps.get(i).payloadLength() == 1460) {
                idx = i;
                break;
            }
        }
        ps.remove(idx);
        Path f = TestCaptures.write(dir.resolve("gap.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, ps);
        AnalyzedConnection c = TestCaptures.analyze(f).get(0);
        assertThat(c.report().section(io.rdpprobe.probe.model.CaptureSection.class).orElseThrow().facts().toString()).contains("capture lost 1460 bytes");
        assertThat(c.tcp().appRecords[0]).isEqualTo(11); // framing survived the gap
    }

    @Test
    void resetDuringTlsIsConnectionReset() throws IOException {
        TcpConversation t = new TcpConversation(TestCaptures.C4, 54000, TestCaptures.S4, 3389, 0, 1, 2);
        t.handshake().client(TcpConversation.connectionRequest("bob", 3)).server(TcpConversation.connectionConfirm(1))
                .client(TcpConversation.clientHelloRecord(null)).rst(false);
        Path f = TestCaptures.write(dir.resolve("rst.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, t.packets());
        AnalyzedConnection c = TestCaptures.analyze(f).get(0);
        assertThat(c.report().verdict().stage()).isEqualTo(Stage.TLS);
        assertThat(c.report().verdict().cause()).isEqualTo(Causes.CONNECTION_RESET.code());
        assertThat(c.report().verdict().summary()).contains("after client: TLS ClientHello");
    }
}
