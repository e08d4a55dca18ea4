package io.rdpprobe.cli;

import picocli.CommandLine;

/** Parses "10", "10s", "2.5s", "500ms" into milliseconds. */
final class Durations implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        double factor = 1000;
        if (v.endsWith("ms")) {
            factor = 1;
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            v = v.substring(0, v.length() - 1);
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("not a duration: '" + value + "' (use 10, 10s or 500ms)");
        }
        long ms = Math.round(d * factor);
        if (ms <= 0 || ms > 3_600_000) {
            throw new CommandLine.TypeConversionException("duration out of range: '" + value
                    + "' (use 1ms up to 3600s, e.g. 10, 10s or 500ms)");
        }
        return ms;
    }
}
