package io.rdpprobe.capture;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A streaming reader of capture files: one packet at a time, nothing kept but the current block (and for pcapng
 * the interface table and decryption secrets). Use {@link #open(InputStream)} to sniff the format. A packet's bytes
 * may be a view into the reader's own buffer: they stay valid until the next {@link #next()}.
 */
public abstract class CaptureReader implements Closeable {
    /** Largest block or packet accepted; anything larger is a broken file, not a packet. */
    public static final int MAX_BLOCK = 16 * 1024 * 1024;

    /** The stream a block reader reads from; null for a reader of a channel. */
    protected final InputStream in;
    private final Closeable resource;
    private long position;

    protected CaptureReader(InputStream in) {
        this.in = in;
        this.resource = in;
    }

    /** A reader that reads {@code channel} itself (classic pcap); {@link #in} is null. */
    protected CaptureReader(ReadableByteChannel channel) {
        this.in = null;
        this.resource = channel;
    }

    /**
     * Opens a file, sniffing pcap (either byte order, micro/nanosecond) or pcapng. Classic pcap is read straight from
     * a {@link FileChannel} into one reusable buffer.
     */
    public static CaptureReader open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ByteBuffer magic = ByteBuffer.allocate(4);
            while (magic.hasRemaining() && ch.read(magic) >= 0) {
                // fill
            }
            if (magic.position() == 4) {
                int be = magic.getInt(0);
                if (isPcapMagic(be)) {
                    return new PcapReader(ch, be);
                }
            }
            ch.position(0); // pcapng, or not a capture: sniffed and reported as for a stream
            return open(Channels.newInputStream(ch));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static boolean isPcapMagic(int be) {
        return be == 0xA1B2C3D4 || be == 0xD4C3B2A1 || be == 0xA1B23C4D || be == 0x4D3CB2A1;
    }

    public static CaptureReader open(InputStream raw) throws IOException {
        InputStream in = raw instanceof BufferedInputStream ? raw : new BufferedInputStream(raw, 1 << 16);
        byte[] magic = new byte[4];
        int n = in.readNBytes(magic, 0, 4);
        if (n < 4) {
            in.close();
            throw new CaptureFormatException(CaptureFormatException.Kind.NOT_A_CAPTURE, n == 0 ? "the file is empty"
                    : "the file is shorter than a capture's magic number (" + n + " byte(s))");
        }
        int be = ((magic[0] & 0xFF) << 24) | ((magic[1] & 0xFF) << 16) | ((magic[2] & 0xFF) << 8) | (magic[3] & 0xFF);
        switch (be) {
            case 0xA1B2C3D4, 0xD4C3B2A1, 0xA1B23C4D, 0x4D3CB2A1:
                return new PcapReader(Channels.newChannel(in), be);
            case 0x0A0D0D0A:
                return new PcapngReader(in);
            default:
                in.close();
                throw new CaptureFormatException(CaptureFormatException.Kind.NOT_A_CAPTURE,
                        String.format("unknown capture magic 0x%08x (not pcap or pcapng)", be));
        }
    }

    /**
     * The next packet, or null at the end of the file. A truncated last record ends the file; {@link #truncation()}
     * then says where.
     */
    public abstract RawPacket next() throws IOException;

    private String truncation;

    /** Null, or "truncated at byte N: ..." when the file ended inside a record. */
    public String truncation() {
        return truncation;
    }

    /** Notes that the file ended inside {@code what}, which starts at byte {@code start} and needs {@code need} bytes. */
    protected RawPacket truncated(String what, long start, long need) {
        truncation = "truncated at byte " + position + ": the " + what + " at byte " + start + " needs " + need
                + " byte(s), the file has " + (position - start);
        return null;
    }

    /** A header that the file ends inside: nothing can be read at all. */
    protected CaptureFormatException truncatedHeader(String what, long start, long need) {
        return new CaptureFormatException(CaptureFormatException.Kind.TRUNCATED, "truncated at byte " + position + ": the "
                + what + " at byte " + start + " needs " + need + " byte(s), the file has " + (position - start));
    }

    /** "pcap" or "pcapng". */
    public abstract String format();

    /** Decryption secrets seen so far (pcapng DSB); empty for pcap. */
    public List<DecryptionSecrets> secrets() {
        return List.of();
    }

    /** Bytes consumed from the stream so far (magic included). */
    public long position() {
        return position;
    }

    protected void advanced(long n) {
        position += n;
    }

    /** Reads exactly {@code n} bytes; returns false on a clean EOF before the first byte, throws on a partial read. */
    protected boolean readFully(byte[] b, int n) throws IOException {
        int got = in.readNBytes(b, 0, n);
        position += got;
        if (got == 0 && n > 0) {
            return false;
        }
        if (got < n) {
            throw new EOFException("capture truncated: needed " + n + " bytes, got " + got);
        }
        return true;
    }

    protected void skipFully(long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("capture truncated while skipping");
                }
                s = 1;
            }
            left -= s;
            position += s;
        }
    }

    static int u32(byte[] b, int off, boolean le) {
        return le ? (b[off] & 0xFF) | ((b[off + 1] & 0xFF) << 8) | ((b[off + 2] & 0xFF) << 16) | ((b[off + 3] & 0xFF) << 24)
                : ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static int u16(byte[] b, int off, boolean le) {
        return le ? (b[off] & 0xFF) | ((b[off + 1] & 0xFF) << 8) : ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    @Override
    public void close() throws IOException {
        resource.close();
    }
}
