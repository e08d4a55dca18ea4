package io.rdpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.internal.logging.InternalLogger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Netty's warnings stay visible on standard error without java.util.logging (issue 13). */
class NettyLogTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private InternalLogger logger(boolean debug) {
        NettyLog f = new NettyLog(new PrintStream(bytes, true, StandardCharsets.UTF_8), debug);
        return f.newInstance("io.netty.Example");
    }

    private String err() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void warningsAndErrorsAreOneLineWithTheLoggersName() {
        InternalLogger log = logger(false);
        log.warn("LEAK: {} leaked {} times", "ByteBuf", 2);
        log.error("failed: {}", new Object[] {"x"});
        assertThat(err()).isEqualTo("rdp-probe: netty WARN io.netty.Example: LEAK: ByteBuf leaked 2 times"
                + System.lineSeparator() + "rdp-probe: netty ERROR io.netty.Example: failed: x" + System.lineSeparator());
    }

    @Test
    void infoIsShownAsJavaUtilLoggingShowedItButDebugOnlyWithRdpProbeDebug() {
        InternalLogger quiet = logger(false);
        quiet.info("info line");
        quiet.debug("debug line {}", 1);
        quiet.trace("trace line");
        assertThat(quiet.isDebugEnabled()).isFalse();
        assertThat(quiet.isInfoEnabled()).isTrue();
        assertThat(err()).contains("info line").doesNotContain("debug line").doesNotContain("trace line");
        InternalLogger loud = logger(true);
        loud.debug("debug line {}", 1);
        assertThat(loud.isTraceEnabled()).isTrue();
        assertThat(err()).contains("rdp-probe: netty DEBUG io.netty.Example: debug line 1");
    }

    @Test
    void aTrailingThrowableIsPrintedAsTheCause() {
        InternalLogger log = logger(false);
        log.warn("channel {} failed", "c1", new IllegalStateException("boom"));
        log.warn("plain", new IllegalArgumentException("bad"));
        assertThat(err()).contains("channel c1 failed").contains("  cause: java.lang.IllegalStateException: boom")
                .contains("plain").contains("  cause: java.lang.IllegalArgumentException: bad")
                .doesNotContain("\tat "); // no stack trace without -Drdpprobe.debug=true
        bytes.reset();
        logger(true).warn("plain", new IllegalArgumentException("bad"));
        assertThat(err()).contains("java.lang.IllegalArgumentException: bad").contains("\tat ");
    }

    @Test
    void placeholdersWithoutArgumentsStayAsWritten() {
        assertThat(NettyLog.format("a {} b {}", new Object[] {1})).isEqualTo("a 1 b {}");
        assertThat(NettyLog.format("no args {}", null)).isEqualTo("no args {}");
        assertThat(NettyLog.format("{}", new Object[] {(Object) new Object[] {1, 2}})).isEqualTo("[1, 2]");
    }
}
