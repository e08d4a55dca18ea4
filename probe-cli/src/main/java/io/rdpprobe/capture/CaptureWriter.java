package io.rdpprobe.capture;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes pcap (either byte order, micro- or nanosecond) or pcapng (either byte order, one SHB, IDBs as packets need
 * them, EPBs; optionally a DSB) files. Used by tests and the benchmark generator; the analyser never writes.
 */
public final class CaptureWriter implements Closeable {
    /** Output format. */
    public enum Format { PCAP_MICRO, PCAP_NANO, PCAPNG }

    private final OutputStream out;
    private final Format format;
    private final ByteOrder order;
    private final java.util.Map<Integer, Integer> ifaceByLinkType = new java.util.HashMap<>();
    private final int pcapLinkType;

    /**
     * @param pcapLinkType the single link type of a classic pcap file (ignored for pcapng, where each link type gets
     *                     its own interface)
     */
    public CaptureWriter(OutputStream out, Format format, ByteOrder order, int pcapLinkType) throws IOException {
        this(out, format, order, pcapLinkType, null, null);
    }

    /**
     * A pcapng file whose Section Header Block carries {@code shb_comment} and {@code shb_userappl} options (either may
     * be null); they are ignored for classic pcap, which has no place for them.
     */
    public CaptureWriter(OutputStream out, Format format, ByteOrder order, int pcapLinkType, String shbComment,
                         String userApplication) throws IOException {
        this.out = out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out, 1 << 16);
        this.format = format;
        this.order = order;
        this.pcapLinkType = pcapLinkType;
        if (format == Format.PCAPNG) {
            byte[] opts = options(new int[] {OPT_COMMENT, SHB_USERAPPL}, new String[] {shbComment, userApplication});
            int total = 28 + opts.length;
            ByteBuffer b = buf(total);
            b.putInt(0x0A0D0D0A).putInt(total).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L)
                    .put(opts).putInt(total);
            this.out.write(b.array());
        } else {
            ByteBuffer b = buf(24);
            b.putInt(format == Format.PCAP_NANO ? 0xA1B23C4D : 0xA1B2C3D4).putShort((short) 2).putShort((short) 4)
                    .putInt(0).putInt(0).putInt(262144).putInt(pcapLinkType);
            this.out.write(b.array());
        }
    }

    /** pcapng option codes: opt_comment (every block), shb_userappl. */
    static final int OPT_COMMENT = 1;
    static final int SHB_USERAPPL = 4;

    /** An options list (code, length, UTF-8 value padded to 32 bits ... opt_endofopt), empty when every value is null. */
    private byte[] options(int[] codes, String[] values) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < codes.length; i++) {
            if (values[i] == null) {
                continue;
            }
            byte[] v = values[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int len = Math.min(v.length, 0xFFFF);
            o.writeBytes(buf(4).putShort((short) codes[i]).putShort((short) len).array());
            o.write(v, 0, len);
            o.writeBytes(new byte[(4 - (len & 3)) & 3]);
        }
        if (o.size() == 0) {
            return new byte[0];
        }
        o.writeBytes(new byte[4]); // opt_endofopt
        return o.toByteArray();
    }

    private ByteBuffer buf(int n) {
        return ByteBuffer.allocate(n).order(order);
    }

    /** Adds a packet; for pcapng a new interface is described the first time a link type appears. */
    public void write(long timestampNanos, int linkType, byte[] frame) throws IOException {
        write(timestampNanos, linkType, frame, frame.length);
    }

    public void write(long timestampNanos, int linkType, byte[] frame, int originalLength) throws IOException {
        write(timestampNanos, linkType, frame, originalLength, null);
    }

    /** As {@link #write(long, int, byte[], int)}; in pcapng the EPB carries {@code comment} (opt_comment) if not null. */
    public void write(long timestampNanos, int linkType, byte[] frame, int originalLength, String comment) throws IOException {
        if (format == Format.PCAPNG) {
            Integer id = ifaceByLinkType.get(linkType);
            if (id == null) {
                id = ifaceByLinkType.size();
                ifaceByLinkType.put(linkType, id);
                ByteBuffer b = buf(32);
                // IDB with if_tsresol = 9 (nanoseconds)
                b.putInt(1).putInt(32).putShort((short) linkType).putShort((short) 0).putInt(262144)
                        .putShort((short) 9).putShort((short) 1).put((byte) 9).put(new byte[3]).putInt(0).putInt(32);
                out.write(b.array());
            }
            int pad = (4 - (frame.length & 3)) & 3;
            byte[] opts = options(new int[] {OPT_COMMENT}, new String[] {comment});
            int total = 32 + frame.length + pad + opts.length;
            ByteBuffer b = buf(28);
            b.putInt(6).putInt(total).putInt(id).putInt((int) (timestampNanos >>> 32)).putInt((int) timestampNanos)
                    .putInt(frame.length).putInt(originalLength);
            out.write(b.array());
            out.write(frame);
            out.write(new byte[pad]);
            out.write(opts);
            out.write(buf(4).putInt(total).array());
            return;
        }
        if (linkType != pcapLinkType) {
            throw new IllegalArgumentException("a pcap file has one link type: " + pcapLinkType);
        }
        long sec = timestampNanos / 1_000_000_000L;
        long frac = timestampNanos % 1_000_000_000L;
        if (format == Format.PCAP_MICRO) {
            frac /= 1000;
        }
        ByteBuffer b = buf(16);
        b.putInt((int) sec).putInt((int) frac).putInt(frame.length).putInt(originalLength);
        out.write(b.array());
        out.write(frame);
    }

    /** A pcapng Decryption Secrets Block (pcapng only). */
    public void writeSecrets(int type, byte[] data) throws IOException {
        if (format != Format.PCAPNG) {
            throw new IllegalStateException("secrets need pcapng");
        }
        int pad = (4 - (data.length & 3)) & 3;
        int total = 20 + data.length + pad;
        out.write(buf(16).putInt(0x0A).putInt(total).putInt(type).putInt(data.length).array());
        out.write(data);
        out.write(new byte[pad]);
        out.write(buf(4).putInt(total).array());
    }

    /** An unknown block type, which readers must skip. */
    public void writeUnknownBlock(int type, byte[] body) throws IOException {
        int pad = (4 - (body.length & 3)) & 3;
        int total = 12 + body.length + pad;
        out.write(buf(8).putInt(type).putInt(total).array());
        out.write(body);
        out.write(new byte[pad]);
        out.write(buf(4).putInt(total).array());
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
