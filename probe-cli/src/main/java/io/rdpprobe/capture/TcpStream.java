package io.rdpprobe.capture;

import java.util.Map;
import java.util.TreeMap;

/**
 * One direction of a TCP connection, reassembled: out-of-order segments are held until the hole fills,
 * retransmissions and overlaps are trimmed (the first copy wins), and a hole that never fills (the peer moved on,
 * the connection closed, the capture ended, or too much is buffered) is reported as a gap of N bytes rather than
 * guessed. Sequence numbers are unwrapped to 64 bits relative to the first one seen.
 *
 * <p>Bytes the sink will drop unread ({@link StreamSink#skippable}: the rest of a frame it skips, or everything
 * once it stopped reading) are not copied: in order they reach it as {@link StreamSink#onSkipped}, and an
 * out-of-order segment is held as its length and the few header bytes the sink will read of it
 * ({@link StreamSink#countedFrame}), with every other byte only counted. Holes, gaps, retransmissions, the buffered
 * total and its bound come out as for a segment held whole.
 */
public final class TcpStream {
    /** Out-of-order bytes held before the oldest hole is declared lost. */
    public static final int MAX_BUFFERED = 1 << 20;

    private final StreamSink sink;
    private boolean started;
    private long next; // unwrapped sequence number of the next byte expected
    private long finSeq = -1;
    private final TreeMap<Long, Held> pending = new TreeMap<>();
    private int pendingBytes;
    private long delivered;
    private long lost;
    private long retransmitted;
    /** Bytes copied to hold out-of-order segments (whole segments, or the headers of counted frames). */
    private long copied;
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
            int n = len - skip;
            if (sink.skippable() >= n) {
                skipped(n, ts); // inside a frame the sink only counts: not delivered
            } else {
                deliver(data, off + skip, n, ts);
            }
            drain(ts);
        } else {
            Held copy = hold(abs, data, off, len);
            Held prev = pending.get(abs);
            if (prev == null || prev.length < copy.length) {
                pending.put(abs, copy);
                pendingBytes += copy.length - (prev == null ? 0 : prev.length);
            }
            while (pendingBytes > MAX_BUFFERED && !pending.isEmpty()) {
                skipToFirstPending(ts);
            }
        }
    }

    /**
     * An out-of-order segment, held: whole, or (when it lies where the sink only counts frames, and overlaps nothing
     * held) as its length and the headers of the counted frames in it, up to the first frame the sink would read,
     * which is kept whole from there.
     */
    private Held hold(long abs, byte[] data, int off, int len) {
        long skippable = sink.skippable();
        long end = abs + len;
        long frame = skippable == Long.MAX_VALUE ? Long.MAX_VALUE : next + skippable; // where the next frame starts
        if (skippable <= 0 || frame < abs || overlapsHeld(abs, end)) { // (a frame starting in the hole: unknown length)
            copied += len;
            return new Held(len, java.util.Arrays.copyOfRange(data, off, off + len), null, null);
        }
        int[] at = null;
        byte[][] piece = null;
        int n = 0;
        while (frame < end) {
            int rel = (int) (frame - abs);
            int fl = len - rel >= StreamSink.COUNTED_HEADER ? sink.countedFrame(data, off + rel, len - rel) : -1;
            if (at == null) {
                at = new int[4];
                piece = new byte[4][];
            } else if (n == at.length) {
                at = java.util.Arrays.copyOf(at, n * 2);
                piece = java.util.Arrays.copyOf(piece, n * 2);
            }
            at[n] = rel;
            if (fl < StreamSink.COUNTED_HEADER) {
                piece[n++] = java.util.Arrays.copyOfRange(data, off + rel, off + len); // read from here: kept whole
                copied += len - rel;
                break;
            }
            piece[n++] = java.util.Arrays.copyOfRange(data, off + rel, off + rel + StreamSink.COUNTED_HEADER);
            copied += StreamSink.COUNTED_HEADER;
            frame += fl;
        }
        return at == null ? new Held(len, null, NO_OFFSETS, NO_PIECES)
                : new Held(len, null, java.util.Arrays.copyOf(at, n), java.util.Arrays.copyOf(piece, n));
    }

    private boolean overlapsHeld(long abs, long end) {
        Map.Entry<Long, Held> below = pending.floorEntry(abs);
        if (below != null && below.getKey() + below.getValue().length > abs) {
            return true;
        }
        Long above = pending.higherKey(abs);
        return above != null && above < end;
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

    private void skipped(long len, long ts) {
        sink.onSkipped(len, ts);
        next += len;
        delivered += len;
    }

    private void drain(long ts) {
        while (!pending.isEmpty()) {
            Map.Entry<Long, Held> e = pending.firstEntry();
            long k = e.getKey();
            if (k > next) {
                return;
            }
            pending.pollFirstEntry();
            Held h = e.getValue();
            pendingBytes -= h.length;
            long end = k + h.length;
            if (end > next) {
                int skip = (int) (next - k);
                retransmitted += skip;
                deliverHeld(h, skip, ts);
            } else {
                retransmitted += h.length;
            }
        }
    }

    /** A held segment from byte {@code from} on: its bytes, or its counted stretches and the headers between them. */
    private void deliverHeld(Held h, int from, long ts) {
        if (h.bytes != null) {
            deliver(h.bytes, from, h.length - from, ts);
            return;
        }
        int pos = from;
        for (int i = 0; i < h.at.length; i++) {
            int s = h.at[i];
            int e = s + h.piece[i].length;
            if (e <= pos) {
                continue;
            }
            if (s > pos) {
                skipped(s - pos, ts);
                pos = s;
            }
            deliver(h.piece[i], pos - s, e - pos, ts);
            pos = e;
        }
        if (pos < h.length) {
            skipped(h.length - pos, ts);
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

    /** One held segment: {@code bytes}, or null and the pieces the sink reads ({@code piece[i]} at offset {@code at[i]}). */
    private record Held(int length, byte[] bytes, int[] at, byte[][] piece) {}

    private static final int[] NO_OFFSETS = {};
    private static final byte[][] NO_PIECES = {};

    public long delivered() { return delivered; }
    public long lost() { return lost; }
    public long retransmitted() { return retransmitted; }
    public boolean synSeen() { return synSeen; }
    public int bufferedBytes() { return pendingBytes; }
    /** Bytes copied so far to hold out-of-order segments (the held total, {@link #bufferedBytes}, counts them whole). */
    public long copiedBytes() { return copied; }
}
