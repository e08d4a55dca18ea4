package io.rdpprobe.bench;

import io.rdpprobe.capture.CaptureAnalyzer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Times {@code analyze} over one file, outside JMH (for the 1 GB run with -Xmx256m):
 * {@code java -Xmx256m -cp benchmarks.jar io.rdpprobe.bench.RunAnalyze FILE}. Prints MB/s, connections,
 * the largest number of connections open at once, the peak heap used and the bytes the analysing thread allocated
 * (per packet). {@code FILE --repeat N} analyses it N times in one JVM (for a profiler: more samples), printing each.
 */
public final class RunAnalyze {
    private RunAnalyze() {}

    public static void main(String[] args) throws IOException {
        Path f = Path.of(args[0]);
        if (args.length > 1 && args[1].equals("--cli")) {
            // the real command path: rdp-probe analyze --json FILE, output discarded
            long t0 = System.nanoTime();
            picocli.CommandLine cl = new picocli.CommandLine(new io.rdpprobe.cli.AnalyzeCommand());
            cl.setOut(new java.io.PrintWriter(java.io.Writer.nullWriter()));
            int code = cl.execute("--json", f.toString());
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("rdp-probe analyze --json: exit %d, %.2f s, %.1f MB/s%n", code, secs, Files.size(f) / 1e6 / secs);
            return;
        }
        int repeat = args.length > 2 && args[1].equals("--repeat") ? Integer.parseInt(args[2]) : 1;
        for (int i = 0; i < repeat; i++) {
            once(f);
        }
    }

    private static void once(Path f) throws IOException {
        long size = Files.size(f);
        com.sun.management.ThreadMXBean am = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long alloc0 = am.getCurrentThreadAllocatedBytes();
        long[] n = new long[3];
        java.lang.management.ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        long cpu0 = tm.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        CaptureAnalyzer.Summary s = CaptureAnalyzer.analyze(f, c -> {
            n[0]++;
            if (c.report().verdict().status() == io.rdpprobe.probe.model.Status.FAILED) n[1]++;
        }, null);
        double secs = (System.nanoTime() - t0) / 1e9;
        double cpu = (tm.getCurrentThreadCpuTime() - cpu0) / 1e9;
        long alloc = am.getCurrentThreadAllocatedBytes() - alloc0;
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) peak += p.getPeakUsage().getUsed();
        }
        System.out.printf("%s: %.1f MB, %d packets, %d RDP connections (%d failed), max %d open at once%n", f, size / 1e6,
                s.packets(), n[0], n[1], s.maxOpenConnections());
        System.out.printf("analyze: %.2f s, %.1f MB/s, %.0f connections/s, peak heap %.1f MB (max %d MB)%n", secs,
                size / 1e6 / secs, n[0] / secs, peak / 1e6, Runtime.getRuntime().maxMemory() / (1024 * 1024));
        System.out.printf("analyze thread CPU: %.2f s, %.1f MB per CPU-second (the machine may be shared)%n", cpu, size / 1e6 / cpu);
        System.out.printf("analyze thread allocated: %.1f MB, %.0f bytes per packet%n", alloc / 1e6, alloc / (double) s.packets());
    }
}
