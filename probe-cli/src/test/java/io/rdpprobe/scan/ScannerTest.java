package io.rdpprobe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The scheduler alone, with a stand-in prober: concurrency, the per-host limit, and the stop. */
class ScannerTest {
    private static Report ok(ScanTarget t) {
        return new Report(t.target().toString(), List.of(StageResult.ok(Stage.DNS, 0, Map.of(), "ok")));
    }

    private static List<ScanTarget> targets(String... specs) {
        TargetParser p = new TargetParser(3389);
        for (String s : specs) {
            p.add(s);
        }
        return p.targets();
    }

    @Test
    void boundedConcurrencyAndOneConnectionPerHost() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Map<String, AtomicInteger> perHost = new ConcurrentHashMap<>();
        AtomicInteger hostPeak = new AtomicInteger();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        // 64 addresses, and 8 ports on one of them
        List<ScanTarget> ts = new ArrayList<>(targets("10.0.0.0/26"));
        for (int p = 1; p <= 8; p++) {
            ts.addAll(targets("10.9.9.9:" + p));
        }
        Scanner s = new Scanner(ts, 8, 0, t -> {
            int now = running.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            int h = perHost.computeIfAbsent(t.hostKey(), k -> new AtomicInteger()).incrementAndGet();
            hostPeak.accumulateAndGet(h, Math::max);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            perHost.get(t.hostKey()).decrementAndGet();
            running.decrementAndGet();
            return ok(t);
        }, (t, r) -> seen.add(r.target()), () -> { });
        Scanner.Outcome o = s.run();
        assertThat(o.done()).isEqualTo(72);
        assertThat(o.stopped()).isFalse();
        assertThat(o.interrupted()).isZero();
        assertThat(seen).hasSize(72).doesNotHaveDuplicates();
        assertThat(peak.get()).isLessThanOrEqualTo(8).isGreaterThan(1);
        assertThat(hostPeak.get()).isEqualTo(1);
    }

    @Test
    void stopClosesTheOpenConnectionsAndWritesNothingCutShort() throws Exception {
        CountDownLatch started = new CountDownLatch(4);
        AtomicInteger closes = new AtomicInteger();
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        List<ScanTarget> ts = targets("10.0.0.0/28"); // 16 targets, 4 at a time
        Scanner[] s = new Scanner[1];
        s[0] = new Scanner(ts, 4, 0, t -> {
            if (t.host().equals("10.0.0.0")) {
                return ok(t); // finishes before the stop: written
            }
            s[0].beforeConnect();
            started.countDown();
            try {
                Thread.sleep(60_000); // a silent server: only the stop ends it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ok(t); // the report of a probe the stop cut short: must not be written
        }, (t, r) -> written.add(r.target()), closes::incrementAndGet);
        Thread runner = new Thread(() -> { });
        Scanner.Outcome[] out = new Scanner.Outcome[1];
        runner = new Thread(() -> out[0] = s[0].run());
        runner.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        s[0].stop();
        s[0].stop(); // idempotent
        runner.join(10_000);
        assertThat(runner.isAlive()).isFalse();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
        assertThat(closes.get()).isEqualTo(1);
        assertThat(written).containsExactly("10.0.0.0:3389");
        assertThat(out[0].stopped()).isTrue();
        assertThat(out[0].done()).isEqualTo(1);
        assertThat(out[0].interrupted()).isEqualTo(15);
        // after the stop no new connection may start
        org.assertj.core.api.Assertions.assertThatThrownBy(s[0]::beforeConnect).isInstanceOf(Scanner.Stopped.class);
    }

    @Test
    void aProbeBugIsReportedAndTheScanGoesOn() {
        List<String> written = new ArrayList<>();
        Scanner s = new Scanner(targets("10.0.0.1-3"), 2, 0, t -> {
            if (t.host().equals("10.0.0.2")) {
                throw new IllegalStateException("boom");
            }
            return ok(t);
        }, (t, r) -> written.add(r.target()), () -> { });
        Scanner.Outcome o = s.run();
        assertThat(written).containsExactlyInAnyOrder("10.0.0.1:3389", "10.0.0.3:3389");
        assertThat(o.errors()).singleElement().asString().contains("10.0.0.2:3389: internal error: java.lang.IllegalStateException: boom");
        assertThat(o.interrupted()).isZero();
    }

    @Test
    void theRateSpacesNewConnections() throws Exception {
        RateLimiter r = new RateLimiter(50);
        long t0 = System.nanoTime();
        for (int i = 0; i < 11; i++) {
            r.acquire();
        }
        // 11 slots at 50/s span at least 10 intervals of 20 ms
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(190);
    }
}
