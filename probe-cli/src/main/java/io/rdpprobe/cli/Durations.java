package io.rdpprobe.cli;

import picocli.CommandLine;

/**
 * Every duration option: a number with an optional unit, {@code ms}, {@code s} (the default), {@code m} or {@code h},
 * e.g. "10", "10s", "2.5s", "500ms", "3m", "1h", into milliseconds (1 ms up to 1 h).
 */
final class Durations implements CommandLine.ITypeConverter<Long> {
    static final long MAX_MS = 3_600_000;
    static final String FORMS = "use a number with ms, s, m or h, e.g. 500ms, 10s, 3m; no unit means seconds";

    @Override
    public Long convert(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        double factor = 1000;
        if (v.endsWith("ms")) {
            factor = 1;
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            v = v.substring(0, v.length() - 1);
        } else if (v.endsWith("m")) {
            factor = 60_000;
            v = v.substring(0, v.length() - 1);
        } else if (v.endsWith("h")) {
            factor = 3_600_000;
            v = v.substring(0, v.length() - 1);
        }
        double d;
        try {
            if (!v.strip().equals(v) || v.isEmpty() || !v.matches("-?[0-9]*\\.?[0-9]+")) {
                throw new NumberFormatException(v);
            }
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("not a duration: '" + value + "' (" + FORMS + ")");
        }
        long ms = Math.round(d * factor);
        if (ms <= 0 || ms > MAX_MS) {
            throw new CommandLine.TypeConversionException("duration out of range: '" + value
                    + "' (1ms up to 1h; " + FORMS + ")");
        }
        return ms;
    }
}
