/**
 * {@code analyze} as a regression tool: the captures of several files and directories ({@link CaptureInputs}), the
 * progress bar over their bytes ({@link ByteProgress}), each connection's verdict as a comparable record
 * ({@link ConnectionVerdict}), the baseline file of {@code --write-expected}/{@code --expect} ({@link Baseline}),
 * the comparison and its differences ({@link Regression}, {@link Difference}) and its JUnit XML.
 */
package io.rdpprobe.capture.regress;
