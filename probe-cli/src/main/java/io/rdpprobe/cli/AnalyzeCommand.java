package io.rdpprobe.cli;

import io.rdpprobe.capture.AnalyzedConnection;
import io.rdpprobe.capture.CaptureAnalyzer;
import io.rdpprobe.capture.CaptureFormatException;
import io.rdpprobe.capture.ZeekMapping;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.TranscriptSection;
import io.rdpprobe.probe.model.Verdict;
import io.rdpprobe.report.ReportJson;
import io.rdpprobe.report.TextRenderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * <p>Exit codes ({@link #EXIT_CODES}): 0 the capture was analysed (whatever the connections' verdicts); 2 usage
 * error; 3 unreadable (missing, a directory, no permission, not a pcap/pcapng file, or no packet of a supported
 * link type); 4 truncated or broken capture (the connections before the damage are still reported). Under
 * {@code --json} every outcome prints one JSON object, with {@code error} set when the exit code is not 0.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Reads a pcap/pcapng capture and reports, per RDP connection, the stages reached and why it stopped.",
        footer = {"", AnalyzeCommand.EXIT_CODES})
public final class AnalyzeCommand implements Callable<Integer> {
    /** Missing, a directory, no permission, not a capture, or nothing of a supported link type. */
    public static final int EXIT_UNREADABLE = 3;
    /** The file ends inside a record or header, or a block is broken. */
    public static final int EXIT_BROKEN_CAPTURE = 4;
    /** The one exit-code table, shown in both helps (README has the same). */
    public static final String EXIT_CODES = "Exit codes: 0 analysed; 2 usage error; 3 unreadable (missing, directory, "
            + "permission denied, not a pcap/pcapng file, no supported link type); 4 truncated or broken capture "
            + "(connections before the damage are still reported).";
    static final long PROGRESS_THRESHOLD = 100L * 1024 * 1024;

    @Parameters(index = "0", paramLabel = "CAPTURE", description = "pcap or pcapng file")
    Path capture;

    @Option(names = "--json", description = "JSON: one object {\"capture\":FILE,\"connections\":[report,...],"
            + "\"summary\":{...},\"warnings\":[...],\"error\":null|\"...\"} (same report schema as the probe), for every outcome")
    boolean json;

    @Option(names = "--summary", description = "one line per connection")
    boolean summary;

    @Option(names = "--zeek", description = "Zeek rdp.log fields, tab separated, one line per connection (for comparison)")
    boolean zeek;

    @Option(names = {"-q", "--quiet"}, description = "Per connection, the verdict alone.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Add the evidence under each stage; -vv prints long values "
            + "(hex dumps) in full instead of their first bytes, length and SHA-256.")
    boolean[] verbose = new boolean[0];

    /** The old name of the default (stage lines without evidence); kept so scripts keep working. */
    @Option(names = "--no-evidence", hidden = true)
    boolean noEvidence;

    @Option(names = "--no-progress", description = "never print progress on stderr")
    boolean noProgress;

    @Option(names = "--html", paramLabel = "FILE",
            description = "also write a self-contained HTML page: an index of the connections with their verdicts, and per "
                    + "connection its handshake ladder (capture timestamps), verdict and stages")
    Path html;

    @Option(names = "--junit", paramLabel = "FILE",
            description = "also write JUnit XML: one testcase per connection, FAILED verdicts as failures")
    Path junit;

    // ---- TLS decryption (issue 12): secrets from files, merged with the capture's own pcapng DSBs
    @Option(names = "--keylog", paramLabel = "FILE",
            description = "an NSS key log (SSLKEYLOGFILE) to decrypt TLS with (repeatable); TLS key log Decryption Secrets "
                    + "Blocks inside a pcapng capture are used automatically, merged with these")
    List<Path> keyLogs = new ArrayList<>();

    @Option(names = "--rsa-key", paramLabel = "FILE",
            description = "the server's PEM RSA private key, for TLS_RSA_* key exchange (repeatable)")
    List<Path> rsaKeys = new ArrayList<>();

    /** Connections kept for --html/--junit (the rest are counted; the page would be unreadable anyway). */
    static final int MAX_COLLECTED = 2000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * A usage error of {@code analyze --json ...}: the one JSON object with {@code error} (picocli's parse error comes
     * before {@link #run}, so {@link Main} calls this).
     */
    static void jsonUsageError(PrintWriter out, String file, String error) {
        out.println("{\"capture\": " + ReportJson.write(file) + ",\n \"connections\": [],\n \"error\": "
                + ReportJson.write("usage: " + error) + "}");
        out.flush();
    }

    /** How connections are printed. */
    interface Output {
        void begin(Path file);

        void connection(AnalyzedConnection c);

        /** The end of the capture; {@code error} is null unless the exit code will be non-zero. */
        void end(CaptureAnalyzer.Summary s, List<String> warnings, String error);

        /** Nothing could be read: close the output so it stays well-formed (JSON adds an "error" key). */
        default void abort(String error) { }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec != null ? spec.commandLine().getOut() : new PrintWriter(System.out, true);
        PrintWriter err = spec != null ? spec.commandLine().getErr() : new PrintWriter(System.err, true);
        return run(out, err);
    }

    /** Why the file cannot be opened, or null when it can: missing, a directory, no permission. */
    static String unreadable(Path file) {
        if (!Files.exists(file)) {
            return "cannot read " + file + ": no such file";
        }
        if (Files.isDirectory(file)) {
            return "cannot read " + file + ": it is a directory";
        }
        if (!Files.isReadable(file)) {
            return "cannot read " + file + ": permission denied";
        }
        return null;
    }

    int run(PrintWriter out, PrintWriter err) {
        if (quiet && verbose.length > 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-q/--quiet and -v/--verbose exclude each other");
        }
        TextRenderer.Detail detail = TextRenderer.Detail.of(quiet, verbose.length);
        Output o = json ? new JsonOutput(out) : summary ? new SummaryOutput(out) : zeek ? new ZeekOutput(out)
                : new TextOutput(out, detail, spec != null && TextRenderer.colourWanted(System.console() != null, System.getenv()));
        String why = unreadable(capture);
        if (why != null) {
            return fail(o, out, err, why, EXIT_UNREADABLE);
        }
        long size;
        try {
            size = Files.size(capture);
        } catch (IOException e) {
            return fail(o, out, err, "cannot read " + capture + ": " + e.getMessage(), EXIT_UNREADABLE);
        }
        io.rdpprobe.capture.CaptureSecrets.Files secretFiles;
        try {
            secretFiles = io.rdpprobe.capture.CaptureSecrets.load(keyLogs, rsaKeys);
        } catch (IOException | io.rdpprobe.protocol.codec.DecodeException e) {
            return fail(o, out, err, "cannot read the TLS secrets: " + e.getMessage(), EXIT_UNREADABLE);
        }
        Progress progress = !noProgress && size > PROGRESS_THRESHOLD ? new Progress(err, size) : null;
        boolean[] begun = {false};
        List<Map.Entry<String, Report>> collected = html != null || junit != null ? new ArrayList<>() : null;
        int[] notCollected = {0};
        try {
            CaptureAnalyzer.Summary s = CaptureAnalyzer.analyze(capture, secretFiles, c -> {
                if (!begun[0]) {
                    o.begin(capture);
                    begun[0] = true;
                }
                o.connection(c);
                if (collected != null) {
                    if (collected.size() < MAX_COLLECTED) {
                        collected.add(Map.entry(label(c), withLadder(c)));
                    } else {
                        notCollected[0]++;
                    }
                }
            }, progress);
            if (progress != null) {
                progress.done();
            }
            if (!begun[0]) {
                o.begin(capture);
            }
            List<String> warnings = new ArrayList<>(s.linkTypeNotes());
            String error = s.broken() != null ? s.broken() : s.truncation();
            int code = error != null ? EXIT_BROKEN_CAPTURE : 0;
            if (error == null && s.nothingDecodable()) {
                error = String.join("; ", warnings);
                code = EXIT_UNREADABLE;
            }
            o.end(s, warnings, error);
            out.flush();
            if (error != null) {
                err.println("rdp-probe analyze: " + capture + ": " + error);
            }
            if (collected != null && !writeFiles(err, collected, notCollected[0])) {
                return code == 0 ? 1 : code;
            }
            return code;
        } catch (CaptureFormatException e) {
            int code = e.kind() == CaptureFormatException.Kind.NOT_A_CAPTURE ? EXIT_UNREADABLE : EXIT_BROKEN_CAPTURE;
            if (begun[0]) {
                o.abort(e.getMessage());
                out.flush();
                err.println("rdp-probe analyze: " + capture + ": " + e.getMessage());
                return code;
            }
            return fail(o, out, err, e.getMessage(), code);
        } catch (IOException e) {
            String msg = "cannot read " + capture + ": " + e.getMessage();
            if (begun[0]) {
                o.abort(msg);
                out.flush();
                err.println("rdp-probe analyze: " + msg);
                return EXIT_UNREADABLE;
            }
            return fail(o, out, err, msg, EXIT_UNREADABLE);
        }
    }

    /** Nothing was analysed: JSON still prints its one object; the other outputs say it on stderr. */
    private int fail(Output o, PrintWriter out, PrintWriter err, String error, int code) {
        if (o instanceof JsonOutput) {
            o.begin(capture);
            o.abort(error);
            out.flush();
        }
        err.println("rdp-probe analyze: " + (error.startsWith("cannot read") ? "" : capture + ": ") + error);
        return code;
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

        TextOutput(PrintWriter out, TextRenderer.Detail detail, boolean colour) {
            this.out = out;
            this.renderer = new TextRenderer(detail, colour);
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
                out.println("[" + n + "] capture connection " + c.report().target() + " (client -> server)");
                c.report().section(io.rdpprobe.probe.model.RdpUdpSection.class).ifPresent(u ->
                        u.facts().forEach((k, v) -> out.println("      " + k + ": " + v)));
                out.println();
                out.println("Verdict: " + c.report().verdict().status() + " - " + c.report().verdict().summary());
            } else {
                out.print("[" + n + "] " + renderer.render(c.report()));
            }
            out.flush();
        }

        @Override
        public void end(CaptureAnalyzer.Summary s, List<String> warnings, String error) {
            out.println();
            out.printf("%d RDP connection(s) in %d packets (%s, %d bytes)%s%s%n", s.rdpConnections(), s.packets(), s.format(),
                    s.bytes(), s.ipFragments() > 0 ? "; " + s.ipFragments() + " IP fragment(s) skipped (not reassembled)" : "",
                    s.decryptionSecretsBlocks() > 0 ? "; " + s.decryptionSecretsBlocks() + " decryption secrets block(s)" : "");
            if (s.tlsSecretsText() != null) {
                out.println("TLS secrets: " + s.tlsSecretsText());
            }
            for (String w : warnings) {
                out.println("warning: " + w);
            }
            if (s.truncation() != null) {
                out.println("capture " + s.truncation() + " (the connections above end there)");
            }
            if (s.broken() != null) {
                out.println("capture broken: " + s.broken() + " (reading stopped there; the connections above end there)");
            }
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
        public void end(CaptureAnalyzer.Summary s, List<String> warnings, String error) {
            out.flush();
        }
    }

    /** A connection's label in the HTML index and as a JUnit testcase name: first packet time and target. */
    static String label(AnalyzedConnection c) {
        return java.time.Instant.ofEpochSecond(0, c.firstSeen()) + " " + c.report().target();
    }

    /** The report with its ladder: every PDU the capture shows, at capture time since the first packet. */
    static Report withLadder(AnalyzedConnection c) {
        if (c.tcp() == null) {
            return c.report();
        }
        List<TranscriptSection.Entry> pdus = new ArrayList<>();
        String stage = "X224";
        for (io.rdpprobe.capture.RdpConnection.LadderPdu p : c.tcp().ladder()) {
            stage = bandOf(p.name(), stage);
            pdus.add(new TranscriptSection.Entry((p.ts() - c.tcp().firstSeen()) / 1_000_000L,
                    p.from() == io.rdpprobe.capture.RdpConnection.Side.CLIENT ? ">" : "<", stage,
                    p.name() + ", " + p.size() + " bytes", p.name(), p.size(), TranscriptSection.SERVER));
        }
        return c.report().withSection(new TranscriptSection(pdus, c.tcp().ladderDropped()));
    }

    /** The stage band a PDU of the capture is drawn in, by the PDU's name; encrypted data stays in a band of its own. */
    static String bandOf(String name, String previous) {
        if (name.startsWith("X.224")) return "X224";
        if (name.startsWith("TLS application data")) return "encrypted (TLS)";
        if (name.startsWith("TLS")) return previous.startsWith("encrypted") ? previous : "TLS";
        if (name.startsWith("TSRequest")) return "CREDSSP";
        if (name.startsWith("MCS")) return "MCS";
        if (name.startsWith("Security Exchange")) return "SECURITY_EXCHANGE";
        if (name.startsWith("Client Info") || name.startsWith("licensing")) return "LICENSING";
        if (name.startsWith("Demand Active") || name.startsWith("Confirm Active")) return "ACTIVATION";
        return previous;
    }

    private boolean writeFiles(PrintWriter err, List<Map.Entry<String, Report>> collected, int notCollected) {
        boolean ok = true;
        String name = capture.getFileName() == null ? capture.toString() : capture.getFileName().toString();
        if (html != null) {
            String page = io.rdpprobe.report.HtmlReport.analyze(name, collected, java.time.Instant.now());
            if (notCollected > 0) {
                page = page.replace("</body>", "<p class=\"note\">" + notCollected + " more connection(s) not shown (at most "
                        + MAX_COLLECTED + ").</p>\n</body>");
            }
            ok &= ProbeCommand.writeFile(err, html, "--html", page);
        }
        if (junit != null) {
            java.io.StringWriter sw = new java.io.StringWriter();
            try (io.rdpprobe.report.JUnitXmlWriter w = new io.rdpprobe.report.JUnitXmlWriter(sw)) {
                io.rdpprobe.report.ReportJUnit.writeCapture(w, name, collected);
            }
            ok &= ProbeCommand.writeFile(err, junit, "--junit", sw.toString());
        }
        return ok;
    }

    /** {@code <first packet> <target> <status> <stage> <cause or -> <summary>}. */
    static String line(AnalyzedConnection c) {
        Report r = c.report();
        return TextRenderer.summaryLine(java.time.Instant.ofEpochSecond(0, c.firstSeen()), r);
    }

    static final class JsonOutput implements Output {
        private final PrintWriter out;
        private boolean first = true;

        JsonOutput(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void begin(Path file) {
            out.print("{\"capture\": " + ReportJson.write(file == null ? null : file.toString()) + ",\n \"connections\": [");
        }

        @Override
        public void connection(AnalyzedConnection c) {
            out.print(first ? "\n" : ",\n");
            first = false;
            out.print(ReportJson.render(c.report()));
            out.flush();
        }

        @Override
        public void end(CaptureAnalyzer.Summary s, List<String> warnings, String error) {
            Map<String, Object> sum = new LinkedHashMap<>();
            sum.put("format", s.format());
            sum.put("bytes", s.bytes());
            sum.put("packets", s.packets());
            sum.put("rdpConnections", s.rdpConnections());
            sum.put("ipFragmentsSkipped", s.ipFragments());
            Map<String, Object> lt = new LinkedHashMap<>();
            s.unsupportedLinkTypes().forEach((k, v) -> lt.put(String.valueOf(k), v));
            sum.put("unsupportedLinkTypes", lt);
            sum.put("truncation", s.truncation());
            sum.put("broken", s.broken());
            if (s.tlsSecrets() != null) sum.put("tlsSecrets", s.tlsSecrets());
            out.println("],\n \"summary\": " + ReportJson.write(sum) + ",\n \"warnings\": " + ReportJson.write(warnings)
                    + ",\n \"error\": " + ReportJson.write(error) + "}");
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
        public void end(CaptureAnalyzer.Summary s, List<String> warnings, String error) {
            out.flush();
        }
    }
}
