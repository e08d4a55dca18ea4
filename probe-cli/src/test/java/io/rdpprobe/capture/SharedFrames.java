package io.rdpprobe.capture;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Test support: TPKT frames of the real Windows captures in ../shared (Zeek's btest traces and RDP seed corpus),
 * read IN PLACE at run time with the project's own {@link CaptureReader}, {@link PacketDecoder}, {@link TcpStream}
 * and {@link Framer} — nothing is copied into the project. Tests guard with
 * {@code assumeTrue(SharedFrames.available(), "shared/ not present")}.
 */
public final class SharedFrames {
    private SharedFrames() {}

    public static final String PROPRIETARY = "rdp-proprietary-encryption.pcap";
    public static final String UNKNOWN_KEYBOARD = "rdp-unknown-keyboard.pcap";

    public static final int ATTACH_USER_CONFIRM = 11;
    public static final int CHANNEL_JOIN_CONFIRM = 15;
    public static final int SEND_DATA_INDICATION = 26;

    private static final Map<String, List<byte[][]>> CACHE = new HashMap<>();

    /** The shared folder (-Drdpprobe.shared, ../../shared, ../shared or ../../../shared), or null. */
    public static Path root() {
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty("rdpprobe.shared");
        if (prop != null) candidates.add(Path.of(prop));
        candidates.add(Path.of("..", "..", "shared"));
        candidates.add(Path.of("..", "shared"));
        candidates.add(Path.of("..", "..", "..", "shared"));
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

    private static Path require() {
        Path r = root();
        if (r == null) throw new IllegalStateException("../shared is absent (guard the test with available())");
        return r;
    }

    /** The TPKT frames a side sent ({@code fromClient}), all TCP connections of the capture in order. */
    public static synchronized List<byte[]> frames(String capture, boolean fromClient) {
        List<byte[][]> all = CACHE.computeIfAbsent(capture, c -> {
            try {
                return read(require().resolve("pcaps").resolve("zeek").resolve(c));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        List<byte[]> out = new ArrayList<>();
        for (byte[][] f : all) {
            if ((f[0][0] == 1) == fromClient) out.add(f[1].clone());
        }
        return out;
    }

    /**
     * The TPKT frames a side sent in one of the project's own lab captures (../testdata/captures, always present;
     * see PROVENANCE.md there).
     */
    public static synchronized List<byte[]> labFrames(String capture, boolean fromClient) {
        List<byte[][]> all = CACHE.computeIfAbsent("lab:" + capture, c -> {
            try {
                return read(Path.of("..", "testdata", "captures", capture));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        List<byte[]> out = new ArrayList<>();
        for (byte[][] f : all) {
            if ((f[0][0] == 1) == fromClient) out.add(f[1].clone());
        }
        return out;
    }

    public static List<byte[]> frames(String capture, boolean fromClient, Predicate<byte[]> p) {
        return frames(capture, fromClient).stream().filter(p).toList();
    }

    public static byte[] first(String capture, boolean fromClient, Predicate<byte[]> p) {
        return frames(capture, fromClient).stream().filter(p).findFirst()
                .orElseThrow(() -> new AssertionError("no matching frame in " + capture));
    }

    /** TPKT + X.224 DT frames whose MCS bytes start with {@code prefix} (0x7f 0x65 Connect-Initial, 0x7f 0x66 Response). */
    public static Predicate<byte[]> mcs(int... prefix) {
        return f -> {
            if (f.length < 7 + prefix.length || (f[5] & 0xFF) != 0xF0) return false;
            for (int i = 0; i < prefix.length; i++) {
                if ((f[7 + i] & 0xFF) != prefix[i]) return false;
            }
            return true;
        };
    }

    /** An MCS domain PDU by its choice (the top 6 bits of the first MCS byte). */
    public static Predicate<byte[]> domainPdu(int choice) {
        return f -> f.length >= 8 && (f[5] & 0xFF) == 0xF0 && ((f[7] & 0xFF) >> 2) == choice;
    }

    /** rdp-proprietary-encryption.pcap frame 14: Connect-Initial (RDP 6.0 client FROG-POND). */
    public static byte[] proprietaryConnectInitial() {
        return first(PROPRIETARY, true, mcs(0x7f, 0x65));
    }

    /** rdp-proprietary-encryption.pcap frame 15: Connect-Response (proprietary certificate, 128-bit, High). */
    public static byte[] proprietaryConnectResponse() {
        return first(PROPRIETARY, false, mcs(0x7f, 0x66));
    }

    /** rdp-unknown-keyboard.pcap frame 11: Connect-Initial (RDP 8.1 client JOHN-PC-LAPTOP, keyboard 0x40405). */
    public static byte[] unknownKeyboardConnectInitial() {
        return first(UNKNOWN_KEYBOARD, true, mcs(0x7f, 0x65));
    }

    /** Zeek corpus rdp-x509.pkt, chunks 5+6 (0-based) joined: Connect-Response with an X.509 chain. */
    public static byte[] x509ConnectResponse() {
        Path zip = require().resolve("corpus").resolve("zeek-rdp-corpus.zip");
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                if (!e.getName().equals("rdp-x509.pkt")) continue;
                byte[] d = z.readAllBytes();
                List<byte[]> chunks = new ArrayList<>(); // "\x01PKT", a direction byte, one segment's bytes
                int start = -1;
                for (int i = 0; i + 4 <= d.length; i++) {
                    if (d[i] == 1 && d[i + 1] == 'P' && d[i + 2] == 'K' && d[i + 3] == 'T') {
                        if (start >= 0) chunks.add(Arrays.copyOfRange(d, start + 5, i));
                        start = i;
                    }
                }
                if (start >= 0) chunks.add(Arrays.copyOfRange(d, start + 5, d.length));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(chunks.get(5));
                out.writeBytes(chunks.get(6));
                return out.toByteArray();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("rdp-x509.pkt not in " + zip);
    }

    /** {direction (1 client, 2 server)}, frame bytes} per TPKT frame, connection by connection. */
    private static List<byte[][]> read(Path file) throws IOException {
        final class Dir implements StreamSink {
            final List<byte[]> frames = new ArrayList<>();
            final TcpStream tcp = new TcpStream(this);
            final Framer framer = new Framer(new Framer.Handler() {
                @Override
                public boolean wants(ByteBuf acc, int frameLength) {
                    return acc.getUnsignedByte(acc.readerIndex()) == 3;
                }

                @Override
                public void frame(ByteBuf frame, long ts) {
                    byte[] b = new byte[frame.readableBytes()];
                    frame.getBytes(frame.readerIndex(), b);
                    frames.add(b);
                }

                @Override
                public void skipped(int firstByte, int frameLength, long ts) {}

                @Override
                public void bad(DecodeException e, ByteBuf acc, long ts) {}

                @Override
                public void framingLost(long gapBytes, long ts) {}
            });

            @Override
            public void onData(byte[] data, int offset, int length, long ts) {
                framer.feed(data, offset, length, ts);
            }

            @Override
            public void onGap(long bytes, long ts) {
                framer.gap(bytes, ts);
            }
        }
        final class Conn {
            Endpoint client;
            final Dir c2s = new Dir();
            final Dir s2c = new Dir();
        }
        Map<FlowKey, Conn> conns = new java.util.LinkedHashMap<>();
        PacketDecoder decoder = new PacketDecoder();
        try (CaptureReader r = CaptureReader.open(file)) {
            for (RawPacket p; (p = r.next()) != null; ) {
                DecodedPacket d = decoder.decode(p);
                if (d == null || d.protocol() != 6) continue;
                Conn c = conns.computeIfAbsent(new FlowKey(d.src(), d.dst(), 6), k -> new Conn());
                if (c.client == null) {
                    c.client = d.syn() && !d.hasAck() ? d.src() : d.syn() ? d.dst()
                            : d.src().port() > d.dst().port() ? d.src() : d.dst();
                }
                boolean fromClient = d.src().equals(c.client);
                Dir self = fromClient ? c.c2s : c.s2c;
                Dir peer = fromClient ? c.s2c : c.c2s;
                if (d.syn()) {
                    self.tcp.onSyn(d.seq());
                } else {
                    self.tcp.onSegment(d.seq(), d.data(), d.payloadOffset(), d.payloadLength(), d.fin(), d.timestampNanos());
                }
                if (d.hasAck()) {
                    peer.tcp.onPeerAck(d.ack(), d.timestampNanos());
                }
            }
        }
        List<byte[][]> out = new ArrayList<>();
        for (Conn c : conns.values()) {
            c.c2s.tcp.finish(0);
            c.s2c.tcp.finish(0);
            for (byte[] f : c.c2s.frames) out.add(new byte[][] {{1}, f});
            for (byte[] f : c.s2c.frames) out.add(new byte[][] {{2}, f});
        }
        return out;
    }
}
