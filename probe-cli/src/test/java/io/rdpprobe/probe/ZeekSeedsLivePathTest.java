package io.rdpprobe.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.capture.SharedFrames;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * Zeek's RDP fuzzing seeds (../shared/corpus/zeek-rdp-corpus.zip, read in place, never copied into the project),
 * run through the live path's fuzz targets in regression mode (issue 15): every server-to-client chunk is the
 * server's bytes after TCP for the connector under each requested-protocols choice, and the server's frames after
 * each number of real frames for the session sequence. The targets' own oracles decide; this test only feeds them.
 * The same chunks seed the coverage-guided runs of benchmarks/fuzz.sh.
 */
class ZeekSeedsLivePathTest {
    /** The server-to-client payload chunks of Zeek's RDP seeds ({@code \1PKT} + direction byte + payload). */
    static List<byte[]> serverChunks() throws Exception {
        Path root = SharedFrames.root();
        Path zip = root == null ? null : root.resolve("corpus").resolve("zeek-rdp-corpus.zip");
        assumeTrue(zip != null && Files.exists(zip), "../shared/corpus/zeek-rdp-corpus.zip not present");
        List<byte[]> out = new ArrayList<>();
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                z.transferTo(b);
                byte[] d = b.toByteArray();
                List<Integer> starts = new ArrayList<>();
                for (int i = 0; i + 5 <= d.length; i++) {
                    if (d[i] == 1 && d[i + 1] == 'P' && d[i + 2] == 'K' && d[i + 3] == 'T') {
                        starts.add(i);
                    }
                }
                for (int k = 0; k < starts.size(); k++) {
                    int s = starts.get(k);
                    int end = k + 1 < starts.size() ? starts.get(k + 1) : d.length;
                    if (d[s + 4] == 2 && end > s + 5) {
                        out.add(Arrays.copyOfRange(d, s + 5, end));
                    }
                }
            }
        }
        return out;
    }

    static byte[] prefixed(int b0, int b1, byte[] chunk) {
        byte[] in = new byte[chunk.length + 2];
        in[0] = (byte) b0;
        in[1] = (byte) b1;
        System.arraycopy(chunk, 0, in, 2, chunk.length);
        return in;
    }

    @Test
    void zeekServerChunksThroughTheConnectorAndTheSessionSequence() throws Exception {
        List<byte[]> chunks = serverChunks();
        assertThat(chunks).hasSizeGreaterThan(10);
        var connector = new io.rdpprobe.probe.connector.ProbeConnectorFuzzTest();
        var session = new io.rdpprobe.probe.session.SessionSequenceFuzzTest();
        int runs = 0;
        for (byte[] c : chunks) {
            for (int protocols = 0; protocols < 6; protocols++) {
                connector.serverBytesAfterTcp(prefixed(protocols, 0, c));
                connector.serverBytesAfterTcp(prefixed(protocols, 0x40 | (c.length / 2), c));
                runs += 2;
            }
            for (int config = 0; config < 4; config++) {
                for (int real : new int[] {0, 1, 2, 4}) {
                    session.serverFrames(prefixed(real, config, c));
                    runs++;
                }
            }
        }
        assertThat(runs).isEqualTo(chunks.size() * 28);
    }
}
