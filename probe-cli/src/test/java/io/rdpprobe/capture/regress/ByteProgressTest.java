package io.rdpprobe.capture.regress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The progress bar: redrawn at most ten times a second of its clock (a fake one here), wiped cleanly, shown only when wanted. */
class ByteProgressTest {
    @Test
    void redrawsAtMostEveryHundredMillisecondsAndWipesItself() {
        StringWriter sw = new StringWriter();
        long[] now = {0};
        ByteProgress p = new ByteProgress(new PrintWriter(sw), 2_000_000, 2, () -> now[0]);
        p.startFile(0);
        p.accept(1000);
        for (int i = 0; i < 1000; i++) {
            now[0] += 1_000_000; // 1 ms each: 1000 reports in one second
            p.accept(1000 + i);
        }
        assertThat(p.draws).isBetween(10, 11);
        p.startFile(1_000_000);
        now[0] += ByteProgress.EVERY_NANOS;
        p.accept(500_000);
        assertThat(sw.toString()).endsWith("analyze [##################......]  75% 1.5/2.0 MB, capture 2/2");
        p.clear();
        assertThat(sw.toString()).endsWith("\r" + " ".repeat("analyze [##################......]  75% 1.5/2.0 MB, capture 2/2".length()) + "\r");
        int before = p.draws;
        p.accept(600_000); // wiped, but not redrawn before its time: a connection printed per report stays cheap
        assertThat(p.draws).isEqualTo(before);
    }

    @Test
    void shownOnlyOnATerminalWithoutQuietJsonOrCi() {
        assertThat(ByteProgress.wanted(false, false, false, Map.of(), true)).isTrue();
        assertThat(ByteProgress.wanted(false, false, false, Map.of("CI", "false"), true)).isTrue();
        assertThat(ByteProgress.wanted(false, false, false, Map.of(), false)).isFalse();
        assertThat(ByteProgress.wanted(true, false, false, Map.of(), true)).isFalse();
        assertThat(ByteProgress.wanted(false, true, false, Map.of(), true)).isFalse();
        assertThat(ByteProgress.wanted(false, false, true, Map.of(), true)).isFalse();
        assertThat(ByteProgress.wanted(false, false, false, Map.of("CI", "true"), true)).isFalse();
    }
}
