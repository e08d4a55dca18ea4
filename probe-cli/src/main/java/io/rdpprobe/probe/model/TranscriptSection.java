package io.rdpprobe.probe.model;

import java.util.List;

/**
 * "transcript": what crossed the connection, in order: stage transitions and every PDU sent and received, at
 * most a bounded number of entries ({@code dropped} says how many more there were). Recorded live by the probe
 * ({@code --transcript}, {@code --html}) or, for {@code analyze --html}, from the capture's PDUs at capture time.
 * It never holds credentials: CredSSP and TLS records are named by type and size only.
 */
public record TranscriptSection(List<Entry> entries, int dropped) implements Section {
    /** The peer of a PDU: the target server (also when tunnelled through a gateway), or the RD Gateway. */
    public static final String SERVER = "server";
    public static final String GATEWAY = "gateway";

    /**
     * One line: {@code dir} is ">" sent, "<" received, "*" an event. For a PDU, {@code pdu} is its name,
     * {@code bytes} its size and {@code peer} {@link #SERVER} or {@link #GATEWAY}; for an event they are null,
     * -1 and null. {@code tMs} is milliseconds since the TCP connect (or the connection's first packet);
     * {@code text} is the printed line.
     */
    public record Entry(long tMs, String dir, String stage, String text, String pdu, int bytes, String peer) {
        public boolean isPdu() {
            return pdu != null;
        }
    }

    public TranscriptSection {
        entries = List.copyOf(entries);
    }

    /** The PDU entries only, in order: the arrows of a ladder diagram. */
    public List<Entry> pdus() {
        return entries.stream().filter(Entry::isPdu).toList();
    }

    /** Whether any PDU was exchanged with an RD Gateway (the ladder then has a gateway column). */
    public boolean throughGateway() {
        return entries.stream().anyMatch(e -> e.isPdu() && GATEWAY.equals(e.peer()));
    }

    @Override
    public String key() {
        return "transcript";
    }

    @Override
    public <R> R accept(Visitor<R> v) {
        return v.transcript(this);
    }
}
