package io.rdpprobe.report;

import java.time.Instant;

/**
 * {@link Instant#toString()} (ISO-8601, UTC, {@code DateTimeFormatter.ISO_INSTANT}) of an epoch time in nanoseconds,
 * written without the {@code java.time.format} machinery: capture timestamps are printed once or more per connection,
 * and the formatter's field resolution was a measurable share of {@code analyze}. The text is the same: fraction
 * digits in groups of three, as many as the value needs (none, 3, 6 or 9). Years outside 1970..9999 (and negative
 * times) are left to {@link Instant#toString()}.
 */
public final class IsoInstant {
    private IsoInstant() {}

    /** Nanoseconds since 1970-01-01T00:00:00Z up to 9999-12-31T23:59:59.999999999Z. */
    private static final long MAX_SECONDS = 253_402_300_799L;

    public static String format(long epochNanos) {
        long sec = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nano = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        return format(sec, nano);
    }

    public static String format(Instant t) {
        return format(t.getEpochSecond(), t.getNano());
    }

    static String format(long sec, int nano) {
        if (sec < 0 || sec > MAX_SECONDS) {
            return Instant.ofEpochSecond(sec, nano).toString();
        }
        long days = sec / 86_400;
        int secOfDay = (int) (sec % 86_400);
        // civil-from-days (H. Hinnant), days since 1970-01-01 >= 0
        long z = days + 719_468;
        long era = z / 146_097;
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int d = (int) (doy - (153 * mp + 2) / 5 + 1);
        int m = (int) (mp < 10 ? mp + 3 : mp - 9);
        if (m <= 2) {
            y++;
        }
        char[] b = new char[30];
        int i = 0;
        i = digits(b, i, (int) y, 4);
        b[i++] = '-';
        i = digits(b, i, m, 2);
        b[i++] = '-';
        i = digits(b, i, d, 2);
        b[i++] = 'T';
        i = digits(b, i, secOfDay / 3600, 2);
        b[i++] = ':';
        i = digits(b, i, secOfDay / 60 % 60, 2);
        b[i++] = ':';
        i = digits(b, i, secOfDay % 60, 2);
        if (nano != 0) {
            b[i++] = '.';
            if (nano % 1_000_000 == 0) {
                i = digits(b, i, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                i = digits(b, i, nano / 1000, 6);
            } else {
                i = digits(b, i, nano, 9);
            }
        }
        b[i++] = 'Z';
        return new String(b, 0, i);
    }

    private static int digits(char[] b, int at, int v, int width) {
        for (int k = at + width - 1; k >= at; k--) {
            b[k] = (char) ('0' + v % 10);
            v /= 10;
        }
        return at + width;
    }
}
