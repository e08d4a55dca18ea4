package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CaptureReaderTest {
    @TempDir
    Path dir;

    static List<Arguments> formats() {
        List<Arguments> out = new ArrayList<>();
        for (CaptureWriter.Format f : CaptureWriter.Format.values()) {
            for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                out.add(Arguments.of(f, o));
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("formats")
    void readsEveryFormatAndByteOrderWithExactTimestamps(CaptureWriter.Format f, ByteOrder order) throws IOException {
        Path file = dir.resolve("t.cap");
        long ts = 1_700_000_000_123_456_789L;
        try (CaptureWriter w = new CaptureWriter(Files.newOutputStream(file), f, order, 1)) {
            w.write(ts, 1, new byte[] {1, 2, 3, 4, 5});
            w.write(ts + 1000, 1, new byte[60], 1514);
        }
        try (CaptureReader r = CaptureReader.open(file)) {
            assertThat(r.format()).isEqualTo(f == CaptureWriter.Format.PCAPNG ? "pcapng" : "pcap");
            RawPacket a = r.next();
            long expect = f == CaptureWriter.Format.PCAP_MICRO ? ts / 1000 * 1000 : ts;
            assertThat(a.timestampNanos()).isEqualTo(expect);
            assertThat(a.data()).containsExactly(1, 2, 3, 4, 5);
            assertThat(a.linkType()).isEqualTo(1);
            RawPacket b = r.next();
            assertThat(b.originalLength()).isEqualTo(1514);
            assertThat(b.truncated()).isTrue();
            assertThat(r.next()).isNull();
        }
    }

    @ParameterizedTest
    @MethodSource("formats")
    void analysesTheSameConversationInEveryFormat(CaptureWriter.Format f, ByteOrder order) throws IOException {
        Path file = TestCaptures.write(dir.resolve("c.cap"), f, order, 1, 0,
                TestCaptures.tlsHandshake(TestCaptures.C4, TestCaptures.S4, 50000).packets());
        List<AnalyzedConnection> cs = TestCaptures.analyze(file);
        assertThat(cs).hasSize(1);
        assertThat(cs.get(0).report().stages().get(2).stage()).isEqualTo(Stage.TLS);
        assertThat(cs.get(0).report().stages().get(2).status()).isEqualTo(Status.OK);
        assertThat(cs.get(0).report().verdict().stage()).isEqualTo(Stage.CREDSSP);
    }

    @Test
    void pcapngSeveralInterfacesUnknownBlocksSecretsAndSimplePackets() throws IOException {
        Path file = dir.resolve("multi.pcapng");
        try (CaptureWriter w = new CaptureWriter(Files.newOutputStream(file), CaptureWriter.Format.PCAPNG, ByteOrder.BIG_ENDIAN, 0)) {
            w.write(5_000_000_000L, 1, new byte[] {9});
            w.writeUnknownBlock(0x0BAD, new byte[] {1, 2, 3});
            w.writeSecrets(DecryptionSecrets.TLS_KEY_LOG, "CLIENT_RANDOM 00 11\n".getBytes());
            w.write(6_000_000_000L, 113, new byte[] {8, 8});
        }
        try (CaptureReader r = CaptureReader.open(file)) {
            RawPacket a = r.next();
            assertThat(a.interfaceId()).isZero();
            assertThat(a.linkType()).isEqualTo(1);
            RawPacket b = r.next();
            assertThat(b.interfaceId()).isEqualTo(1);
            assertThat(b.linkType()).isEqualTo(113);
            assertThat(b.timestampNanos()).isEqualTo(6_000_000_000L);
            assertThat(r.next()).isNull();
            assertThat(r.secrets()).hasSize(1);
            assertThat(r.secrets().get(0).isTlsKeyLog()).isTrue();
            assertThat(new String(r.secrets().get(0).data())).startsWith("CLIENT_RANDOM");
        }
    }

    @Test
    void simplePacketBlockAndMicrosecondDefaultResolution() throws IOException {
        // SHB (LE), IDB without options (default resolution 10^-6), SPB with 3 bytes
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(28 + 20 + 20).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).putInt(28);
        b.putInt(1).putInt(20).putShort((short) 101).putShort((short) 0).putInt(0).putInt(20);
        b.putInt(3).putInt(20).putInt(3).put(new byte[] {7, 7, 7, 0}).putInt(20);
        try (CaptureReader r = CaptureReader.open(new ByteArrayInputStream(b.array()))) {
            RawPacket p = r.next();
            assertThat(p.data()).containsExactly(7, 7, 7);
            assertThat(p.linkType()).isEqualTo(101);
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void rejectsNonCaptures() {
        assertThatThrownBy(() -> CaptureReader.open(new ByteArrayInputStream("GET / HTTP/1.1\r\n".getBytes())))
                .isInstanceOf(CaptureFormatException.class).hasMessageContaining("magic");
        assertThatThrownBy(() -> CaptureReader.open(new ByteArrayInputStream(new byte[] {1})))
                .isInstanceOf(CaptureFormatException.class);
    }

    /** A classic pcap of two 100-byte records with its last {@code cut} bytes removed. */
    private Path twoRecordsCutShort(String name, int cut) throws IOException {
        Path file = dir.resolve(name);
        try (CaptureWriter w = new CaptureWriter(Files.newOutputStream(file), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1)) {
            w.write(1_000_000_000L, 1, new byte[100]);
            w.write(2_000_000_000L, 1, new byte[100]);
        }
        byte[] all = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(all, all.length - cut));
        return file;
    }

    @Test
    void truncatedLastRecordEndsTheFile() throws IOException {
        Path file = twoRecordsCutShort("t.pcap", 50);
        try (CaptureReader r = CaptureReader.open(file)) {
            assertThat(r.next()).isNotNull();
            assertThat(r.truncation()).isNull();
            assertThat(r.next()).isNull();
            assertThat(r.truncation()).isEqualTo("truncated at byte " + Files.size(file) + ": the record at byte "
                    + (24 + 16 + 100) + " needs 116 byte(s), the file has 66");
        }
    }

    @Test
    void absurdRecordLengthIsAFormatError() throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        b.putInt(0).putInt(0).putInt(0x7FFFFFF0).putInt(0x7FFFFFF0);
        try (CaptureReader r = CaptureReader.open(new ByteArrayInputStream(b.array()))) {
            assertThatThrownBy(r::next).isInstanceOf(CaptureFormatException.class);
        }
    }

    @Test
    void editcapConversionsReadBackIdentically() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/editcap")), "editcap not installed");
        Path src = TestCaptures.write(dir.resolve("src.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0,
                TestCaptures.tlsHandshake(TestCaptures.C4, TestCaptures.S4, 50001).packets());
        List<byte[]> original = frames(src);
        for (String[] conv : new String[][] {{"-F", "pcapng"}, {"-F", "pcap", "--nanosecond-timestamps"}}) {
            Path out = dir.resolve("conv-" + conv.length + ".cap");
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/editcap"));
            cmd.addAll(List.of(conv));
            cmd.add(src.toString());
            cmd.add(out.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                continue; // this editcap does not know the option
            }
            List<byte[]> back = frames(out);
            assertThat(back).hasSameSizeAs(original);
            for (int i = 0; i < back.size(); i++) {
                assertThat(back.get(i)).isEqualTo(original.get(i));
            }
            assertThat(TestCaptures.analyze(out).get(0).report().verdict().stage()).isEqualTo(Stage.CREDSSP);
        }
    }

    private static List<byte[]> frames(Path f) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(f)) {
            RawPacket p;
            while ((p = r.next()) != null) out.add(p.data());
        }
        return out;
    }

    /**
     * Packets are views into the reader's one buffer: records of every size up to 3 MB, crossing the buffer's end and
     * larger than the buffer itself, come back byte for byte, from a file (channel) and from a stream.
     */
    @ParameterizedTest
    @MethodSource("formats")
    void recordsAcrossAndBeyondTheReadBufferComeBackIntact(CaptureWriter.Format f, ByteOrder order) throws IOException {
        Path file = dir.resolve("big.cap");
        java.util.Random r = new java.util.Random(13);
        List<byte[]> written = new ArrayList<>();
        try (CaptureWriter w = new CaptureWriter(Files.newOutputStream(file), f, order, 1)) {
            for (int i = 0; i < 400; i++) {
                int len = i == 150 ? 3 * PcapReader.BUFFER : i == 151 ? 0 : r.nextInt(i % 7 == 0 ? 70_000 : 1600);
                byte[] b = new byte[len];
                r.nextBytes(b);
                written.add(b);
                w.write(1_000_000_000L + i, 1, b);
            }
        }
        assertThat(frames(file)).containsExactlyElementsOf(written);
        List<byte[]> fromStream = new ArrayList<>();
        try (CaptureReader cr = CaptureReader.open(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            for (RawPacket p; (p = cr.next()) != null; ) {
                assertThat(p.length()).isEqualTo(p.data().length);
                fromStream.add(p.data());
            }
            assertThat(cr.truncation()).isNull();
            assertThat(cr.position()).isEqualTo(Files.size(file));
        }
        assertThat(fromStream).containsExactlyElementsOf(written);
    }

    /** A record header that is the file's last 16 bytes, its data missing entirely: truncated, not a zero-filled packet. */
    @Test
    void recordHeaderWithoutItsDataIsATruncation() throws IOException {
        Path file = twoRecordsCutShort("h.pcap", 100);
        try (CaptureReader r = CaptureReader.open(file)) {
            assertThat(r.next().length()).isEqualTo(100);
            assertThat(r.next()).isNull();
            assertThat(r.truncation()).isEqualTo("truncated at byte " + (24 + 116 + 16) + ": the record at byte "
                    + (24 + 116) + " needs 116 byte(s), the file has 16");
        }
    }
}
