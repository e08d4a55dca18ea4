package io.rdpprobe.probe.connector;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.probe.pdu.PduStream;
import io.rdpprobe.probe.model.TranscriptSection;
import io.rdpprobe.probe.model.TranscriptSection.Entry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What crossed the connection, in order: stage transitions and every PDU the probe sent and received, each
 * named by the protocol decoders ({@link io.rdpprobe.probe.pdu.PduNames}): the X.224 exchange with its
 * negotiation, the TLS handshake's records (ClientHello ... Finished, alerts), the TSRequests by the NTLM
 * message they carry, MCS, licensing and share PDUs, and through an RD Gateway its HTTP exchange and RDG
 * packets. Times are milliseconds since the TCP connect. It holds at most {@link #MAX_ENTRIES} entries and 24
 * bytes of each PDU, so it never grows with the traffic, and it never holds credentials: CredSSP and TLS
 * records are recorded by name and size only, and a name never includes a secret.
 */
public final class Transcript {
    public static final int MAX_ENTRIES = 400;
    /** The peer of a PDU: the target server (also when tunnelled through a gateway), or the RD Gateway. */
    public static final String SERVER = TranscriptSection.SERVER;
    public static final String GATEWAY = TranscriptSection.GATEWAY;

    private final long startNanos;
    private final List<Entry> entries = new ArrayList<>();
    private final PduStream stream = new PduStream();
    /** TLS record state per connection other than the target's (the gateway's OUT and IN connections). */
    private final Map<String, PduStream> tlsStreams = new LinkedHashMap<>();
    private int dropped;
    private boolean standardSecurity;

    public Transcript(long startNanos) {
        this.startNanos = startNanos;
    }

    private synchronized void add(long nowNanos, String dir, String stage, String text, String pdu, int bytes, String peer) {
        if (entries.size() >= MAX_ENTRIES) {
            dropped++;
            return;
        }
        entries.add(new Entry(Math.max(0, (nowNanos - startNanos) / 1_000_000L), dir, stage, text, pdu, bytes, peer));
    }

    public void event(long nowNanos, String stage, String text) {
        flushPartial(nowNanos, stage);
        add(nowNanos, "*", stage, text, null, -1, null);
    }

    /** Whether Standard RDP Security is in force (the server selected RDP): every Send Data has a security header. */
    public synchronized void standardSecurity(boolean on) {
        this.standardSecurity = on;
    }

    /**
     * Plaintext the driver sent or received (inside TLS, and inside a gateway tunnel): cut into PDUs and
     * named. {@code opaque} hides the bytes (CredSSP): the name and size are still recorded.
     */
    public void pdu(long nowNanos, boolean sent, String stage, ByteBuf b, boolean opaque) {
        List<PduStream.Pdu> pdus;
        synchronized (this) {
            pdus = stream.plain(sent, stage, b, standardSecurity);
        }
        for (PduStream.Pdu p : pdus) {
            named(nowNanos, sent, stage, SERVER, p.name(), p.size(), opaque ? null : p.head());
        }
    }

    /**
     * Raw TLS bytes of a handshake with {@code peer}, as written or read; {@code connection} tells the TLS
     * sessions of one peer apart (the gateway's two connections), null for the target's.
     */
    public void tls(long nowNanos, boolean sent, String stage, String peer, String connection, ByteBuf b) {
        List<PduStream.Pdu> pdus;
        synchronized (this) {
            PduStream st = connection == null ? stream : tlsStreams.computeIfAbsent(connection, k -> new PduStream());
            pdus = st.tls(sent, b);
        }
        for (PduStream.Pdu p : pdus) {
            named(nowNanos, sent, stage, peer, p.name(), p.size(), null);
        }
    }

    /** A PDU named by its sender or receiver (the gateway's HTTP messages and RDG packets). */
    public void named(long nowNanos, boolean sent, String stage, String peer, String name, int size, byte[] head) {
        StringBuilder sb = new StringBuilder(name).append(", ").append(size).append(" bytes");
        if (head != null && head.length > 0) {
            sb.append(": ");
            for (int i = 0; i < head.length; i++) {
                sb.append(String.format("%02x", head[i] & 0xFF));
                if (i + 1 < head.length) sb.append(' ');
            }
            if (size > head.length) sb.append(" ...");
        }
        add(nowNanos, sent ? ">" : "<", stage, sb.toString(), name, size, peer);
    }

    private void flushPartial(long nowNanos, String stage) {
        List<PduStream.Pending> left;
        synchronized (this) {
            left = new ArrayList<>(stream.flush());
        }
        for (PduStream.Pending p : left) {
            named(nowNanos, p.sent(), stage, SERVER, p.pdu().name(), p.pdu().size(), null);
        }
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The PDU entries only, in order: the arrows of a ladder diagram. */
    public synchronized List<Entry> pdus() {
        return entries.stream().filter(Entry::isPdu).toList();
    }

    public synchronized int dropped() {
        return dropped;
    }

    /** What was recorded so far, as the report's "transcript" section. */
    public synchronized TranscriptSection section() {
        return new TranscriptSection(entries, dropped);
    }
}
