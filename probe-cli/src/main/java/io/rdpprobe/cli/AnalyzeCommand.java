package io.rdpprobe.cli;

import io.rdpprobe.capture.AnalyzedConnection;
import io.rdpprobe.capture.CaptureAnalyzer;
import io.rdpprobe.capture.CaptureFormatException;
import io.rdpprobe.capture.ZeekMapping;
import io.rdpprobe.capture.regress.Baseline;
import io.rdpprobe.capture.regress.ByteProgress;
import io.rdpprobe.capture.regress.CaptureInputs;
import io.rdpprobe.capture.regress.Difference;
import io.rdpprobe.capture.regress.Regression;
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
 * {@code rdp-probe analyze CAPTURE...}: the stage report of every RDP connection in pcap or pcapng files (a
 * directory stands for the captures inside it, {@link CaptureInputs}), as the live probe would print it. Output is
 * streamed: each connection is printed when it ends in the capture, so memory does not grow with the file.
 *
 * <p>Regression mode ({@code --write-expected}, {@code --expect}, {@code --junit}) lives in
 * {@link io.rdpprobe.capture.regress}; this class only wires it.
 *
 * <p>Exit codes ({@link #EXIT_CODES}): 0 the captures were analysed (whatever the connections' verdicts); 1 an
 * internal error, or a {@code --html}/{@code --junit}/{@code --write-expected} file could not be written; 2 usage error; 3 unreadable
 * (missing, a directory without captures, no permission, not a pcap/pcapng file, or no packet of a supported link
 * type; or the {@code --expect} file); 4 truncated or broken capture (the connections before the damage are still
 * reported); 5 a difference from the {@code --expect} baseline (which then decides alone: 3 and 4 of a capture are
 * differences only when its baseline says otherwise). With several captures the highest code applies. Under
 * {@code --json} every outcome prints one JSON object, with {@code error} set when the exit code is not 0.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Reads pcap/pcapng captures and reports, per RDP connection, the stages reached and why it stopped.",
        footer = {"", AnalyzeCommand.EXIT_CODES})
public final class AnalyzeCommand implements Callable<Integer> {
    /** A --html, --junit or --write-expected file could not be written. */
    public static final int EXIT_WRITE_FAILED = 1;
    /** Missing, a directory, no permission, not a capture, or nothing of a supported link type. */
    public static final int EXIT_UNREADABLE = 3;
    /** The file ends inside a record or header, or a block is broken. */
    public static final int EXIT_BROKEN_CAPTURE = 4;
    /** A verdict, a connection or a capture differs from the --expect baseline. */
    public static final int EXIT_DIFFERENT = 5;
    /** The one exit-code table, shown in both helps (README has the same). */
    public static final String EXIT_CODES = "Exit codes: 0 analysed; 1 internal error, or a --html/--junit/"
            + "--write-expected file not written; 2 usage error; 3 unreadable (missing, directory without captures, "
            + "permission denied, not a pcap/pcapng file, no supported link type; or the --expect file); 4 truncated or "
            + "broken capture (connections before the damage are still reported); 5 different from the --expect "
            + "baseline (with --expect only 0, 5 and 1-3 for the run itself). Several captures: the highest code.";

    @Parameters(paramLabel = "CAPTURE", arity = "0..*",
            description = "pcap/pcapng files, or directories (their *.pcap, *.pcapng and *.cap files, recursively, in "
                    + "sorted order); with --expect and none given, the captures the baseline names")
    List<Path> captures = new ArrayList<>();

    /** The capture being analysed (one of {@link #captures}, expanded). */
    Path capture;

    @Option(names = "--json", description = "JSON: one object {\"capture\":FILE,\"connections\":[report,...],"
            + "\"summary\":{...},\"warnings\":[...],\"error\":null|\"...\"} (same report schema as the probe), for every "
            + "outcome; several captures: {\"captures\":[object,...],\"error\":...}")
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

    @Option(names = "--no-progress", description = "never print the progress bar (it is shown on stderr only when "
            + "stderr is a terminal, without -q, --json or CI=true)")
    boolean noProgress;

    @Option(names = "--html", paramLabel = "FILE",
            description = "also write a self-contained HTML page: an index of the connections with their verdicts, and per "
                    + "connection its handshake ladder (capture timestamps), verdict and stages")
    Path html;

    @Option(names = "--junit", paramLabel = "FILE",
            description = "also write JUnit XML: a testsuite per capture, a testcase per connection (endpoints and stage); "
                    + "FAILED verdicts are failures, or with --expect the differences from the baseline")
    Path junit;

    // ---- TLS decryption (issue 12): secrets from files, merged with the capture's own pcapng DSBs
    @Option(names = "--keylog", paramLabel = "FILE",
            description = "an NSS key log (SSLKEYLOGFILE) to decrypt TLS with (repeatable); TLS key log Decryption Secrets "
                    + "Blocks inside a pcapng capture are used automatically, merged with these")
    List<Path> keyLogs = new ArrayList<>();

    @Option(names = "--rsa-key", paramLabel = "FILE",
            description = "the server's PEM RSA private key, for TLS_RSA_* key exchange (repeatable)")
    List<Path> rsaKeys = new ArrayList<>();

    @Option(names = "--write-expected", paramLabel = "FILE",
            description = "write the analysis as a baseline for --expect: per capture (named relative to FILE's directory) "
                    + "and connection (first packet, endpoints) the verdict, each stage's status and cause and the mstsc "
                    + "code; sorted keys, no run time, no absolute path; evidence names FILE already gives are kept")
    Path writeExpected;

    @Option(names = "--expect", paramLabel = "FILE",
            description = "compare every connection with the baseline FILE (--write-expected): verdict stage, status, "
                    + "cause, inferred, mstsc code, each stage, and the evidence FILE names; print each difference "
                    + "(capture, connection, field, expected, got) and exit 5 if there is one")
    Path expect;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "analyse each capture with N threads, the connections sharded by their pair of IP addresses "
                    + "(every thread reads the whole file): the output of one thread, in its order (a note on stderr "
                    + "says when more than 4096 closed connections were held at once, where it may differ); default 1")
    int threads = 1;

    /** Connections kept for --html (the rest are counted; the page would be unreadable anyway). */
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

    /** The first capture named (for a usage error's JSON object), or null. */
    String firstCapture() {
        return captures == null || captures.isEmpty() ? null : captures.get(0).toString();
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
            return "cannot read " + file + ": it is a directory with no *.pcap, *.pcapng or *.cap file";
        }
        if (!Files.isReadable(file)) {
            return "cannot read " + file + ": permission denied";
        }
        return null;
    }

    /** The progress bar of this run, or null. */
    private ByteProgress progress;

    /** Tests: whether stderr counts as a terminal (null: {@link ByteProgress#stderrIsTerminal}). */
    public static volatile Boolean terminalOverride;

    int run(PrintWriter out, PrintWriter err) {
        if (quiet && verbose.length > 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-q/--quiet and -v/--verbose exclude each other");
        }
        if (captures.isEmpty() && expect == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: 'CAPTURE' "
                    + "(a capture file or directory; it may be left out only with --expect)");
        }
        if (threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1, not " + threads);
        }
        TextRenderer.Detail detail = TextRenderer.Detail.of(quiet, verbose.length);
        Output o = json ? new JsonOutput(out) : summary ? new SummaryOutput(out) : zeek ? new ZeekOutput(out)
                : new TextOutput(out, detail, spec != null && TextRenderer.colourWanted(System.console() != null, System.getenv()));
        Baseline expected = null;
        if (expect != null) {
            try {
                expected = Baseline.read(expect);
            } catch (Baseline.BaselineException e) {
                capture = captures.isEmpty() ? expect : captures.get(0);
                return fail(o, out, err, "--expect: " + e.getMessage(), EXIT_UNREADABLE);
            }
        }
        Regression regression = expect != null || writeExpected != null || junit != null
                ? new Regression(expect, expected, writeExpected, regenerateCommand()) : null;
        CaptureInputs inputs = CaptureInputs.expand(captures.isEmpty() ? regression.expectedCaptures() : captures);
        for (String s : inputs.skipped()) {
            err.println("rdp-probe analyze: " + s);
        }
        err.flush();
        List<Path> files = inputs.captures();
        long total = 0;
        for (Path f : files) {
            total += sizeOrZero(f);
        }
        boolean terminal = terminalOverride != null ? terminalOverride : ByteProgress.stderrIsTerminal();
        progress = ByteProgress.wanted(noProgress, quiet, json, System.getenv(), terminal)
                ? new ByteProgress(err, total, files.size(), System::nanoTime) : null;
        List<Map.Entry<String, Report>> collected = html != null ? new ArrayList<>() : null;
        int[] notCollected = {0};
        boolean several = files.size() > 1;
        if (json && several) {
            out.print("{\"captures\": [\n");
        }
        int code = 0;
        String firstError = null;
        long before = 0;
        for (int i = 0; i < files.size(); i++) {
            capture = files.get(i);
            if (json && several && i > 0) {
                out.print(",\n");
            }
            if (progress != null) {
                progress.startFile(before);
            }
            String[] error = {null};
            int c = analyzeOne(o, out, err, regression, collected, notCollected, several, error);
            before += sizeOrZero(capture);
            if (firstError == null && error[0] != null) {
                firstError = capture + ": " + error[0];
            }
            code = Math.max(code, c);
        }
        if (progress != null) {
            progress.done();
        }
        if (json && several) {
            out.println("],\n \"error\": " + ReportJson.write(firstError) + "}");
        }
        out.flush();
        List<Difference> diffs = regression != null ? regression.differences() : List.of();
        if (expect != null) {
            PrintWriter to = json || zeek ? err : out;
            int connections = regression.connectionsAnalysed();
            to.println((o instanceof TextOutput ? "\n" : "") + "expect " + expect + ": " + connections + " connection(s) in "
                    + files.size() + " capture(s) compared: " + (diffs.isEmpty() ? "no difference"
                    : diffs.size() + " difference(s)"));
            for (Difference d : diffs) {
                to.println("  " + d.line());
            }
            to.flush();
            code = diffs.isEmpty() ? 0 : EXIT_DIFFERENT;
        }
        boolean written = true;
        if (collected != null) {
            written &= writeHtml(err, collected, notCollected[0], several);
        }
        if (junit != null) {
            java.io.StringWriter sw = new java.io.StringWriter();
            try (io.rdpprobe.report.JUnitXmlWriter w = new io.rdpprobe.report.JUnitXmlWriter(sw)) {
                regression.writeJUnit(w, diffs);
            }
            written &= ProbeCommand.writeFile(err, junit, "--junit", sw.toString());
        }
        if (writeExpected != null) {
            written &= ProbeCommand.writeFile(err, writeExpected, "--write-expected", regression.baselineText());
        }
        return !written && code == 0 ? EXIT_WRITE_FAILED : code;
    }

    private static long sizeOrZero(Path f) {
        try {
            return Files.isRegularFile(f) ? Files.size(f) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The command a baseline gives for its regeneration: the one the baseline being replaced gives (the project's
     * names its script), else this run's, with the captures named relative to the baseline's directory.
     */
    private String regenerateCommand() {
        if (writeExpected == null) {
            return null;
        }
        if (Files.isRegularFile(writeExpected)) {
            try {
                String old = Baseline.read(writeExpected).regenerate();
                if (old != null) {
                    return old;
                }
            } catch (Baseline.BaselineException e) {
                // not a baseline: this run's command
            }
        }
        StringBuilder b = new StringBuilder("in this file's directory: rdp-probe analyze --write-expected ");
        b.append(writeExpected.getFileName());
        for (Path c : captures) {
            String n = CaptureInputs.nameIn(writeExpected, c);
            b.append(' ').append(n.isEmpty() ? "." : n);
        }
        return b.toString();
    }

    /** The --keylog/--rsa-key files, read once per run (a pcapng's own DSBs are added per capture). */
    private io.rdpprobe.capture.CaptureSecrets.Files loadedSecrets;

    private io.rdpprobe.capture.CaptureSecrets.Files secretFiles() throws IOException {
        if (loadedSecrets == null) {
            loadedSecrets = io.rdpprobe.capture.CaptureSecrets.load(keyLogs, rsaKeys);
        }
        return loadedSecrets;
    }

    /** One capture: analysed, printed, handed to the regression; its exit code, its error (without the path) in error[0]. */
    private int analyzeOne(Output o, PrintWriter out, PrintWriter err, Regression regression,
                           List<Map.Entry<String, Report>> collected, int[] notCollected, boolean several, String[] error) {
        if (regression != null) {
            regression.begin(capture);
        }
        int code = analyzeFile(o, out, err, regression, collected, notCollected, several, error);
        if (regression != null) {
            // the baseline keeps no path: "cannot read: no such file"
            regression.end(error[0] == null ? null : error[0].replace("cannot read " + capture + ": ", "cannot read: ")
                    .replace(capture.toString(), "CAPTURE"));
        }
        return code;
    }

    private int analyzeFile(Output o, PrintWriter out, PrintWriter err, Regression regression,
                            List<Map.Entry<String, Report>> collected, int[] notCollected, boolean several, String[] error) {
        String why = unreadable(capture);
        if (why != null) {
            error[0] = why;
            return fail(o, out, err, why, EXIT_UNREADABLE);
        }
        io.rdpprobe.capture.CaptureSecrets.Files secretFiles;
        try {
            secretFiles = secretFiles();
        } catch (IOException | io.rdpprobe.protocol.codec.DecodeException e) {
            error[0] = "cannot read the TLS secrets: " + e.getMessage();
            return fail(o, out, err, error[0], EXIT_UNREADABLE);
        }
        boolean[] begun = {false};
        try {
            CaptureAnalyzer.Summary s = CaptureAnalyzer.analyze(capture, secretFiles, c -> {
                if (progress != null) {
                    progress.clear();
                }
                if (!begun[0]) {
                    o.begin(capture);
                    begun[0] = true;
                }
                o.connection(c);
                if (regression != null) {
                    regression.connection(c);
                }
                if (collected != null) {
                    if (collected.size() < MAX_COLLECTED) {
                        collected.add(Map.entry((several ? capture.getFileName() + " " : "") + label(c), withLadder(c)));
                    } else {
                        notCollected[0]++;
                    }
                }
            }, progress, threads);
            if (!begun[0]) {
                o.begin(capture);
            }
            List<String> warnings = new ArrayList<>(s.linkTypeNotes());
            String e = s.broken() != null ? s.broken() : s.truncation();
            int code = e != null ? EXIT_BROKEN_CAPTURE : 0;
            if (e == null && s.nothingDecodable()) {
                e = String.join("; ", warnings);
                code = EXIT_UNREADABLE;
            }
            if (progress != null) {
                progress.clear();
            }
            o.end(s, warnings, e);
            out.flush();
            for (String note : s.notes()) {
                err.println("rdp-probe analyze: " + capture + ": note: " + note);
            }
            if (e != null) {
                err.println("rdp-probe analyze: " + capture + ": " + e);
            }
            error[0] = e;
            return code;
        } catch (CaptureFormatException e) {
            int code = e.kind() == CaptureFormatException.Kind.NOT_A_CAPTURE ? EXIT_UNREADABLE : EXIT_BROKEN_CAPTURE;
            error[0] = e.getMessage();
            if (progress != null) {
                progress.clear();
            }
            if (begun[0]) {
                o.abort(e.getMessage());
                out.flush();
                err.println("rdp-probe analyze: " + capture + ": " + e.getMessage());
                return code;
            }
            return fail(o, out, err, e.getMessage(), code);
        } catch (IOException e) {
            String msg = "cannot read " + capture + ": " + e.getMessage();
            error[0] = msg;
            if (progress != null) {
                progress.clear();
            }
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
        err.println("rdp-probe analyze: " + (error.startsWith("cannot read") || error.startsWith("--expect")
                ? "" : capture + ": ") + error);
        return code;
    }

    static final class TextOutput implements Output {
        private final PrintWriter out;
        private final TextRenderer renderer;
        private int n;
        private int captures;

        TextOutput(PrintWriter out, TextRenderer.Detail detail, boolean colour) {
            this.out = out;
            this.renderer = new TextRenderer(detail, colour);
        }

        @Override
        public void begin(Path file) {
            if (captures++ > 0) {
                out.println();
            }
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

    private boolean writeHtml(PrintWriter err, List<Map.Entry<String, Report>> collected, int notCollected, boolean several) {
        String name = several ? captures.size() == 1 ? captures.get(0).toString() : "several captures"
                : capture.getFileName() == null ? capture.toString() : capture.getFileName().toString();
        String page = io.rdpprobe.report.HtmlReport.analyze(name, collected, java.time.Instant.now());
        if (notCollected > 0) {
            page = page.replace("</body>", "<p class=\"note\">" + notCollected + " more connection(s) not shown (at most "
                    + MAX_COLLECTED + ").</p>\n</body>");
        }
        return ProbeCommand.writeFile(err, html, "--html", page);
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
            first = true;
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
