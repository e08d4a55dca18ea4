package io.rdpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The start-up warm-up of Netty (issue 13): only for the commands that use Netty, and awaited before use. */
class NettyWarmupTest {

    @Test
    void onlyProbeScanAndDemoStartIt() throws Exception {
        for (String[] args : new String[][] {{}, {"analyze", "x.pcap"}, {"--help"}, {"man"}, {"completion", "bash"}}) {
            NettyWarmup.start(args);
            assertThat(warmupThreads()).as(String.join(" ", args)).isZero();
        }
    }

    @Test
    void awaitReturnsOnceTheWarmUpHasRunAndAProbeStillRuns() {
        NettyWarmup.start(new String[] {"probe", "127.0.0.1:1"});
        NettyWarmup.await();
        assertThat(warmupThreads()).isZero();
        assertThat(io.rdpprobe.probe.netty.Transport.preferred()).isNotNull();
        NettyWarmup.await(); // again: returns at once
    }

    private static long warmupThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("rdp-probe-warmup") && t.isAlive()).count();
    }
}
