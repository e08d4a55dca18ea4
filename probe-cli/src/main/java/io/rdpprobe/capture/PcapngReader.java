package io.rdpprobe.capture;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * pcapng (draft-ietf-opsawg-pcapng): SHB (0x0A0D0D0A, byte order from its magic), IDB (1), EPB (6), SPB (3),
 * the obsolete Packet Block (2), DSB (0x0A, kept), anything else skipped. Several sections and interfaces;
 * per-interface timestamp resolution (if_tsresol) and offset (if_tsoffset).
 */
final class PcapngReader extends CaptureReader {
    static final int SHB = 0x0A0D0D0A;
    static final int IDB = 1;
    static final int PB = 2;
    static final int SPB = 3;
    static final int EPB = 6;
    static final int DSB = 0x0A;

    private boolean littleEndian;
    private final List<Iface> interfaces = new ArrayList<>();
    private final List<DecryptionSecrets> secrets = new ArrayList<>();
    private final byte[] hdr = new byte[8];
    private boolean first = true;

    private record Iface(int linkType, int snapLen, long unitsPerSecond, boolean pow2, int pow2Exp, long offsetSeconds) {}

    PcapngReader(InputStream in) {
        super(in);
    }

    @Override
    public String format() {
        return "pcapng";
    }

    @Override
    public List<DecryptionSecrets> secrets() {
        return List.copyOf(secrets);
    }

    @Override
    public RawPacket next() throws IOException {
        while (true) {
            int type;
            int total;
            if (first) {
                // magic already consumed by open(); read the block length and byte-order magic
                advanced(4);
                byte[] b = new byte[8];
                try {
                    if (!readFully(b, 8)) {
                        throw truncatedHeader("pcapng section header block", 0, 28);
                    }
                    readShbAfterLength(b, 0);
                } catch (EOFException e) {
                    throw truncatedHeader("pcapng section header block", 0, 28);
                }
                first = false;
                continue;
            }
            long start = position();
            try {
                if (!readFully(hdr, 8)) {
                    return null;
                }
            } catch (EOFException e) {
                return truncated("block header", start, 8);
            }
            type = u32(hdr, 0, littleEndian);
            if (type == SHB) {
                byte[] b = new byte[8];
                System.arraycopy(hdr, 4, b, 0, 4);
                try {
                    if (!readFully(tmp4, 4)) {
                        return truncated("section header block", start, 28);
                    }
                    System.arraycopy(tmp4, 0, b, 4, 4);
                    readShbAfterLength(b, start);
                } catch (EOFException e) {
                    return truncated("section header block", start, 28);
                }
                continue;
            }
            total = u32(hdr, 4, littleEndian);
            if (total < 12 || (total & 3) != 0 || total > MAX_BLOCK || total < 0) {
                throw new CaptureFormatException(String.format("pcapng block type 0x%x at byte %d has bad length %s",
                        type & 0xFFFFFFFFL, start, Integer.toUnsignedString(total)));
            }
            int bodyLen = total - 12;
            byte[] body = new byte[bodyLen];
            try {
                if (bodyLen > 0) {
                    readFully(body, bodyLen);
                }
                readFully(tmp4, 4); // trailing block length
            } catch (EOFException e) {
                return truncated(String.format("block (type 0x%x)", type & 0xFFFFFFFFL), start, total);
            }
            switch (type) {
                case IDB -> readIdb(body);
                case EPB -> {
                    return readEpb(body);
                }
                case SPB -> {
                    return readSpb(body);
                }
                case PB -> {
                    return readPb(body);
                }
                case DSB -> readDsb(body);
                default -> { } // unknown or uninteresting block: skipped
            }
        }
    }

    private final byte[] tmp4 = new byte[4];

    private void readShbAfterLength(byte[] lenAndMagic, long start) throws IOException {
        int magicLe = u32(lenAndMagic, 4, true);
        if (magicLe == 0x1A2B3C4D) {
            littleEndian = true;
        } else if (magicLe == 0x4D3C2B1A) {
            littleEndian = false;
        } else {
            throw new CaptureFormatException(start == 0 ? CaptureFormatException.Kind.NOT_A_CAPTURE : CaptureFormatException.Kind.BROKEN,
                    String.format("pcapng byte-order magic 0x%08x at byte %d is wrong", magicLe & 0xFFFFFFFFL, start + 8));
        }
        int total = u32(lenAndMagic, 0, littleEndian);
        if (total < 28 || (total & 3) != 0 || total > MAX_BLOCK) {
            throw new CaptureFormatException("pcapng section header length " + Integer.toUnsignedString(total)
                    + " at byte " + start + " is invalid");
        }
        skipFully(total - 12L); // version, section length, options, trailing length
        interfaces.clear();
    }

    private void readIdb(byte[] b) throws CaptureFormatException {
        if (b.length < 8) {
            throw new CaptureFormatException("pcapng interface description block too short");
        }
        int link = u16(b, 0, littleEndian);
        int snap = u32(b, 4, littleEndian);
        long units = 1_000_000L;
        boolean pow2 = false;
        int exp = 0;
        long offset = 0;
        int p = 8;
        while (p + 4 <= b.length) {
            int code = u16(b, p, littleEndian);
            int len = u16(b, p + 2, littleEndian);
            if (code == 0 || p + 4 + len > b.length) {
                break;
            }
            if (code == 9 && len >= 1) {
                int r = b[p + 4] & 0xFF;
                if ((r & 0x80) != 0) {
                    pow2 = true;
                    exp = r & 0x7F;
                } else {
                    units = 1;
                    for (int i = 0; i < Math.min(r, 18); i++) {
                        units *= 10;
                    }
                }
            } else if (code == 14 && len >= 8) {
                offset = littleEndian
                        ? (u32(b, p + 4, true) & 0xFFFFFFFFL) | ((long) u32(b, p + 8, true) << 32)
                        : ((long) u32(b, p + 4, false) << 32) | (u32(b, p + 8, false) & 0xFFFFFFFFL);
            }
            p += 4 + ((len + 3) & ~3);
        }
        interfaces.add(new Iface(link, snap, units, pow2, exp, offset));
    }

    private Iface iface(int id) throws CaptureFormatException {
        if (id < 0 || id >= interfaces.size()) {
            throw new CaptureFormatException("packet refers to interface " + Integer.toUnsignedString(id) + " but only "
                    + interfaces.size() + " are described");
        }
        return interfaces.get(id);
    }

    private long toNanos(Iface i, long ts) {
        long sec;
        long nanos;
        if (i.pow2) {
            long div = 1L << Math.min(i.pow2Exp, 62);
            sec = Long.divideUnsigned(ts, div);
            nanos = (Long.remainderUnsigned(ts, div) * 1_000_000_000L) / div;
        } else {
            sec = Long.divideUnsigned(ts, i.unitsPerSecond);
            long rem = Long.remainderUnsigned(ts, i.unitsPerSecond);
            nanos = i.unitsPerSecond >= 1_000_000_000L ? rem / (i.unitsPerSecond / 1_000_000_000L)
                    : rem * (1_000_000_000L / i.unitsPerSecond);
        }
        return (sec + i.offsetSeconds) * 1_000_000_000L + nanos;
    }

    private RawPacket readEpb(byte[] b) throws CaptureFormatException {
        return readPacketBlock(b, false, "enhanced packet block");
    }

    /** The obsolete Packet Block: as an EPB but with a 16-bit interface id (and drops count). */
    private RawPacket readPb(byte[] b) throws CaptureFormatException {
        return readPacketBlock(b, true, "packet block");
    }

    private RawPacket readPacketBlock(byte[] b, boolean shortId, String what) throws CaptureFormatException {
        if (b.length < 20) {
            throw new CaptureFormatException("pcapng " + what + " too short");
        }
        int id = shortId ? u16(b, 0, littleEndian) : u32(b, 0, littleEndian);
        long ts = ((long) u32(b, 4, littleEndian) << 32) | (u32(b, 8, littleEndian) & 0xFFFFFFFFL);
        int cap = u32(b, 12, littleEndian);
        int orig = u32(b, 16, littleEndian);
        if (cap < 0 || cap > b.length - 20) {
            throw new CaptureFormatException("pcapng packet length " + Integer.toUnsignedString(cap) + " exceeds its block ("
                    + (b.length - 20) + " byte(s) of packet data)");
        }
        Iface i = iface(id);
        return new RawPacket(toNanos(i, ts), i.linkType, id, b, 20, cap, // a view: the block body is this packet's own
                orig < 0 ? Integer.MAX_VALUE : Math.max(orig, cap), comment(b, 20 + ((cap + 3) & ~3)));
    }

    /** The first opt_comment in the options starting at {@code p} (bounded: a broken list just ends the search). */
    private String comment(byte[] b, int p) {
        while (p + 4 <= b.length) {
            int code = u16(b, p, littleEndian);
            int len = u16(b, p + 2, littleEndian);
            if (code == 0 || p + 4 + len > b.length) {
                return null;
            }
            if (code == 1) {
                return new String(b, p + 4, len, java.nio.charset.StandardCharsets.UTF_8);
            }
            p += 4 + ((len + 3) & ~3);
        }
        return null;
    }

    private RawPacket readSpb(byte[] b) throws CaptureFormatException {
        if (b.length < 4) {
            throw new CaptureFormatException("pcapng simple packet block too short");
        }
        Iface i = iface(0);
        int orig = u32(b, 0, littleEndian);
        int cap = orig;
        if (i.snapLen > 0 && cap > i.snapLen) {
            cap = i.snapLen;
        }
        if (cap < 0 || cap > b.length - 4) {
            cap = b.length - 4;
        }
        return new RawPacket(0L, i.linkType, 0, b, 4, cap, orig < 0 ? Integer.MAX_VALUE : Math.max(orig, cap), null);
    }

    private void readDsb(byte[] b) throws CaptureFormatException {
        if (b.length < 8) {
            throw new CaptureFormatException("pcapng decryption secrets block too short");
        }
        int type = u32(b, 0, littleEndian);
        int len = u32(b, 4, littleEndian);
        if (len < 0 || len > b.length - 8) {
            throw new CaptureFormatException("pcapng decryption secrets length " + Integer.toUnsignedString(len)
                    + " exceeds its block");
        }
        secrets.add(new DecryptionSecrets(type, java.util.Arrays.copyOfRange(b, 8, 8 + len)));
    }
}
