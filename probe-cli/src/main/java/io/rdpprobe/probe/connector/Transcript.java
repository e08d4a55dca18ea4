package io.rdpprobe.probe.connector;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.report.Renderable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What crossed the connection, in order: stage transitions and the PDUs the connector sent and received
 * (sizes and first bytes, in plaintext, i.e. inside TLS). Times are milliseconds since the TCP connect. It
 * holds at most {@link #MAX_ENTRIES} entries and 24 bytes of each PDU, so it never grows with the traffic,
 * and it never sees credentials in clear: CredSSP messages are recorded by size only.
 */
public final class Transcript implements Renderable {
    public static final int MAX_ENTRIES = 400;
    private static final int HEX_BYTES = 24;

    /** One line: {@code dir} is ">" sent, "<" received, "*" an event. */
    public record Entry(long tMs, String dir, String stage, String text) {}

    private final long startNanos;
    private final List<Entry> entries = new ArrayList<>();
    private int dropped;

    public Transcript(long startNanos) {
        this.startNanos = startNanos;
    }

    private void add(long nowNanos, String dir, String stage, String text) {
        if (entries.size() >= MAX_ENTRIES) {
            dropped++;
            return;
        }
        entries.add(new Entry(Math.max(0, (nowNanos - startNanos) / 1_000_000L), dir, stage, text));
    }

    public void event(long nowNanos, String stage, String text) {
        add(nowNanos, "*", stage, text);
    }

    /** A PDU; {@code opaque} records only its size (CredSSP, whose messages carry secrets). */
    public void pdu(long nowNanos, boolean sent, String stage, ByteBuf b, boolean opaque) {
        int n = b.readableBytes();
        StringBuilder sb = new StringBuilder().append(n).append(" bytes");
        if (!opaque && n > 0) {
            sb.append(": ");
            int k = Math.min(HEX_BYTES, n);
            for (int i = 0; i < k; i++) {
                sb.append(String.format("%02x", b.getUnsignedByte(b.readerIndex() + i)));
                if (i + 1 < k) sb.append(' ');
            }
            if (n > k) sb.append(" ...");
        }
        add(nowNanos, sent ? ">" : "<", stage, sb.toString());
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    @Override
    public String toText() {
        StringBuilder sb = new StringBuilder("Transcript (ms since connect; > sent, < received, * event):\n");
        for (Entry e : entries) {
            sb.append(String.format("  %6d %s %-17s %s%n", e.tMs(), e.dir(), e.stage(), e.text()));
        }
        if (dropped > 0) {
            sb.append("  (").append(dropped).append(" more entries dropped)\n");
        }
        return sb.toString();
    }

    @Override
    public Object toJson() {
        List<Object> out = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tMs", e.tMs());
            m.put("dir", e.dir());
            m.put("stage", e.stage());
            m.put("text", e.text());
            out.add(m);
        }
        return out;
    }
}
