package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.rdpprobe.protocol.codec.DecodeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The framer over segments cut anywhere: frames are read in place while nothing is held, and a frame or header split
 * across segments is completed from a copy. Every cut must give the events of the unsplit stream, and the caller's
 * array is overwritten after each segment (as the capture reader reuses its buffer), so a frame that kept a view of
 * it would show.
 */
class FramerTest {
    /** What the handler saw: frames (hex), skipped frames (first byte, length), bad data and lost framing. */
    static final class Recorder implements Framer.Handler {
        final List<String> events = new ArrayList<>();

        @Override
        public boolean wants(ByteBuf acc, int frameLength) {
            return acc.getUnsignedByte(acc.readerIndex()) != 0x17; // application data is skipped, the rest framed
        }

        @Override
        public void frame(ByteBuf frame, long ts) {
            events.add("frame " + ByteBufUtil.hexDump(frame) + " @" + ts);
        }

        @Override
        public void skipped(int firstByte, int frameLength, long ts) {
            events.add("skipped " + Integer.toHexString(firstByte) + " " + frameLength + " @" + ts);
        }

        @Override
        public void bad(DecodeException e, ByteBuf acc, long ts) {
            events.add("bad " + acc.readableBytes() + " " + ByteBufUtil.hexDump(acc));
        }

        @Override
        public void framingLost(long gapBytes, long ts) {
            events.add("lost " + gapBytes);
        }
    }

    private static byte[] tls(int type, int n, int fill) {
        byte[] b = new byte[5 + n];
        b[0] = (byte) type;
        b[1] = 3;
        b[2] = 3;
        b[3] = (byte) (n >> 8);
        b[4] = (byte) n;
        Arrays.fill(b, 5, b.length, (byte) fill);
        return b;
    }

    private static byte[] tpkt(int n, int fill) {
        byte[] b = new byte[4 + n];
        b[0] = 3;
        b[2] = (byte) ((4 + n) >> 8);
        b[3] = (byte) (4 + n);
        Arrays.fill(b, 4, b.length, (byte) fill);
        return b;
    }

    private static final byte[] STREAM = TcpConversation.concat(
            tpkt(7, 0x11), tls(0x16, 9, 0x22), tls(0x17, 40, 0x33), tls(0x14, 1, 0x01), tls(0x17, 3, 0x44),
            tls(0x16, 30, 0x55), tls(0x17, 600, 0x66), tpkt(3, 0x77));

    /** Feeds {@code data} cut at {@code cuts}, each segment through one shared array overwritten afterwards. */
    private static List<String> feed(byte[] data, int... cuts) {
        Recorder r = new Recorder();
        Framer f = new Framer(r);
        byte[] scratch = new byte[data.length + 16];
        int from = 0;
        long ts = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : data.length;
            if (to > from) {
                System.arraycopy(data, from, scratch, 8, to - from);
                f.feed(scratch, 8, to - from, ts);
                Arrays.fill(scratch, (byte) 0xEE);
            }
            from = to;
            ts++;
        }
        return r.events;
    }

    private static List<String> withoutTimes(List<String> events) {
        return events.stream().map(e -> e.replaceAll(" @\\d+$", "")).toList();
    }

    @Test
    void wholeStreamFramesAndSkips() {
        List<String> ev = feed(STREAM);
        assertThat(ev).hasSize(8);
        assertThat(ev.get(0)).isEqualTo("frame 0300000b11111111111111 @0");
        assertThat(ev.get(2)).isEqualTo("skipped 17 45 @0");
        assertThat(ev.get(6)).isEqualTo("skipped 17 605 @0");
        assertThat(ev.get(7)).isEqualTo("frame 03000007777777 @0");
    }

    @Test
    void everySingleCutGivesTheSameFrames() {
        List<String> whole = withoutTimes(feed(STREAM));
        for (int cut = 1; cut < STREAM.length; cut++) {
            assertThat(withoutTimes(feed(STREAM, cut))).as("cut at %d", cut).isEqualTo(whole);
        }
    }

    @Test
    void everyPairOfCutsGivesTheSameFrames() {
        List<String> whole = withoutTimes(feed(STREAM));
        // headers split in three (partial header held, then completed), frames held across two segments, skips
        // that end inside a later segment
        for (int a = 1; a < 120; a++) {
            for (int b = a + 1; b < 130; b++) {
                assertThat(withoutTimes(feed(STREAM, a, b))).as("cuts at %d, %d", a, b).isEqualTo(whole);
            }
        }
    }

    @Test
    void oneByteAtATimeGivesTheSameFrames() {
        int[] cuts = new int[STREAM.length - 1];
        for (int i = 0; i < cuts.length; i++) cuts[i] = i + 1;
        assertThat(withoutTimes(feed(STREAM, cuts))).isEqualTo(withoutTimes(feed(STREAM)));
    }

    @Test
    void aFrameHeldAcrossSegmentsIsDeliveredWithTheTimeOfItsLastSegment() {
        // the 0x16 record of 9 bytes after the 11-byte TPKT, cut inside its header, then inside its body
        List<String> ev = feed(STREAM, 13, 17);
        assertThat(ev.get(0)).endsWith("@0");
        assertThat(ev.get(1)).isEqualTo("frame 1603030009" + "22".repeat(9) + " @2");
        // the application data record that follows is skipped in the same (third) segment
        assertThat(ev.get(2)).isEqualTo("skipped 17 45 @2");
    }

    @Test
    void aSkippedFrameEndingInALaterSegmentLeavesTheFramingInStep() {
        int appStart = 11 + 14; // after the TPKT and the first handshake record
        List<String> ev = feed(STREAM, appStart + 3, appStart + 20, appStart + 44, appStart + 46);
        assertThat(withoutTimes(ev)).isEqualTo(withoutTimes(feed(STREAM)));
        assertThat(ev.get(2)).isEqualTo("skipped 17 45 @1"); // its header completed by the second segment
        assertThat(ev.get(3)).isEqualTo("frame 140303000101 @4");
    }

    @Test
    void badDataAfterAFrameSeesTheRestOfTheSegmentAsBefore() {
        byte[] data = TcpConversation.concat(tpkt(3, 0x01), new byte[] {(byte) 0x99, 1, 2, 3});
        assertThat(feed(data)).containsExactly("frame 03000007010101 @0", "bad 4 99010203");
        // a partial TPKT held, then the segment that completes it and carries the bad bytes
        assertThat(feed(data, 2)).containsExactly("frame 03000007010101 @1", "bad 4 99010203");
    }

    @Test
    void aGapInsideASkippedFrameKeepsTheFramingAndOneElsewhereEndsIt() {
        Recorder r = new Recorder();
        Framer f = new Framer(r);
        byte[] app = tls(0x17, 100, 0x33);
        byte[] hs = tls(0x16, 2, 0x22);
        f.feed(app, 0, 20, 0);
        assertThat(f.skippable()).isEqualTo(85);
        f.gap(50, 1);
        assertThat(f.skippable()).isEqualTo(35);
        f.feed(app, 70, 35, 2);
        assertThat(f.skippable()).isZero();
        f.feed(hs, 0, hs.length, 3);
        assertThat(r.events).containsExactly("skipped 17 105 @0", "frame 16030300022222 @3");
        f.gap(3, 4);
        assertThat(r.events).last().isEqualTo("lost 3");
        assertThat(f.dead()).isTrue();
        assertThat(f.skippable()).isEqualTo(Long.MAX_VALUE);
    }
}
