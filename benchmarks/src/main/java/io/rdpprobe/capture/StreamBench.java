package io.rdpprobe.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The analyser's per-connection stream path without the capture reader or the report: one operation is one
 * connection's TCP payload (X.224 CR/CC, a TLS 1.2 handshake, then 10 round trips of application data records,
 * client records of 3,000 bytes in three segments, as {@code SyntheticCapture} writes them) fed segment by segment
 * through {@link TcpStream}, {@link Framer} and {@link RdpConnection}'s handlers. Each segment is copied into one
 * scratch array first, as the capture reader hands segments out of its one buffer. {@code order=reordered} swaps
 * the second and third segments of every client record (the third arrives first, out of order). With
 * {@code -prof gc}, {@code gc.alloc.rate.norm} is bytes allocated per connection.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class StreamBench {
    private static final int MSS = 1460;
    private static final Endpoint CLIENT = new Endpoint(new byte[] {10, 0, 0, 1}, 50000);
    private static final Endpoint SERVER = new Endpoint(new byte[] {10, 0, 0, 2}, 3389);
    private static final long CLIENT_ISN = 1000;
    private static final long SERVER_ISN = 0xFFFFFF00L;

    @Param({"inorder", "reordered"})
    public String order;

    private record Segment(boolean fromClient, long seq, byte[] data) {}

    private final List<Segment> segments = new ArrayList<>();
    private final byte[] scratch = new byte[65536];
    private long cseq;
    private long sseq;

    @Setup
    public void script() {
        segments.clear();
        cseq = CLIENT_ISN + 1;
        sseq = SERVER_ISN + 1;
        send(true, TcpConversation.connectionRequest("alice", 3), false);
        send(false, TcpConversation.connectionConfirm(2), false);
        send(true, TcpConversation.clientHelloRecord("rdp.example"), false);
        send(false, TcpConversation.serverFlightRecord(0xC030, List.of(new byte[900])), false);
        send(true, TcpConversation.concat(TcpConversation.changeCipherSpec(), TcpConversation.applicationData(40)), false);
        send(false, TcpConversation.concat(TcpConversation.changeCipherSpec(), TcpConversation.applicationData(40)), false);
        for (int i = 0; i < 10; i++) {
            send(true, TcpConversation.applicationData(3000), order.equals("reordered"));
            send(false, TcpConversation.applicationData(200 + 100 * i), false);
        }
    }

    private void send(boolean fromClient, byte[] data, boolean swapLastTwo) {
        int first = segments.size();
        for (int off = 0; off < data.length; off += MSS) {
            int n = Math.min(MSS, data.length - off);
            long seq = fromClient ? cseq : sseq;
            segments.add(new Segment(fromClient, seq & 0xFFFFFFFFL, java.util.Arrays.copyOfRange(data, off, off + n)));
            if (fromClient) cseq += n; else sseq += n;
        }
        int last = segments.size() - 1;
        if (swapLastTwo && last - first >= 2) {
            Segment s = segments.get(last);
            segments.set(last, segments.get(last - 1));
            segments.set(last - 1, s);
        }
    }

    @Benchmark
    public RdpConnection connection() {
        RdpConnection c = new RdpConnection(CLIENT, SERVER, 0, true);
        c.c2s.onSyn(CLIENT_ISN);
        c.s2c.onSyn(SERVER_ISN);
        long ts = 0;
        for (Segment s : segments) {
            ts += 100_000;
            byte[] d = s.data();
            System.arraycopy(d, 0, scratch, 0, d.length);
            (s.fromClient() ? c.c2s : c.s2c).onSegment(s.seq(), scratch, 0, d.length, false, ts);
        }
        c.finish(ts);
        return c;
    }
}
