package io.rdpprobe.capture.regress;

/**
 * One difference between a baseline and a run.
 *
 * @param capture    the capture's name in the baseline
 * @param connection the connection's key, or null for the capture itself
 * @param field      {@code capture}, {@code error}, {@code connection}, {@code verdict.stage}, {@code verdict.status},
 *                   {@code verdict.cause}, {@code verdict.inferred}, {@code verdict.mstsc}, {@code stages.STAGE},
 *                   {@code evidence.NAME}
 */
public record Difference(String capture, String connection, String field, String expected, String got) {
    /** {@code CAPTURE [CONNECTION] FIELD: expected X, got Y}. */
    public String line() {
        return capture + (connection == null ? "" : " [" + connection + "]") + " " + field + ": expected " + expected
                + ", got " + got;
    }

    /** {@code FIELD: expected X, got Y} (the JUnit failure message: the test case names the rest). */
    public String shortLine() {
        return field + ": expected " + expected + ", got " + got;
    }
}
