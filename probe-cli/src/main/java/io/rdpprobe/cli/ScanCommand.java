package io.rdpprobe.cli;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.credssp.CredSspSettings;
import io.rdpprobe.probe.credssp.Credentials;
import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.gateway.GatewaySettings;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.report.JUnitXmlWriter;
import io.rdpprobe.report.ReportJson;
import io.rdpprobe.report.ScanCsvWriter;
import io.rdpprobe.scan.FleetSummary;
import io.rdpprobe.scan.Progress;
import io.rdpprobe.scan.ResumeFile;
import io.rdpprobe.scan.ScanTarget;
import io.rdpprobe.scan.Scanner;
import io.rdpprobe.scan.TargetParser;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rdp-probe scan TARGET...}: many targets at once, each probed exactly as {@code probe} probes it
 * ({@link ProbeCommand#probeOne}), on one set of shared Netty event loops, with JSON Lines streamed as each target
 * finishes and a fleet summary at the end.
 */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Probe many RDP hosts at once: each target gets the same stages and verdict as 'rdp-probe probe' "
                + "with the same options (by default --stop-after CREDSSP: X224, TLS with the certificate, then the NTLM "
                + "info without credentials). One JSON Lines row per target is streamed (stdout or --out), and a fleet "
                + "summary follows at the end (stdout with --out, else stderr; --json for JSON).",
                "Targets: host, host:port, [v6]:port, CIDR (10.0.0.0/24, 2001:db8::/120, 10.0.0.0/24:3390), ranges "
                        + "(10.0.0.1-10.0.0.50, 10.0.0.1-50, [2001:db8::1-2001:db8::ff]:3390), --targets-file, --targets-csv."},
        footer = {"", "Exit codes: 0 scan complete (whatever the verdicts: see the summary, --junit); 2 usage; "
                + "1 internal error; 130 interrupted (Ctrl-C: the summary so far is printed, --resume FILE goes on)."})
public final class ScanCommand implements Callable<Integer> {
    static final int EXIT_INTERRUPTED = 130;

    @Parameters(arity = "0..*", paramLabel = "TARGET", description = "Host, host:port, CIDR block or address range.")
    List<String> targetSpecs = new ArrayList<>();

    @Option(names = "--targets-file", paramLabel = "FILE",
            description = "Targets, one a line (any TARGET form; '#' starts a comment). Repeatable.")
    List<Path> targetFiles = new ArrayList<>();

    @Option(names = "--targets-csv", paramLabel = "FILE",
            description = "A CSV with a header row: target (required), port, user, password-env (the NAME of an environment "
                    + "variable with that user's password; never the password), gateway. Repeatable.")
    List<Path> targetCsvs = new ArrayList<>();

    @Option(names = "--port", paramLabel = "N", description = "Port for targets that name none (default 3389).")
    Integer port;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "256",
            description = "Targets probed at once (default ${DEFAULT-VALUE}); lowered to fit the open-file limit (ulimit -n).")
    int concurrency;

    @Option(names = "--rate", paramLabel = "N[/s]", description = "At most N new connections per second, evenly spaced; every connection counts, an RD Gateway's RDG_IN_DATA leg too (default: no limit).")
    String rate;

    @Option(names = "--dns-concurrency", paramLabel = "N", defaultValue = "32",
            description = "Name look-ups at once (default ${DEFAULT-VALUE}).")
    int dnsConcurrency;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the JSON Lines to FILE instead of stdout.")
    Path out;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write one CSV row per target (headline fields).")
    Path csv;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Go on with an interrupted scan: skip the targets FILE (its JSON Lines) already reports, append "
                    + "the others to it, and summarise both.")
    Path resume;

    @Option(names = "--expiry-warn", paramLabel = "DAYS", defaultValue = "30d",
            description = "List certificates expiring within this many days (default ${DEFAULT-VALUE}; e.g. 30, 30d).")
    String expiryWarn;

    @Option(names = "--progress-every", paramLabel = "DURATION", converter = Durations.class, defaultValue = "10s",
            description = "When stderr is not a terminal, a progress line this often (default ${DEFAULT-VALUE}).")
    long progressEveryMs;

    @Mixin
    ProbeOptions options = new ProbeOptions();

    @Mixin
    GatewayOptions gatewayOptions = new GatewayOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Tests: whether stderr counts as a terminal (null: System.console()). */
    static volatile Boolean terminalOverride;

    /** What the scan was set up with (usage errors are thrown before anything runs). */
    private record Plan(List<ScanTarget> targets, int duplicates, ProbeSettings base, int concurrency, double rate,
                        Duration expiryWarn, List<String> notes) {}

    @Override
    public Integer call() {
        NettyWarmup.await(); // before the first Netty class (start-up, issue 13)
        Plan plan;
        try {
            if (options.output != null || options.summary) {
                throw new IllegalArgumentException((options.output != null ? "--output" : "--summary") + " is for one probe; "
                        + "a scan streams JSON Lines (--out FILE), --csv, --junit, --html and prints the fleet summary");
            }
            plan = plan();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        long filesBefore = openFiles();
        HeapSampler heap = new HeapSampler();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        FleetSummary summary = new FleetSummary(plan.expiryWarn(), Instant.now());
        plan.notes().forEach(summary::note);
        // --html: each row goes to the page's spool as it comes (bounded memory), the page is written at the end
        io.rdpprobe.report.ScanHtml page = options.html == null ? null : new io.rdpprobe.report.ScanHtml(plan.expiryWarn(), Instant.now());
        if (!options.quiet) {
            plan.notes().forEach(n -> stderr.println("rdp-probe scan: " + n));
        }

        // --resume: what is done already (its rows feed the summary), and where the new rows go
        Set<String> done = Set.of();
        Path jsonl = out;
        if (resume != null) {
            ResumeFile.Done d = ResumeFile.read(resume, row -> {
                summary.add(row, true);
                if (page != null) {
                    page.add(row);
                }
            });
            done = d.keys();
            jsonl = resume;
            if (d.truncatedTail() && !options.quiet) {
                stderr.println("rdp-probe scan: --resume " + resume + ": the last row was cut off by the interrupt; "
                        + "that target is probed again");
            }
        }
        List<ScanTarget> todo = new ArrayList<>();
        for (ScanTarget t : plan.targets()) {
            if (!done.contains(t.key())) {
                todo.add(t);
            }
        }
        int already = plan.targets().size() - todo.size();

        Writer jsonWriter;
        ScanCsvWriter csvWriter = null;
        JUnitXmlWriter junitWriter = null;
        try {
            jsonWriter = jsonl == null ? stdout : Files.newBufferedWriter(jsonl, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    resume != null ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
            if (csv != null) {
                csvWriter = new ScanCsvWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8));
            }
            if (options.junit != null) {
                junitWriter = new JUnitXmlWriter(Files.newBufferedWriter(options.junit, StandardCharsets.UTF_8));
                junitWriter.startSuite("rdp-probe scan", null, null, Instant.now(), null);
            }
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "cannot write " + e.getMessage());
        }
        PrintWriter summaryOut = jsonl == null ? stderr : stdout;

        ChannelGroup open = new DefaultChannelGroup("rdp-probe-scan", GlobalEventExecutor.INSTANCE);
        int loops = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        ProbeRunner runner = new ProbeRunner(new MultiThreadIoEventLoopGroup(loops, NioIoHandler.newFactory()), true)
                .dnsPermits(new Semaphore(Math.max(1, dnsConcurrency)))
                .addWireTap(() -> new Track(open));
        RunnerSetup setup;
        try {
            setup = new RunnerSetup(options, runner);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        RunnerSetup.notice(options, stderr);
        Map<String, Credentials> rowCredentials = new HashMap<>();
        ScanCsvWriter csvw = csvWriter;
        JUnitXmlWriter junitw = junitWriter;
        Scanner scanner = new Scanner(todo, plan.concurrency(), plan.rate(),
                t -> probe(setup.runner, t, plan.base(), rowCredentials),
                (t, r) -> {
                    Map<String, Object> m = ReportJson.toMap(r);
                    try {
                        jsonWriter.write(ReportJson.line(m));
                        jsonWriter.write('\n');
                        jsonWriter.flush(); // a row is whole on disk before the next starts: --resume relies on it
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    if (csvw != null) {
                        csvw.row(m);
                        csvw.flush();
                    }
                    if (junitw != null) {
                        junitw.testCase(testCase(t, r));
                        junitw.flush();
                    }
                    summary.add(m, false);
                    if (page != null) {
                        page.add(m);
                    }
                },
                () -> open.close());
        setup.runner.connectGate(scanner::beforeConnect).laterConnectGate(scanner::reserveConnect);

        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            scanner.stop();
            try {
                finished.await(15, TimeUnit.SECONDS); // the main thread flushes and prints the summary so far
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        }, "rdp-probe-scan-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean terminal = terminalOverride != null ? terminalOverride : System.console() != null;
        Progress progress = options.quiet ? null : new Progress(stderr, terminal, progressEveryMs,
                plan.targets().size(), already, scanner::done, summary::failuresByCause);
        long t0 = System.nanoTime();
        Scanner.Outcome outcome;
        try {
            outcome = scanner.run();
        } finally {
            if (progress != null) {
                progress.close();
            }
            setup.close();
        }
        try {
            long elapsed = (System.nanoTime() - t0) / 1_000_000L;
            summary.scanFacts(plan.targets().size(), plan.duplicates(), outcome.interrupted(), outcome.errors().size(),
                    outcome.stopped(), elapsed);
            for (String e : outcome.errors()) {
                stderr.println("rdp-probe scan: " + e);
            }
            try {
                jsonWriter.flush();
                if (jsonWriter != stdout) {
                    jsonWriter.close();
                }
            } catch (IOException e) {
                stderr.println("rdp-probe scan: cannot write the JSON Lines: " + e.getMessage());
            }
            if (csvWriter != null) {
                csvWriter.close();
            }
            if (junitWriter != null) {
                junitWriter.close(); // ends the suite: a well-formed file after an interrupt too
            }
            heap.close();
            summary.process(filesBefore, openFiles(), heap.peak(), Runtime.getRuntime().maxMemory());
            if (page != null) {
                writeHtml(stderr, page, summary, plan.targets().size());
            }
            summaryOut.print(options.json ? ReportJson.write(summary.toJson()) + "\n" : summary.toText());
            summaryOut.flush();
            stderr.flush();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it ends once 'finished' is counted down
            }
        }
        return outcome.stopped() ? EXIT_INTERRUPTED : 0;
    }

    /** Writes the {@code --html} page (replacing the file, never through a symbolic link); a failure is one line on stderr. */
    private void writeHtml(PrintWriter stderr, io.rdpprobe.report.ScanHtml page, FleetSummary summary, int targets) {
        try (page; Writer w = new java.io.OutputStreamWriter(io.rdpprobe.files.OutputFiles.create(options.html, true, false,
                "--html"), StandardCharsets.UTF_8)) {
            page.write(w, (Map<?, ?>) summary.toJson(), "rdp-probe scan: " + targets + " target(s)");
        } catch (IOException | RuntimeException e) {
            stderr.println("rdp-probe: --html: cannot write " + options.html + ": " + e.getMessage());
        }
    }

    /** A target's JUnit test case: FAILED verdicts fail (type = the cause), everything else passes. */
    static JUnitXmlWriter.TestCase testCase(ScanTarget t, Report r) {
        long ms = r.stages().stream().mapToLong(io.rdpprobe.probe.model.StageResult::elapsedMs).sum();
        io.rdpprobe.probe.model.Verdict v = r.verdict();
        String head = v.status() + (v.stage() == null ? "" : " at " + v.stage()) + (v.cause() == null ? "" : " - " + v.cause())
                + (v.inferred() ? " (inferred)" : "");
        JUnitXmlWriter.Outcome o = v.status() == io.rdpprobe.probe.model.Status.FAILED
                ? new JUnitXmlWriter.Failed(head + ": " + v.summary(), v.cause(), v.summary()
                        + (v.remedy() == null ? "" : "\nFix: " + v.remedy()))
                : JUnitXmlWriter.PASSED;
        return new JUnitXmlWriter.TestCase("rdp-probe.scan", t.toString(), Duration.ofMillis(ms), o,
                head + ": " + v.summary() + "\n", null);
    }

    /** One target, exactly as {@code probe} would probe it with these options. */
    private Report probe(ProbeRunner runner, ScanTarget t, ProbeSettings base, Map<String, Credentials> rowCredentials) {
        ProbeSettings s = base;
        Credentials creds = base.credssp().credentials();
        if (t.user() != null && !options.ntlmInfo) {
            creds = rowCredentials(t, base, rowCredentials);
            s = base.withCredSsp(new CredSspSettings(creds, base.credssp().options(), base.credssp().ntlmInfo()));
        }
        GatewaySettings gw = gateway(t, s, creds);
        return ProbeCommand.probeOne(runner, t.target(), s, gw, options.enumerate, options.transcript);
    }

    private Secret scanPassword;
    private GatewaySettings gatewayTemplate;

    private Credentials rowCredentials(ScanTarget t, ProbeSettings base, Map<String, Credentials> cache) {
        String key = t.user() + "\u0000" + t.passwordEnv();
        synchronized (cache) {
            Credentials c = cache.get(key);
            if (c == null) {
                Secret pw;
                if (t.passwordEnv() != null) {
                    char[] p = Passwords.read(t.passwordEnv(), null, false);
                    pw = Secret.of(p);
                    java.util.Arrays.fill(p, '\0');
                } else {
                    pw = scanPassword;
                }
                c = Credentials.parse(t.user(), pw);
                if (options.domain != null && c.domain().isEmpty()) {
                    c = new Credentials(c.user(), options.domain, c.password());
                }
                cache.put(key, c);
            }
            return c;
        }
    }

    private GatewaySettings gateway(ScanTarget t, ProbeSettings s, Credentials targetCreds) {
        if (t.gateway() == null) {
            return null;
        }
        GatewaySettings tpl = gatewayTemplate;
        Target g = Target.parse(t.gateway(), null);
        Credentials c = gatewayOptions.user != null ? tpl.credentials() : targetCreds;
        return new GatewaySettings(g.host(), g.port(), tpl.transport(), tpl.auth(), c, tpl.token(), tpl.tls(), t.host(),
                t.port(), tpl.clientName());
    }

    private Plan plan() {
        if (port != null && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("Invalid value for option '--port': " + port + " (use 1-65535)");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("Invalid value for option '--concurrency': " + concurrency + " (use 1 or more)");
        }
        double perSecond = rate == null ? 0 : ProbeOptions.option("--rate", rate, () -> parseRate(rate));
        Duration warn = ProbeOptions.option("--expiry-warn", expiryWarn, () -> parseDays(expiryWarn));
        if (out != null && resume != null && !out.toAbsolutePath().normalize().equals(resume.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--resume FILE appends to FILE: give no --out, or the same file");
        }
        if (options.passwordStdin && gatewayOptions.passwordStdin) {
            throw new IllegalArgumentException("--password-stdin and --gateway-password-stdin cannot both read standard input");
        }
        // a password for the CSV's users when --user is not given: read once, here, never from argv
        boolean source = options.passwordEnv != null || options.passwordFile != null || options.passwordStdin;
        if (options.user == null && source) {
            char[] p = Passwords.read(options.passwordEnv, options.passwordFile, options.passwordStdin);
            scanPassword = Secret.of(p);
            java.util.Arrays.fill(p, '\0');
            options.passwordEnv = null;
            options.passwordFile = null;
            options.passwordStdin = false;
        }
        ProbeSettings base = options.settings();
        if (options.user != null && base.credssp().credentials() != null) {
            scanPassword = base.credssp().credentials().password();
        }
        // the scan's default depth: X224, TLS, then NTLM info; ACTIVATION means as far as the handshake goes
        if (options.stopAfter == null) {
            base = base.withStopAfter(Stage.CREDSSP);
        } else if (options.stopAfter == Stage.ACTIVATION) {
            base = base.withStopAfter(null);
        }
        String defaultGateway = gatewayOptions.gateway == null ? null : TargetParser.gateway(gatewayOptions.gateway, "--gateway");
        TargetParser parser = new TargetParser(port == null ? Target.DEFAULT_PORT : port, defaultGateway);
        for (String s : targetSpecs) {
            parser.add(s);
        }
        for (Path f : targetFiles) {
            parser.addFile(f);
        }
        for (Path f : targetCsvs) {
            parser.addCsv(f);
        }
        List<ScanTarget> targets = parser.targets();
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("Missing required parameter: 'TARGET' (or --targets-file / --targets-csv)");
        }
        boolean anyGateway = false;
        for (ScanTarget t : targets) {
            if (t.user() != null && t.passwordEnv() == null && scanPassword == null && !options.ntlmInfo) {
                throw new IllegalArgumentException(t.origin() + ": user " + t.user() + " needs a password: a password-env "
                        + "column, or --password-env NAME, --password-file FILE or --password-stdin (never on the command line)");
            }
            anyGateway |= t.gateway() != null;
        }
        if (anyGateway) {
            if (options.enumerate) {
                throw new IllegalArgumentException("--enumerate does not run through --gateway yet: scan the targets "
                        + "directly for the enumeration tables");
            }
            String saved = gatewayOptions.gateway;
            if (saved == null) {
                gatewayOptions.gateway = targets.stream().filter(t -> t.gateway() != null).findFirst().orElseThrow().gateway();
            }
            gatewayTemplate = gatewayOptions.settings(new Target("template.invalid", Target.DEFAULT_PORT), base,
                    base.credssp().credentials(), options.passwordStdin);
            gatewayOptions.gateway = saved;
        } else {
            gatewayOptions.settings(targets.get(0).target(), base, null, options.passwordStdin); // rejects stray --gateway-* options
        }
        List<String> notes = new ArrayList<>();
        int c = fitToFileLimit(concurrency, anyGateway ? 3 : 1, Math.max(1, dnsConcurrency), notes);
        return new Plan(targets, parser.duplicates(), base, c, perSecond, warn, notes);
    }

    /**
     * Lowers the concurrency so that the open connections fit the process's open-file limit (RLIMIT_NOFILE), with
     * room for the files already open, the look-ups and the outputs; says so in {@code notes}.
     */
    static int fitToFileLimit(int wanted, int fdsPerTarget, int dns, List<String> notes) {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof com.sun.management.UnixOperatingSystemMXBean u)) {
            return wanted;
        }
        long max = u.getMaxFileDescriptorCount();
        long open = u.getOpenFileDescriptorCount();
        long reserve = 32 + dns;
        // half of what is left: a closed socket's descriptor is freed only when its selector deregisters it
        long fit = Math.max(1, (max - open - reserve) / (2L * fdsPerTarget));
        if (fit >= wanted) {
            return wanted;
        }
        notes.add("the open-file limit (ulimit -n) is " + max + " with " + open + " already open: concurrency lowered "
                + "from " + wanted + " to " + fit + " (raise the limit to scan faster)");
        return (int) fit;
    }

    static double parseRate(String v) {
        String s = v.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.endsWith("/s")) {
            s = s.substring(0, s.length() - 2);
        }
        try {
            double d = Double.parseDouble(s);
            if (d > 0 && d <= 1_000_000) {
                return d;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("'" + v + "' is not a rate (use N or N/s, e.g. 100/s)");
    }

    static Duration parseDays(String v) {
        String s = v.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.endsWith("d")) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            long d = Long.parseLong(s);
            if (d >= 0 && d <= 36_500) {
                return Duration.ofDays(d);
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("'" + v + "' is not a number of days (use e.g. 30 or 30d)");
    }

    /** The process's open file descriptors, or -1 where the JVM cannot tell. */
    static long openFiles() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean u ? u.getOpenFileDescriptorCount() : -1;
    }

    /** The largest heap in use, sampled every 100 ms while the scan runs. */
    static final class HeapSampler implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong();
        private final Thread thread;
        private volatile boolean closed;

        HeapSampler() {
            thread = new Thread(() -> {
                while (!closed) {
                    sample();
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rdp-probe-scan-heap");
            thread.setDaemon(true);
            thread.start();
        }

        private void sample() {
            Runtime r = Runtime.getRuntime();
            peak.accumulateAndGet(r.totalMemory() - r.freeMemory(), Math::max);
        }

        long peak() {
            return peak.get();
        }

        @Override
        public void close() {
            sample();
            closed = true;
            thread.interrupt();
        }
    }

    /** Keeps every open connection of the scan in a group, so that Ctrl-C can close them all. */
    @ChannelHandler.Sharable
    static final class Track extends ChannelHandlerAdapter {
        private final ChannelGroup group;

        Track(ChannelGroup group) {
            this.group = group;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            group.add(ctx.channel());
            ctx.pipeline().remove(this);
        }
    }
}
