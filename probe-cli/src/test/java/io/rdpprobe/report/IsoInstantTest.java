package io.rdpprobe.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantTest {
    private static void same(long nanos) {
        assertEquals(Instant.ofEpochSecond(0, nanos).toString(), IsoInstant.format(nanos), "at " + nanos + " ns");
    }

    @Test
    void edgesAndEveryFractionWidth() {
        for (long n : new long[] {0, 1, 999, 1000, 1_000_000, 999_999_999, 1_000_000_000, 951_782_400L * 1_000_000_000L,
                1_709_251_199_999_999_999L, 1_709_251_200_000_000_000L, 4_102_444_800_123_000_000L, -1, -1_000_000_001L,
                Long.MAX_VALUE, Long.MIN_VALUE}) {
            same(n);
        }
        assertEquals("2024-02-29T23:59:59.999999999Z", IsoInstant.format(1_709_251_199_999_999_999L));
        assertEquals("2100-01-01T00:00:00.123Z", IsoInstant.format(4_102_444_800_123_000_000L));
    }

    @Test
    void randomTimesMatchInstantToString() {
        SplittableRandom r = new SplittableRandom(13);
        for (int i = 0; i < 200_000; i++) {
            long sec = r.nextLong(0, 253_402_300_800L);
            int pick = r.nextInt(4);
            long nano = pick == 0 ? 0 : pick == 1 ? r.nextInt(1000) * 1_000_000L : pick == 2 ? r.nextInt(1_000_000) * 1000L
                    : r.nextInt(1_000_000_000);
            assertEquals(Instant.ofEpochSecond(sec, nano).toString(), IsoInstant.format(Instant.ofEpochSecond(sec, nano)));
            if (sec < Long.MAX_VALUE / 1_000_000_000L - 1) {
                same(sec * 1_000_000_000L + nano);
            }
        }
    }
}
