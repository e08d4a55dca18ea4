package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zeek's RDP fuzzing seeds (../shared/corpus/zeek-rdp-corpus.zip, read in place), cut and mutated with a seeded
 * Random, fed as both directions of port-3389 connections after a valid CR/CC: the analyser must report every
 * connection and never throw.
 */
class CorpusRobustnessTest {
    @TempDir
    Path dir;

    static List<byte[]> seeds() throws IOException {
        Path z = ZeekAgreementTest.zeekDir();
        if (z == null) return List.of();
        Path zip = z.getParent().getParent().resolve("corpus/zeek-rdp-corpus.zip");
        if (!Files.exists(zip)) return List.of();
        List<byte[]> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(zip); ZipInputStream zin = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                if (!e.isDirectory()) out.add(zin.readAllBytes());
            }
        }
        return out;
    }

    @Test
    void mutatedSeedsNeverBreakTheAnalyser() throws IOException {
        List<byte[]> seeds = seeds();
        assumeTrue(!seeds.isEmpty(), "../shared/corpus/zeek-rdp-corpus.zip is absent");
        Random r = new Random(20261120);
        List<TcpConversation.Packet> all = new ArrayList<>();
        int conns = 0;
        for (int i = 0; i < 400; i++) {
            byte[] seed = seeds.get(i % seeds.size());
            int from = r.nextInt(seed.length);
            byte[] cut = java.util.Arrays.copyOfRange(seed, from, Math.min(seed.length, from + 1 + r.nextInt(4000)));
            for (int k = 0; k < r.nextInt(8); k++) {
                cut[r.nextInt(cut.length)] = (byte) r.nextInt(256);
            }
            TcpConversation t = new TcpConversation(TestCaptures.C4, 10000 + i, TestCaptures.S4, 3389, 1_000_000_000L * i, i, 3L * i);
            t.handshake();
            switch (i % 4) {
                case 0 -> t.client(cut); // garbage instead of a CR
                case 1 -> t.client(TcpConversation.connectionRequest("z", 3)).server(cut);
                case 2 -> t.client(TcpConversation.connectionRequest("z", 0)).server(TcpConversation.connectionConfirm(0))
                        .client(cut).server(cut);
                default -> t.client(TcpConversation.connectionRequest("z", 3)).server(TcpConversation.connectionConfirm(2))
                        .client(cut).server(cut);
            }
            if (r.nextBoolean()) t.fin(true).fin(false);
            all.addAll(t.packets());
            conns++;
        }
        Path f = TestCaptures.write(dir.resolve("fuzz.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, all);
        List<AnalyzedConnection> cs = TestCaptures.analyze(f);
        assertThat(cs).hasSize(conns);
        for (AnalyzedConnection c : cs) {
            assertThat(c.report().stages()).isNotEmpty();
            ZeekMapping.rdpLog(c.tcp());
        }
    }
}
