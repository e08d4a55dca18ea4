package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.model.CaptureSection;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes nobody reads are not copied: in order they are only counted ({@link StreamSink#onSkipped}); out of order
 * they are held as a length plus the headers of the records the connection only counts. The report must come out
 * as for the same packets held whole: the record counts and bytes, gaps, retransmissions.
 */
class CountedStreamTest {
    @TempDir
    Path dir;

    private static final long SECOND = 1_000_000_000L;

    // ---- TcpStream with a sink that counts TLS application data records and reads every other record ---------

    /** Counts application data records (0x17) by header, reads other records whole; logs what it got. */
    static final class RecordSink implements StreamSink {
        final Framer framer;
        final List<String> events = new ArrayList<>();
        long dataBytes;
        long skippedBytes;

        RecordSink() {
            framer = new Framer(new Framer.Handler() {
                @Override public boolean wants(io.netty.buffer.ByteBuf acc, int fl) {
                    return acc.getUnsignedByte(acc.readerIndex()) != 0x17;
                }
                @Override public void frame(io.netty.buffer.ByteBuf f, long ts) {
                    events.add("read " + Integer.toHexString(f.getUnsignedByte(f.readerIndex())) + " " + f.readableBytes());
                }
                @Override public void skipped(int first, int fl, long ts) {
                    events.add("counted " + fl);
                }
                @Override public void bad(io.rdpprobe.protocol.codec.DecodeException e, io.netty.buffer.ByteBuf acc, long ts) {
                    events.add("bad");
                }
                @Override public void framingLost(long gap, long ts) {
                    events.add("lost " + gap);
                }
            });
        }

        @Override public void onData(byte[] d, int o, int l, long ts) {
            dataBytes += l;
            framer.feed(d, o, l, ts);
        }
        @Override public void onGap(long n, long ts) {
            events.add("gap " + n);
            framer.gap(n, ts);
        }
        @Override public long skippable() {
            return framer.skippable();
        }
        @Override public int countedFrame(byte[] d, int o, int l) {
            return d[o] == 0x17 ? 5 + (((d[o + 3] & 0xFF) << 8) | (d[o + 4] & 0xFF)) : -1;
        }
        @Override public void onSkipped(long n, long ts) {
            skippedBytes += n;
            framer.skipCounted(n, ts);
        }
    }

    /** A handshake record (15), three application data records (3005, 55, 2005) and a handshake record (11). */
    private static final byte[] RECORDS = TcpConversation.concat(record(0x16, 10), record(0x17, 3000), record(0x17, 50),
            record(0x17, 2000), record(0x16, 6));

    private static byte[] record(int type, int n) {
        byte[] b = new byte[5 + n];
        b[0] = (byte) type;
        b[1] = 3;
        b[2] = 3;
        b[3] = (byte) (n >> 8);
        b[4] = (byte) n;
        return b;
    }

    private static final List<String> ALL_RECORDS = List.of("read 16 15", "counted 3005", "counted 55", "counted 2005", "read 16 11");

    /** Segment i of RECORDS at an MSS of 1000 (the last one 91 bytes). */
    private static void segment(TcpStream s, int i) {
        int off = i * 1000;
        s.onSegment(100 + off, RECORDS, off, Math.min(1000, RECORDS.length - off), false, i);
    }

    @Test
    void inOrderBytesInsideACountedRecordAreOnlyCounted() {
        RecordSink sink = new RecordSink();
        TcpStream s = new TcpStream(sink);
        s.onSyn(99);
        for (int i = 0; i < 6; i++) segment(s, i);
        assertThat(sink.events).isEqualTo(ALL_RECORDS);
        // segments 1 and 2 lie inside the 3005-byte record, segment 4 inside the 2005-byte one: never delivered as bytes
        assertThat(sink.skippedBytes).isEqualTo(3000);
        assertThat(sink.dataBytes).isEqualTo(RECORDS.length - 3000);
        assertThat(s.delivered()).isEqualTo(RECORDS.length);
    }

    @Test
    void outOfOrderSegmentsInsideCountedRecordsAreHeldWithoutTheirBytes() {
        RecordSink sink = new RecordSink();
        TcpStream s = new TcpStream(sink);
        s.onSyn(99);
        segment(s, 0); // the first record, and the first 985 bytes of the 3005-byte one
        segment(s, 2); // [2000, 3000): inside it
        assertThat(s.bufferedBytes()).isEqualTo(1000);
        assertThat(s.copiedBytes()).isZero();
        segment(s, 3); // [3000, 4000): its last 20 bytes, the 55-byte record, the start of the 2005-byte one
        assertThat(s.bufferedBytes()).isEqualTo(2000);
        assertThat(s.copiedBytes()).isEqualTo(10); // the two headers only
        segment(s, 4); // [4000, 5000): past a header the stream has not seen yet: held whole
        assertThat(s.copiedBytes()).isEqualTo(1010);
        assertThat(sink.events).containsExactly("read 16 15", "counted 3005");
        segment(s, 1); // fills the hole
        segment(s, 5);
        assertThat(sink.events).isEqualTo(ALL_RECORDS);
        assertThat(s.bufferedBytes()).isZero();
        assertThat(s.delivered()).isEqualTo(RECORDS.length);
        assertThat(s.retransmitted()).isZero();
        assertThat(s.lost()).isZero();
    }

    @Test
    void aHoleInsideACountedRecordIsAGapAndTheCountingGoesOn() {
        RecordSink sink = new RecordSink();
        TcpStream s = new TcpStream(sink);
        s.onSyn(99);
        segment(s, 0);
        segment(s, 2); // held as its length only
        segment(s, 3); // held as two headers
        s.onPeerAck(100 + 3000, 3); // the receiver acknowledged [1000, 2000): the capture lost it
        assertThat(sink.events).containsExactly("read 16 15", "counted 3005", "gap 1000", "counted 55", "counted 2005");
        segment(s, 4);
        segment(s, 5);
        assertThat(sink.events).endsWith("read 16 11");
        assertThat(s.lost()).isEqualTo(1000);
        assertThat(s.delivered()).isEqualTo(RECORDS.length - 1000);
    }

    @Test
    void aHoleOverAHeaderEndsTheFramingAsBefore() {
        RecordSink sink = new RecordSink();
        TcpStream s = new TcpStream(sink);
        s.onSyn(99);
        segment(s, 0);
        segment(s, 1);
        segment(s, 2);
        segment(s, 4); // held whole: the header of the 2005-byte record lies in the hole before it
        s.finish(9); // [3000, 4000) never came: the 55-byte record's header and the 2005-byte one's are lost
        assertThat(sink.events).containsExactly("read 16 15", "counted 3005", "gap 1000", "lost 1000");
        assertThat(s.copiedBytes()).isEqualTo(1000);
    }

    @Test
    void aLongerRetransmissionReplacesAHeldLengthAsItReplacesHeldBytes() {
        RecordSink sink = new RecordSink();
        TcpStream s = new TcpStream(sink);
        s.onSyn(99);
        segment(s, 0);
        s.onSegment(100 + 2000, RECORDS, 2000, 500, false, 1); // half of segment 2, inside the 3005-byte record
        segment(s, 2); // the whole of it, same start: kept instead
        assertThat(s.bufferedBytes()).isEqualTo(1000);
        segment(s, 1);
        for (int i = 3; i < 6; i++) segment(s, i);
        assertThat(sink.events).isEqualTo(ALL_RECORDS);
        assertThat(s.retransmitted()).isZero();
    }

    // ---- a whole connection: the report of reordered or lost late application data ------------------------

    /** CR, CC, TLS 1.2 handshake, then client records of 3000 bytes (3 segments each) and server answers; FINs. */
    private static List<TcpConversation.Packet> connection() {
        TcpConversation t = new TcpConversation(TestCaptures.C4, 50200, TestCaptures.S4, 3389, 1_700_000_000L * SECOND, 500, 900);
        t.handshake()
                .client(TcpConversation.connectionRequest("alice", 3)).server(TcpConversation.connectionConfirm(2))
                .client(TcpConversation.clientHelloRecord("rdp.example"))
                .server(TcpConversation.serverFlightRecord(0xC030, List.of()))
                .client(TcpConversation.concat(TcpConversation.changeCipherSpec(), TcpConversation.applicationData(40)))
                .server(TcpConversation.concat(TcpConversation.changeCipherSpec(), TcpConversation.applicationData(40)));
        for (int i = 0; i < 4; i++) {
            t.client(TcpConversation.applicationData(3000)).server(TcpConversation.applicationData(200 + i));
        }
        t.fin(true).fin(false);
        return t.packets();
    }

    /** The index of the n-th client packet carrying payload after the handshake (the application data). */
    private static int clientData(List<TcpConversation.Packet> ps, int n) {
        int seen = 0;
        for (int i = 0; i < ps.size(); i++) {
            TcpConversation.Packet p = ps.get(i);
            if (p.fromClient() && p.payloadLength() > 0 && ++seen == n) {
                return i;
            }
        }
        throw new IllegalArgumentException("no client data packet " + n);
    }

    private AnalyzedConnection analyze(String name, List<TcpConversation.Packet> ps) throws IOException {
        Path f = TestCaptures.write(dir.resolve(name), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, ps);
        List<AnalyzedConnection> cs = TestCaptures.analyze(f);
        assertThat(cs).hasSize(1);
        return cs.get(0);
    }

    private static Map<String, Object> credssp(AnalyzedConnection c) {
        StageResult r = c.report().stages().stream().filter(s -> s.stage() == Stage.CREDSSP).findFirst().orElseThrow();
        return r.evidence();
    }

    private static Map<String, Object> capture(AnalyzedConnection c) {
        return c.report().section(CaptureSection.class).orElseThrow().facts();
    }

    @Test
    void lateApplicationDataIsCountedWithoutBeingDelivered() throws IOException {
        AnalyzedConnection c = analyze("inorder.pcap", connection());
        assertThat(c.tcp().recordsOnly(RdpConnection.Side.CLIENT)).isTrue();
        assertThat(credssp(c)).containsEntry("clientRecords", 5L).containsEntry("serverRecords", 5L)
                .containsEntry("clientBytes", 45L + 4 * 3005).containsEntry("serverBytes", 45L + 4 * 205 + 6);
        assertThat(capture(c)).doesNotContainKey("lostBytes");
        assertThat(c.tcp().c2s.copiedBytes()).isZero();
    }

    @Test
    void outOfOrderDataAfterTheHandshakeGivesTheSameReportWithoutCopies() throws IOException {
        List<TcpConversation.Packet> inOrder = connection();
        List<TcpConversation.Packet> swapped = new ArrayList<>(inOrder);
        // the second and third segments of the client's second 3000-byte record change places (the third lies
        // inside the record: held as its length)
        int a = clientData(inOrder, 8), b = clientData(inOrder, 9);
        swapped.set(a, inOrder.get(b));
        swapped.set(b, inOrder.get(a));
        // the last segment of the third record comes after the first of the fourth (its header: held as 5 bytes),
        // both after the server's answer in between
        TcpConversation.Packet tail = inOrder.get(clientData(inOrder, 12));
        TcpConversation.Packet head = inOrder.get(clientData(inOrder, 13));
        swapped.remove(tail);
        swapped.add(swapped.indexOf(head) + 1, tail);
        AnalyzedConnection ordered = analyze("ordered.pcap", inOrder);
        AnalyzedConnection reordered = analyze("reordered.pcap", swapped);
        assertThat(credssp(reordered)).isEqualTo(credssp(ordered));
        assertThat(capture(reordered).get("clientBytes")).isEqualTo(capture(ordered).get("clientBytes"));
        assertThat(capture(reordered)).doesNotContainKey("lostBytes");
        assertThat(reordered.report().verdict()).isEqualTo(ordered.report().verdict());
        // the body segment (inside a counted record) was held as its length, the other as the header in it
        assertThat(reordered.tcp().c2s.copiedBytes()).isEqualTo(5);
        assertThat(reordered.tcp().c2s.retransmitted()).isZero();
    }

    @Test
    void aGapInsideLateApplicationDataIsReportedAndTheRecordsStillCount() throws IOException {
        List<TcpConversation.Packet> ps = new ArrayList<>(connection());
        TcpConversation.Packet dropped = ps.remove(clientData(ps, 8)); // the middle of the second 3000-byte record
        AnalyzedConnection c = analyze("gap.pcap", ps);
        assertThat(capture(c).get("lostBytes")).isEqualTo(Map.of("client", (long) dropped.payloadLength(), "server", 0L));
        assertThat(credssp(c)).containsEntry("clientRecords", 5L).containsEntry("serverRecords", 5L);
        assertThat(capture(c).get("notes").toString()).contains("client stream: capture lost " + dropped.payloadLength() + " bytes")
                .doesNotContain("decoding stopped");
    }
}
