package io.rdpprobe.capture.regress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureInputsTest {
    @TempDir
    Path dir;

    @Test
    void directoriesGiveTheirCapturesRecursivelyInSortedOrderAndSayWhatTheySkipped() throws Exception {
        Path d = Files.createDirectories(dir.resolve("caps"));
        for (String n : List.of("b.pcap", "a.PCAPNG", "sub/c.cap", "sub/a.pcap", "z/notes.txt", "x.keys", "a0.pcap")) {
            Path p = d.resolve(n);
            Files.createDirectories(p.getParent());
            Files.writeString(p, n);
        }
        Path single = Files.writeString(dir.resolve("given.dump"), "x");
        CaptureInputs in = CaptureInputs.expand(List.of(single, d));
        assertThat(in.captures()).containsExactly(single, d.resolve("a.PCAPNG"), d.resolve("a0.pcap"), d.resolve("b.pcap"),
                d.resolve("sub/a.pcap"), d.resolve("sub/c.cap"));
        assertThat(in.skipped()).containsExactly(d + ": skipped 2 file(s) not named *.pcap, *.pcapng or *.cap: x.keys, z/notes.txt");
        // named twice: analysed once
        CaptureInputs twice = CaptureInputs.expand(List.of(d.resolve("b.pcap"), d.resolve("sub/../b.pcap")));
        assertThat(twice.captures()).containsExactly(d.resolve("b.pcap"));
        assertThat(twice.skipped()).containsExactly(d.resolve("sub/../b.pcap") + ": skipped: named twice (analysed once)");
        // an empty directory stays, so that reading it says why (exit 3)
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(CaptureInputs.expand(List.of(empty)).captures()).containsExactly(empty);
    }

    @Test
    void baselineNamesAreRelativeToTheBaselinesDirectory() {
        Path base = dir.resolve("ci/expected.json");
        assertThat(CaptureInputs.nameIn(base, dir.resolve("ci/x.pcap"))).isEqualTo("x.pcap");
        assertThat(CaptureInputs.nameIn(base, dir.resolve("ci/lab/x.pcap"))).isEqualTo("lab/x.pcap");
        assertThat(CaptureInputs.nameIn(base, dir.resolve("other/x.pcap"))).isEqualTo("../other/x.pcap");
        assertThat(CaptureInputs.resolveIn(base, "../other/x.pcap")).isEqualTo(dir.resolve("other/x.pcap").toAbsolutePath().normalize());
    }
}
