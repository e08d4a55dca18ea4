package io.rdpprobe.capture;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Classic libpcap files: 24-byte global header, then 16-byte record headers (ts_sec, ts_usec|ts_nsec, incl_len,
 * orig_len). Magic 0xA1B2C3D4 (microseconds) or 0xA1B23C4D (nanoseconds), in either byte order.
 */
final class PcapReader extends CaptureReader {
    private final boolean littleEndian;
    private final boolean nanos;
    private final int linkType;
    private final int snapLen;
    private final byte[] hdr = new byte[16];

    PcapReader(InputStream in, int magicBigEndianRead) throws IOException {
        super(in);
        advanced(4);
        littleEndian = magicBigEndianRead == 0xD4C3B2A1 || magicBigEndianRead == 0x4D3CB2A1;
        nanos = magicBigEndianRead == 0xA1B23C4D || magicBigEndianRead == 0x4D3CB2A1;
        byte[] rest = new byte[20];
        try {
            if (!readFully(rest, 20)) {
                throw truncatedHeader("pcap file header", 0, 24);
            }
        } catch (EOFException e) {
            throw truncatedHeader("pcap file header", 0, 24);
        }
        snapLen = u32(rest, 12, littleEndian);
        linkType = u32(rest, 16, littleEndian) & 0x0FFFFFFF; // upper bits: FCS info
    }

    @Override
    public RawPacket next() throws IOException {
        long start = position();
        try {
            if (!readFully(hdr, 16)) {
                return null;
            }
        } catch (EOFException e) {
            return truncated("record header", start, 16); // the capture ends here; what came before is analysed
        }
        long sec = u32(hdr, 0, littleEndian) & 0xFFFFFFFFL;
        long frac = u32(hdr, 4, littleEndian) & 0xFFFFFFFFL;
        int incl = u32(hdr, 8, littleEndian);
        int orig = u32(hdr, 12, littleEndian);
        if (incl < 0 || incl > MAX_BLOCK) {
            throw new CaptureFormatException("pcap record at byte " + start + " claims " + Integer.toUnsignedString(incl)
                    + " captured bytes (at most " + MAX_BLOCK + " accepted)");
        }
        byte[] data = new byte[incl];
        try {
            if (incl > 0) {
                readFully(data, incl);
            }
        } catch (EOFException e) {
            return truncated("record", start, 16L + incl);
        }
        long ts = sec * 1_000_000_000L + (nanos ? frac : frac * 1000L);
        return new RawPacket(ts, linkType, 0, data, orig < 0 ? Integer.MAX_VALUE : Math.max(orig, incl));
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
