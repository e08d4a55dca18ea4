package io.rdpprobe.probe.model;

/**
 * A diagnosed cause. The {@code code} is the one stable name used in code, JSON and docs; {@code title}
 * says what was observed in one line; {@code remedy} says what to do; {@code clientError} is what mstsc
 * would show, when known.
 *
 * <p>Causes are values, not an enum, so that server-supplied codes (ERRINFO, NTSTATUS, licensing errors)
 * keep their own spec names. The fixed ones live in catalogue classes such as {@link Causes}.
 */
public record Cause(String code, String title, String remedy, ClientError clientError) {
    public Cause {
        if (code == null || code.isEmpty() || !code.equals(code.toUpperCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("cause code must be UPPER_SNAKE_CASE: " + code);
        }
    }

    public Cause(String code, String title, String remedy) {
        this(code, title, remedy, null);
    }

    /** The same cause with a different client error pair (e.g. an ERRINFO-specific extended code). */
    public Cause withClientError(ClientError ce) {
        return new Cause(code, title, remedy, ce);
    }

    @Override
    public String toString() {
        return code;
    }
}
