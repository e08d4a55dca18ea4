package io.rdpprobe.capture;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;

/**
 * The file behind {@code probe --capture}: pcapng, one raw-IP interface, every packet synthesised from the probe's
 * own socket events (connect, bytes read, bytes written, close), not taken from the wire. The Section Header Block
 * says so in its comment, and the probe marks its connections with packet comments that {@code analyze} reads:
 *
 * <pre>
 * on the SYN                          "rdp-probe: the probe's own connection" (OWN_MARKER)
 * on the probe's FIN, when it closes  "rdp-probe stopped after CREDSSP as asked (...)"   (STOP_PREFIX: by design)
 *                                     "rdp-probe gave up at TLS: SERVER_STALLED (...)"    (GAVE_UP_PREFIX: a failure)
 * </pre>
 *
 * With secrets embedded (the default for pcapng), each TLS session's key log lines (the lines {@code --keylog} writes)
 * are a Decryption Secrets Block before the first packet that needs them, so tshark and {@code analyze} decrypt the
 * file with no key log: the file then holds the sessions' secrets. A classic pcap ({@link #ProbeCaptureFile(OutputStream,
 * String, boolean, boolean)}) has the packets only.
 *
 * Thread-safe; the writes of one connection come from its event loop.
 */
public final class ProbeCaptureFile implements Closeable {
    /** The comment on the SYN of each of the probe's own connections. */
    public static final String OWN_MARKER = "rdp-probe: the probe's own connection";
    /** The comment on the probe's close when it stopped by design (the rest names the stage and why). */
    public static final String STOP_PREFIX = io.rdpprobe.probe.connector.ProbeConnector.STOP_PREFIX;
    /** The comment on the probe's close when it ended the connection after a failure verdict. */
    public static final String GAVE_UP_PREFIX = io.rdpprobe.probe.connector.ProbeConnector.GAVE_UP_PREFIX;

    /** What the Section Header Block's comment says about how the file was made. */
    public static final String SYNTHESISED_NOTE = "written by rdp-probe --capture: every packet is synthesised from the "
            + "probe's own socket events (connect, bytes read, bytes written, close), not captured from the wire: the "
            + "TCP handshake is implied, a segment is one read or write (at most 65495 bytes), the window is a fixed "
            + "65535, there are no pure ACKs, retransmissions or checksums, and timestamps are the times the probe's "
            + "event loop handled each event; a close is recorded from the side that started it as the probe saw it "
            + "(a server RST as the server's). Packet comments starting with 'rdp-probe' mark the probe's connections "
            + "and why it stopped. For the wire's view run tcpdump alongside.";

    private final CaptureWriter writer;
    private final long wallBaseNanos = System.currentTimeMillis() * 1_000_000L;
    private final long nanoBase = System.nanoTime();

    private final boolean pcapng;
    private final boolean embedSecrets;

    /** pcapng with the TLS secrets embedded. */
    public ProbeCaptureFile(OutputStream out, String version) throws IOException {
        this(out, version, true, true);
    }

    /**
     * @param pcapng       pcapng (comments, markers, secrets) or classic pcap (libpcap format, microseconds, raw IP:
     *                     packets only)
     * @param embedSecrets pcapng only: each TLS session's key log lines go into a Decryption Secrets Block before the
     *                     packets that need them
     */
    public ProbeCaptureFile(OutputStream out, String version, boolean pcapng, boolean embedSecrets) throws IOException {
        this.pcapng = pcapng;
        this.embedSecrets = pcapng && embedSecrets;
        this.writer = new CaptureWriter(out, pcapng ? CaptureWriter.Format.PCAPNG : CaptureWriter.Format.PCAP_MICRO,
                ByteOrder.LITTLE_ENDIAN, PacketDecoder.LINKTYPE_RAW, SYNTHESISED_NOTE, "rdp-probe " + (version == null ? "dev" : version));
    }

    /** Whether this file takes TLS secrets ({@link #secrets}): pcapng with secrets not turned off. */
    public boolean embedsSecrets() {
        return embedSecrets;
    }

    /** Whether this is pcapng (classic pcap has no comments and no secrets). */
    public boolean isPcapng() {
        return pcapng;
    }

    /**
     * One Decryption Secrets Block of type TLS key log ("TLSK") holding {@code lines} as NSS key log text, one line
     * each; ignored when the file takes no secrets.
     */
    public synchronized void secrets(java.util.List<String> lines) {
        if (!embedSecrets || lines.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            b.append(l).append('\n');
        }
        try {
            writer.writeSecrets(DecryptionSecrets.TLS_KEY_LOG, b.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // as for packets: the file ends early, the probe goes on
        }
    }

    /** Nanoseconds since the epoch now (the wall clock at open, advanced by the monotonic clock). */
    public long now() {
        return wallBaseNanos + (System.nanoTime() - nanoBase);
    }

    /** One IPv4 or IPv6 packet carrying TCP, with an optional comment. */
    public synchronized void tcp(long tsNanos, byte[] src, int sport, byte[] dst, int dport, long seq, long ack, int flags,
                                 byte[] payload, String comment) {
        byte[] ip = FrameBuilder.tcp(src, sport, dst, dport, seq, ack, flags, payload);
        try {
            writer.write(tsNanos, PacketDecoder.LINKTYPE_RAW, ip, ip.length, comment);
        } catch (IOException e) {
            // a capture that cannot be written must not fail the probe: the file ends early
        }
    }

    public synchronized void flush() {
        try {
            writer.flush();
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }
}
