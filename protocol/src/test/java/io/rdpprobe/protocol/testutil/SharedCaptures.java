package io.rdpprobe.protocol.testutil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Test support: reads the real Windows captures of ../shared (Zeek's btest traces under pcaps/zeek and its RDP
 * fuzzing seeds under corpus) IN PLACE at run time. Those files are not the project's and are never copied into
 * it; tests call {@code assumeTrue(SharedCaptures.available(), "shared/ not present")} and skip without them.
 *
 * <p>A capture is read as a classic pcap (either byte order, micro- or nanosecond magic; Ethernet with optional
 * 802.1Q tags, or raw IP), every TCP connection is reassembled per direction (segments sorted by sequence number,
 * retransmitted and overlapping bytes dropped) and split into TPKT frames (version 3). Fast-path PDUs between
 * them are skipped; anything else ends that direction.
 */
public final class SharedCaptures {
    private SharedCaptures() {}

    /** Which side sent a frame. */
    public enum Direction { CLIENT_TO_SERVER, SERVER_TO_CLIENT }

    /** One TPKT frame of one connection. */
    public record Frame(int connection, Direction direction, int index, byte[] bytes) {}

    private static final Map<String, List<Frame>> CACHE = new ConcurrentHashMap<>();

    /** The shared folder: -Drdpprobe.shared, else ../../shared or ../shared or ../../../shared from the module. */
    public static Path root() {
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty("rdpprobe.shared");
        if (prop != null) candidates.add(Path.of(prop));
        candidates.add(Path.of("..", "..", "shared")); // /work/main/protocol -> /work/shared
        candidates.add(Path.of("..", "shared"));
        candidates.add(Path.of("..", "..", "..", "shared")); // a worktree one level deeper
        for (Path p : candidates) {
            Path abs = p.toAbsolutePath().normalize();
            if (Files.isDirectory(abs.resolve("pcaps").resolve("zeek"))) {
                return abs;
            }
        }
        return null;
    }

    public static boolean available() {
        return root() != null;
    }

    /** A file of Zeek's btest traces, e.g. {@code rdp-proprietary-encryption.pcap}. */
    public static Path zeekCapture(String name) {
        Path r = root();
        if (r == null) throw new IllegalStateException("../shared is absent (guard the test with available())");
        return r.resolve("pcaps").resolve("zeek").resolve(name);
    }

    /** Every TPKT frame of every TCP connection of a Zeek capture, connections in order of their first packet. */
    public static List<Frame> frames(String capture) {
        return CACHE.computeIfAbsent(capture, c -> {
            try {
                return readFrames(Files.readAllBytes(zeekCapture(c)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The frames one side sent, all connections, in order. */
    public static List<byte[]> frames(String capture, Direction dir) {
        return frames(capture).stream().filter(f -> f.direction() == dir).map(f -> f.bytes().clone()).toList();
    }

    /** The frames one side sent that match, in order. */
    public static List<byte[]> frames(String capture, Direction dir, Predicate<byte[]> p) {
        return frames(capture, dir).stream().filter(p).toList();
    }

    /** The n-th (0-based) TPKT frame one side sent, counting over all connections. */
    public static byte[] frame(String capture, Direction dir, int n) {
        return frames(capture, dir).get(n);
    }

    /** The first frame one side sent that matches. */
    public static byte[] first(String capture, Direction dir, Predicate<byte[]> p) {
        return frames(capture, dir).stream().filter(p).findFirst()
                .orElseThrow(() -> new AssertionError("no matching " + dir + " frame in " + capture));
    }

    /** Matches TPKT + X.224 Data frames whose MCS PDU starts with {@code first} (e.g. 0x7f then 0x65 Connect-Initial). */
    public static Predicate<byte[]> mcs(int... prefix) {
        return f -> {
            if (f.length < 7 + prefix.length || (f[5] & 0xFF) != 0xF0) return false;
            for (int i = 0; i < prefix.length; i++) {
                if ((f[7 + i] & 0xFF) != prefix[i]) return false;
            }
            return true;
        };
    }

    /** Matches an MCS domain PDU by its choice (the top 6 bits of the first MCS byte, e.g. 11 attachUserConfirm). */
    public static Predicate<byte[]> domainPdu(int choice) {
        return f -> f.length >= 8 && (f[5] & 0xFF) == 0xF0 && ((f[7] & 0xFF) >> 2) == choice;
    }

    // ---- the frames the tests use --------------------------------------------------------------------------

    /** Zeek btest trace: Windows server, Standard RDP Security, proprietary certificate, 128-bit, High. */
    public static final String PROPRIETARY = "rdp-proprietary-encryption.pcap";
    /** Zeek btest trace: RDP 8.1 client JOHN-PC-LAPTOP with keyboard layout 0x40405. */
    public static final String UNKNOWN_KEYBOARD = "rdp-unknown-keyboard.pcap";

    public static final int ERECT_DOMAIN_REQUEST = 1;
    public static final int ATTACH_USER_REQUEST = 10;
    public static final int ATTACH_USER_CONFIRM = 11;
    public static final int CHANNEL_JOIN_REQUEST = 14;
    public static final int CHANNEL_JOIN_CONFIRM = 15;
    public static final int SEND_DATA_REQUEST = 25;
    public static final int SEND_DATA_INDICATION = 26;

    /** rdp-proprietary-encryption.pcap frame 14: MCS Connect-Initial (client RDP 6.0, FROG-POND). */
    public static byte[] proprietaryConnectInitial() {
        return first(PROPRIETARY, Direction.CLIENT_TO_SERVER, mcs(0x7f, 0x65));
    }

    /** rdp-proprietary-encryption.pcap frame 15: MCS Connect-Response (proprietary certificate, 128-bit, High). */
    public static byte[] proprietaryConnectResponse() {
        return first(PROPRIETARY, Direction.SERVER_TO_CLIENT, mcs(0x7f, 0x66));
    }

    /** rdp-unknown-keyboard.pcap frame 11: MCS Connect-Initial (RDP 8.1 client JOHN-PC-LAPTOP, keyboard 0x40405). */
    public static byte[] unknownKeyboardConnectInitial() {
        return first(UNKNOWN_KEYBOARD, Direction.CLIENT_TO_SERVER, mcs(0x7f, 0x65));
    }

    /**
     * The first MCS domain PDU of a kind in rdp-proprietary-encryption.pcap: client frames 16 (Erect Domain),
     * 17 (Attach User Request), 20 (Channel Join Request), 32 (SDrq: Security Exchange); server frames 19 (Attach
     * User Confirm), 35 (SDin: RC4-encrypted licensing PDU).
     */
    public static byte[] proprietaryDomainPdu(Direction dir, int choice) {
        return first(PROPRIETARY, dir, domainPdu(choice));
    }

    /** rdp-proprietary-encryption.pcap frames 21, 23, 25, 27, 29, 31: Channel Join Confirms (user, 1003..1007). */
    public static List<byte[]> proprietaryChannelJoinConfirms() {
        return frames(PROPRIETARY, Direction.SERVER_TO_CLIENT, domainPdu(CHANNEL_JOIN_CONFIRM));
    }

    /** Zeek corpus rdp-x509.pkt chunks 5+6 joined: MCS Connect-Response with an X.509 certificate chain. */
    public static byte[] x509ConnectResponse() {
        return corpusChunks("rdp-x509.pkt", 5, 6);
    }

    // ---- the project's own lab captures ----------------------------------------------------------------------

    /**
     * A capture the project recorded itself (testdata/captures, see PROVENANCE.md there; always present, read with
     * the same pcap reader): every TPKT frame of every connection.
     */
    public static List<Frame> labFrames(String capture) {
        return CACHE.computeIfAbsent("lab:" + capture, c -> {
            try {
                return readFrames(Files.readAllBytes(Path.of("..", "testdata", "captures", capture)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The first frame one side sent in a lab capture that matches. */
    public static byte[] labFirst(String capture, Direction dir, Predicate<byte[]> p) {
        return labFrames(dir, capture, p).stream().findFirst()
                .orElseThrow(() -> new AssertionError("no matching " + dir + " frame in " + capture));
    }

    /** The frames one side sent in a lab capture that match, in order. */
    public static List<byte[]> labFrames(Direction dir, String capture, Predicate<byte[]> p) {
        return labFrames(capture).stream().filter(f -> f.direction() == dir).map(f -> f.bytes().clone()).filter(p).toList();
    }

    // ---- the fuzzing corpus ---------------------------------------------------------------------------------

    /**
     * Zeek's RDP seed corpus (corpus/zeek-rdp-corpus.zip): an entry is a sequence of chunks, each "\x01PKT",
     * one direction byte, then the bytes of one TCP segment. Returns the payloads of the given chunks of the
     * entry (0-based), joined in the order given.
     */
    public static byte[] corpusChunks(String entry, int... chunks) {
        Path r = root();
        if (r == null) throw new IllegalStateException("../shared is absent (guard the test with available())");
        Path zip = r.resolve("corpus").resolve("zeek-rdp-corpus.zip");
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                if (!e.getName().equals(entry)) continue;
                byte[] d = z.readAllBytes();
                List<byte[]> all = new ArrayList<>();
                int start = -1;
                for (int i = 0; i + 4 <= d.length; i++) {
                    if (d[i] == 1 && d[i + 1] == 'P' && d[i + 2] == 'K' && d[i + 3] == 'T') {
                        if (start >= 0) all.add(Arrays.copyOfRange(d, start + 5, i));
                        start = i;
                    }
                }
                if (start >= 0) all.add(Arrays.copyOfRange(d, start + 5, d.length));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int c : chunks) out.writeBytes(all.get(c));
                return out.toByteArray();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError(entry + " not in " + zip);
    }

    // ---- pcap reading ---------------------------------------------------------------------------------------

    private static final class Side {
        final TreeMap<Long, byte[]> segments = new TreeMap<>();
        Long isn; // sequence number of the first data byte (SYN + 1), or the lowest seen without a SYN
    }

    private static final class Conn {
        final int id;
        final String client;
        final Side c2s = new Side();
        final Side s2c = new Side();

        Conn(int id, String client) {
            this.id = id;
            this.client = client;
        }
    }

    /** Parses a classic pcap and returns its TPKT frames. */
    public static List<Frame> readFrames(byte[] pcap) {
        if (pcap.length < 24) throw new IllegalArgumentException("not a pcap: too short");
        int magic = u32le(pcap, 0);
        boolean le;
        if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) le = true;
        else if (Integer.reverseBytes(magic) == 0xa1b2c3d4 || Integer.reverseBytes(magic) == 0xa1b23c4d) le = false;
        else throw new IllegalArgumentException("not a classic pcap (magic " + Integer.toHexString(magic) + ")");
        int linkType = u32(pcap, 20, le) & 0xFFFF;
        Map<String, Conn> conns = new LinkedHashMap<>();
        int off = 24;
        while (off + 16 <= pcap.length) {
            int incl = u32(pcap, off + 8, le);
            int start = off + 16;
            if (incl < 0 || start + incl > pcap.length) break;
            packet(pcap, start, incl, linkType, conns);
            off = start + incl;
        }
        List<Frame> out = new ArrayList<>();
        for (Conn c : conns.values()) {
            split(c.id, Direction.CLIENT_TO_SERVER, reassemble(c.c2s), out);
            split(c.id, Direction.SERVER_TO_CLIENT, reassemble(c.s2c), out);
        }
        return out;
    }

    private static void packet(byte[] d, int off, int len, int linkType, Map<String, Conn> conns) {
        int end = off + len;
        int ip;
        if (linkType == 1) { // Ethernet
            int p = off + 12;
            if (p + 2 > end) return;
            int type = u16(d, p);
            while (type == 0x8100 || type == 0x88a8) {
                p += 4;
                if (p + 2 > end) return;
                type = u16(d, p);
            }
            if (type != 0x0800 && type != 0x86dd) return;
            ip = p + 2;
        } else if (linkType == 101 || linkType == 228 || linkType == 229) { // raw IP
            ip = off;
        } else {
            throw new IllegalArgumentException("unsupported link type " + linkType);
        }
        if (ip >= end) return;
        int version = (d[ip] & 0xFF) >> 4;
        int tcp;
        String src;
        String dst;
        if (version == 4) {
            if (ip + 20 > end || (d[ip + 9] & 0xFF) != 6) return;
            if ((u16(d, ip + 6) & 0x3FFF) != 0) return; // fragments
            int ihl = (d[ip] & 0x0F) * 4;
            int total = u16(d, ip + 2);
            end = Math.min(end, ip + total);
            tcp = ip + ihl;
            src = hexOf(d, ip + 12, 4);
            dst = hexOf(d, ip + 16, 4);
        } else if (version == 6) {
            if (ip + 40 > end || (d[ip + 6] & 0xFF) != 6) return; // no extension headers in these captures
            end = Math.min(end, ip + 40 + u16(d, ip + 4));
            tcp = ip + 40;
            src = hexOf(d, ip + 8, 16);
            dst = hexOf(d, ip + 24, 16);
        } else {
            return;
        }
        if (tcp + 20 > end) return;
        int sport = u16(d, tcp);
        int dport = u16(d, tcp + 2);
        long seq = u32(d, tcp + 4, false) & 0xFFFFFFFFL;
        int dataOff = ((d[tcp + 12] & 0xFF) >> 4) * 4;
        int flags = d[tcp + 13] & 0xFF;
        boolean syn = (flags & 0x02) != 0;
        boolean ack = (flags & 0x10) != 0;
        int payload = tcp + dataOff;
        if (payload > end) return;
        String a = src + ":" + sport;
        String b = dst + ":" + dport;
        String key = a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
        Conn c = conns.get(key);
        if (c == null) {
            // the client is the side sending a bare SYN; without one, the side not on a well-known port
            String client = syn && !ack ? a : syn ? b : (sport < dport ? b : a);
            c = new Conn(conns.size(), client);
            conns.put(key, c);
        }
        Side s = a.equals(c.client) ? c.c2s : c.s2c;
        if (syn) {
            s.isn = (seq + 1) & 0xFFFFFFFFL;
            return;
        }
        if (payload == end) return;
        if (s.isn == null) s.isn = seq;
        long rel = (seq - s.isn) & 0xFFFFFFFFL;
        byte[] data = Arrays.copyOfRange(d, payload, end);
        byte[] prev = s.segments.get(rel);
        if (prev == null || prev.length < data.length) s.segments.put(rel, data);
    }

    private static byte[] reassemble(Side s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long next = 0;
        for (Map.Entry<Long, byte[]> e : s.segments.entrySet()) {
            long k = e.getKey();
            byte[] b = e.getValue();
            if (k > next) break; // a hole: stop rather than guess
            long endSeq = k + b.length;
            if (endSeq <= next) continue; // retransmission
            int skip = (int) (next - k);
            out.write(b, skip, b.length - skip);
            next = endSeq;
        }
        return out.toByteArray();
    }

    private static void split(int conn, Direction dir, byte[] s, List<Frame> out) {
        int off = 0;
        int n = 0;
        while (off + 4 <= s.length) {
            int len;
            boolean tpkt = (s[off] & 0xFF) == 3;
            if (tpkt) {
                len = u16(s, off + 2);
            } else if ((s[off] & 0x03) == 0) { // fast-path: length in 1 or 2 PER-style bytes
                int b1 = s[off + 1] & 0xFF;
                len = (b1 & 0x80) != 0 ? ((b1 & 0x7F) << 8) | (s[off + 2] & 0xFF) : b1;
            } else {
                return;
            }
            if (len < 4 || off + len > s.length) return;
            if (tpkt) out.add(new Frame(conn, dir, n++, Arrays.copyOfRange(s, off, off + len)));
            off += len;
        }
    }

    private static String hexOf(byte[] d, int off, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) sb.append(String.format("%02x", d[off + i]));
        return sb.toString();
    }

    private static int u16(byte[] d, int off) {
        return ((d[off] & 0xFF) << 8) | (d[off + 1] & 0xFF);
    }

    private static int u32le(byte[] d, int off) {
        return (d[off] & 0xFF) | (d[off + 1] & 0xFF) << 8 | (d[off + 2] & 0xFF) << 16 | (d[off + 3] & 0xFF) << 24;
    }

    private static int u32(byte[] d, int off, boolean le) {
        return le ? u32le(d, off) : Integer.reverseBytes(u32le(d, off));
    }
}
