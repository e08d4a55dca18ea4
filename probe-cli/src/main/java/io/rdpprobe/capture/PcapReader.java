package io.rdpprobe.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Classic libpcap files: 24-byte global header, then 16-byte record headers (ts_sec, ts_usec|ts_nsec, incl_len,
 * orig_len). Magic 0xA1B2C3D4 (microseconds) or 0xA1B23C4D (nanoseconds), in either byte order.
 *
 * <p>Read from a channel into one reusable buffer (grown only for a record larger than it); each packet is a view
 * into that buffer, valid until the next {@link #next()}. No array is allocated per packet.
 */
final class PcapReader extends CaptureReader {
    /** Read buffer size: many records per read, small enough to stay in the cache-friendly range. */
    static final int BUFFER = 1 << 20;

    private final ReadableByteChannel ch;
    private final boolean littleEndian;
    private final boolean nanos;
    private final int linkType;
    private final int snapLen;
    private byte[] buf = new byte[BUFFER];
    private int pos; // next unread byte in buf
    private int lim; // end of the bytes read into buf
    private boolean eof;

    /** {@code ch} is positioned after the 4-byte magic, which {@code magicBigEndianRead} is. */
    PcapReader(ReadableByteChannel ch, int magicBigEndianRead) throws IOException {
        super(ch);
        this.ch = ch;
        advanced(4);
        littleEndian = magicBigEndianRead == 0xD4C3B2A1 || magicBigEndianRead == 0x4D3CB2A1;
        nanos = magicBigEndianRead == 0xA1B23C4D || magicBigEndianRead == 0x4D3CB2A1;
        if (!fill(20)) {
            advanced(lim - pos);
            throw truncatedHeader("pcap file header", 0, 24);
        }
        snapLen = u32(buf, pos + 12, littleEndian);
        linkType = u32(buf, pos + 16, littleEndian) & 0x0FFFFFFF; // upper bits: FCS info
        pos += 20;
        advanced(20);
    }

    /** Makes at least {@code n} unread bytes available in buf; false if the file ends first. */
    private boolean fill(int n) throws IOException {
        if (lim - pos >= n) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        if (n > buf.length) {
            buf = java.util.Arrays.copyOf(buf, n);
        }
        ByteBuffer bb = ByteBuffer.wrap(buf);
        while (lim < n && !eof) {
            bb.limit(buf.length).position(lim);
            int got = ch.read(bb);
            if (got < 0) {
                eof = true;
            } else {
                lim += got;
            }
        }
        return lim >= n;
    }

    @Override
    public RawPacket next() throws IOException {
        long start = position();
        if (!fill(16)) {
            if (lim == pos) {
                return null;
            }
            advanced(lim - pos);
            pos = lim;
            return truncated("record header", start, 16); // the capture ends here; what came before is analysed
        }
        int h = pos;
        long sec = u32(buf, h, littleEndian) & 0xFFFFFFFFL;
        long frac = u32(buf, h + 4, littleEndian) & 0xFFFFFFFFL;
        int incl = u32(buf, h + 8, littleEndian);
        int orig = u32(buf, h + 12, littleEndian);
        if (incl < 0 || incl > MAX_BLOCK) {
            advanced(16);
            throw new CaptureFormatException("pcap record at byte " + start + " claims " + Integer.toUnsignedString(incl)
                    + " captured bytes (at most " + MAX_BLOCK + " accepted)");
        }
        if (!fill(16 + incl)) {
            advanced(lim - pos);
            pos = lim;
            return truncated("record", start, 16L + incl);
        }
        int data = pos + 16;
        pos = data + incl;
        advanced(16L + incl);
        long ts = sec * 1_000_000_000L + (nanos ? frac : frac * 1000L);
        return new RawPacket(ts, linkType, 0, buf, data, incl, orig < 0 ? Integer.MAX_VALUE : Math.max(orig, incl), null);
    }

    @Override
    public String format() {
        return "pcap";
    }

    boolean littleEndian() {
        return littleEndian;
    }

    int snapLen() {
        return snapLen;
    }
}
