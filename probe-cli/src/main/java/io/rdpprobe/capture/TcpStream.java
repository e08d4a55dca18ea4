package io.rdpprobe.capture;

import java.util.Map;
import java.util.TreeMap;

/**
 * One direction of a TCP connection, reassembled: out-of-order segments are held until the hole fills,
 * retransmissions and overlaps are trimmed (the first copy wins), and a hole that never fills (the peer moved on,
 * the connection closed, the capture ended, or too much is buffered) is reported as a gap of N bytes rather than
 * guessed. Sequence numbers are unwrapped to 64 bits relative to the first one seen.
 */
public final class TcpStream {
    /** Out-of-order bytes held before the oldest hole is declared lost. */
    public static final int MAX_BUFFERED = 1 << 20;

    private final StreamSink sink;
    private boolean started;
    private long next; // unwrapped sequence number of the next byte expected
    private long finSeq = -1;
    private final TreeMap<Long, byte[]> pending = new TreeMap<>();
    private int pendingBytes;
    private long delivered;
    private long lost;
    private long retransmitted;
    private boolean synSeen;

    public TcpStream(StreamSink sink) {
        this.sink = sink;
    }

    private long unwrap(long seq32) {
        int delta = (int) (seq32 - (next & 0xFFFFFFFFL));
        return next + delta;
    }

    /** A SYN from this side: the data starts at seq + 1. */
    public void onSyn(long seq32) {
        if (!started || delivered == 0 && pending.isEmpty()) {
            next = (seq32 + 1) & 0xFFFFFFFFL;
            started = true;
            synSeen = true;
        }
    }

    public void onSegment(long seq32, byte[] data, int off, int len, boolean fin, long ts) {
        if (!started) {
            next = seq32 & 0xFFFFFFFFL; // connection already open when the capture started
            started = true;
        }
        long abs = unwrap(seq32);
        if (fin) {
            finSeq = abs + len;
        }
        if (len == 0) {
            return;
        }
        long end = abs + len;
        if (end <= next) {
            retransmitted += len;
            return;
        }
        if (abs <= next) {
            int skip = (int) (next - abs);
            retransmitted += skip;
            deliver(data, off + skip, len - skip, ts);
            drain(ts);
        } else {
            byte[] copy = java.util.Arrays.copyOfRange(data, off, off + len);
            byte[] prev = pending.get(abs);
            if (prev == null || prev.length < copy.length) {
                pending.put(abs, copy);
                pendingBytes += copy.length - (prev == null ? 0 : prev.length);
            }
            while (pendingBytes > MAX_BUFFERED && !pending.isEmpty()) {
                skipToFirstPending(ts);
            }
        }
    }

    /** The peer acknowledged up to ack32: bytes before it that we never saw were lost by the capture. */
    public void onPeerAck(long ack32, long ts) {
        if (!started) {
            return;
        }
        long abs = unwrap(ack32);
        if (finSeq >= 0 && abs == finSeq + 1) {
            abs = finSeq;
        }
        if (abs > next && abs - next < (1L << 30) && !pending.isEmpty() && pending.firstKey() <= abs) {
            skipToFirstPending(ts);
        }
    }

    private void deliver(byte[] data, int off, int len, long ts) {
        sink.onData(data, off, len, ts);
        next += len;
        delivered += len;
    }

    private void drain(long ts) {
        while (!pending.isEmpty()) {
            Map.Entry<Long, byte[]> e = pending.firstEntry();
            long k = e.getKey();
            if (k > next) {
                return;
            }
            pending.pollFirstEntry();
            byte[] b = e.getValue();
            pendingBytes -= b.length;
            long end = k + b.length;
            if (end > next) {
                int skip = (int) (next - k);
                retransmitted += skip;
                deliver(b, skip, b.length - skip, ts);
            } else {
                retransmitted += b.length;
            }
        }
    }

    private void skipToFirstPending(long ts) {
        long k = pending.firstKey();
        long gap = k - next;
        if (gap > 0) {
            lost += gap;
            sink.onGap(gap, ts);
            next = k;
        }
        drain(ts);
    }

    /** End of the connection or capture: every remaining hole becomes a reported gap, including bytes before FIN. */
    public void finish(long ts) {
        while (!pending.isEmpty()) {
            skipToFirstPending(ts);
        }
        if (finSeq > next && finSeq - next < (1L << 30)) {
            long gap = finSeq - next;
            lost += gap;
            sink.onGap(gap, ts);
            next = finSeq;
        }
    }

    public long delivered() { return delivered; }
    public long lost() { return lost; }
    public long retransmitted() { return retransmitted; }
    public boolean synSeen() { return synSeen; }
    public int bufferedBytes() { return pendingBytes; }
}
