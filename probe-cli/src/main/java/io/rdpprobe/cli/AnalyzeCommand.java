package io.rdpprobe.cli;

import io.rdpprobe.capture.AnalyzedConnection;
import io.rdpprobe.capture.CaptureAnalyzer;
import io.rdpprobe.capture.CaptureFormatException;
import io.rdpprobe.capture.ZeekMapping;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Verdict;
import io.rdpprobe.report.ReportJson;
import io.rdpprobe.report.TextRenderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rdp-probe analyze CAPTURE}: the stage report of every RDP connection in a pcap or pcapng file, as the live
 * probe would print it. Output is streamed: each connection is printed when it ends in the capture, so memory
 * does not grow with the file.
 *
 * <p>Exit codes: 0 the capture was analysed (whatever the connections' verdicts); 2 usage error or unreadable
 * file; 3 not a pcap/pcapng file or a broken block structure.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Reads a pcap/pcapng capture and reports, per RDP connection, the stages reached and why it stopped.",
        footer = {"", "Exit codes: 0 analysed; 2 usage or unreadable file; 3 not a capture / broken capture."})
public final class AnalyzeCommand implements Callable<Integer> {
    public static final int EXIT_BAD_CAPTURE = 3;
    static final long PROGRESS_THRESHOLD = 100L * 1024 * 1024;

    @Parameters(index = "0", paramLabel = "CAPTURE", description = "pcap or pcapng file")
    Path capture;

    @Option(names = "--json", description = "JSON: {\"capture\":FILE,\"connections\":[report,...]} (same report schema as the probe)")
    boolean json;

    @Option(names = "--summary", description = "one line per connection")
    boolean summary;

    @Option(names = "--zeek", description = "Zeek rdp.log fields, tab separated, one line per connection (for comparison)")
    boolean zeek;

    @Option(names = "--no-evidence", description = "text output without the evidence lines")
    boolean noEvidence;

    @Option(names = "--no-progress", description = "never print progress on stderr")
    boolean noProgress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** How connections are printed. */
    interface Output {
        void begin(Path file);

        void connection(AnalyzedConnection c);

        void end(CaptureAnalyzer.Summary s);

        /** The capture broke off: close the output so it stays well-formed (JSON adds an "error" key). */
        default void abort(String error) { }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec != null ? spec.commandLine().getOut() : new PrintWriter(System.out, true);
        PrintWriter err = spec != null ? spec.commandLine().getErr() : new PrintWriter(System.err, true);
        return run(out, err);
    }

    int run(PrintWriter out, PrintWriter err) {
        if (!Files.isReadable(capture) || Files.isDirectory(capture)) {
            err.println("rdp-probe analyze: cannot read " + capture);
            return Main.EXIT_USAGE;
        }
        Output o = json ? new JsonOutput(out) : summary ? new SummaryOutput(out) : zeek ? new ZeekOutput(out)
                : new TextOutput(out, !noEvidence);
        long size;
        try {
            size = Files.size(capture);
        } catch (IOException e) {
            err.println("rdp-probe analyze: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        Progress progress = !noProgress && size > PROGRESS_THRESHOLD ? new Progress(err, size) : null;
        o.begin(capture);
        try {
            CaptureAnalyzer.Summary s = CaptureAnalyzer.analyze(capture, c -> {
                o.connection(c);
            }, progress);
            if (progress != null) {
                progress.done();
            }
            o.end(s);
            out.flush();
            return 0;
        } catch (CaptureFormatException e) {
            o.abort(e.getMessage());
            out.flush();
            err.println("rdp-probe analyze: " + capture + ": " + e.getMessage());
            return EXIT_BAD_CAPTURE;
        } catch (IOException e) {
            o.abort(e.getMessage());
            out.flush();
            err.println("rdp-probe analyze: " + capture + ": " + e.getMessage());
            return Main.EXIT_USAGE;
        }
    }

    /** "\ranalyze: 42% of 1.0 GB" on stderr, at most once a second. */
    static final class Progress implements java.util.function.LongConsumer {
        private final PrintWriter err;
        private final long size;
        private long last;

        Progress(PrintWriter err, long size) {
            this.err = err;
            this.size = size;
        }

        @Override
        public void accept(long pos) {
            long now = System.nanoTime();
            if (now - last < 1_000_000_000L) {
                return;
            }
            last = now;
            err.printf("\ranalyze: %3d%% of %.1f MB", pos * 100 / Math.max(1, size), size / 1e6);
            err.flush();
        }

        void done() {
            err.printf("\ranalyze: 100%% of %.1f MB%n", size / 1e6);
            err.flush();
        }
    }

    static final class TextOutput implements Output {
        private final PrintWriter out;
        private final TextRenderer renderer;
        private int n;

        TextOutput(PrintWriter out, boolean evidence) {
            this.out = out;
            this.renderer = new TextRenderer(evidence);
        }

        @Override
        public void begin(Path file) {
            out.println("capture " + file);
        }

        @Override
        public void connection(AnalyzedConnection c) {
            n++;
            out.println();
            if (c.udp() != null) {
                // RDP-UDP has no stage of its own: print the handshake facts and the one-line verdict
                out.println("[" + n + "] rdp-probe " + c.report().target());
                for (Map.Entry<String, Object> e : c.report().extra().entrySet()) {
                    if (e.getValue() instanceof Map<?, ?> m) {
                        m.forEach((k, v) -> out.println("      " + k + ": " + v));
                    }
                }
                out.println();
                out.println("Verdict: " + c.report().verdict().status() + " - " + c.report().verdict().summary());
            } else {
                out.print("[" + n + "] " + renderer.render(c.report()));
            }
            out.flush();
        }

        @Override
        public void end(CaptureAnalyzer.Summary s) {
            out.println();
            out.printf("%d RDP connection(s) in %d packets (%s, %d bytes)%s%s%n", s.rdpConnections(), s.packets(), s.format(),
                    s.bytes(), s.ipFragments() > 0 ? "; " + s.ipFragments() + " IP fragment(s) skipped (not reassembled)" : "",
                    s.decryptionSecretsBlocks() > 0 ? "; " + s.decryptionSecretsBlocks()
                            + " decryption secrets block(s) kept (not used yet)" : "");
        }
    }

    static final class SummaryOutput implements Output {
        private final PrintWriter out;

        SummaryOutput(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void begin(Path file) { }

        @Override
        public void connection(AnalyzedConnection c) {
            out.println(line(c));
        }

        @Override
        public void end(CaptureAnalyzer.Summary s) {
            out.flush();
        }
    }

    /** {@code <first packet> <target> <status> <stage> <cause or -> <summary>}. */
    static String line(AnalyzedConnection c) {
        Report r = c.report();
        Verdict v = r.verdict();
        return java.time.Instant.ofEpochSecond(0, c.firstSeen()) + " " + r.target() + " " + v.status() + " "
                + (v.stage() == null ? "-" : v.stage().name()) + " " + (v.cause() == null ? "-" : v.cause()) + " " + v.summary();
    }

    static final class JsonOutput implements Output {
        private final PrintWriter out;
        private boolean first = true;

        JsonOutput(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void begin(Path file) {
            out.print("{\"capture\": " + ReportJson.write(file.toString()) + ",\n \"connections\": [");
        }

        @Override
        public void connection(AnalyzedConnection c) {
            out.print(first ? "\n" : ",\n");
            first = false;
            out.print(ReportJson.render(c.report()));
            out.flush();
        }

        @Override
        public void end(CaptureAnalyzer.Summary s) {
            out.println("]}");
            out.flush();
        }

        @Override
        public void abort(String error) {
            out.println("],\n \"error\": " + ReportJson.write(error) + "}");
            out.flush();
        }
    }

    static final class ZeekOutput implements Output {
        private final PrintWriter out;

        ZeekOutput(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void begin(Path file) {
            out.println("#fields\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t" + String.join("\t", ZeekMapping.FIELDS));
        }

        @Override
        public void connection(AnalyzedConnection c) {
            if (c.tcp() == null) {
                return;
            }
            Map<String, String> m = ZeekMapping.rdpLog(c.tcp());
            out.println(c.tcp().client().host() + "\t" + c.tcp().client().port() + "\t" + c.tcp().server().host() + "\t"
                    + c.tcp().server().port() + "\t" + String.join("\t", m.values()));
        }

        @Override
        public void end(CaptureAnalyzer.Summary s) {
            out.flush();
        }
    }
}
