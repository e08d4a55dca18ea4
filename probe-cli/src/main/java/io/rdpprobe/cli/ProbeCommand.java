package io.rdpprobe.cli;

import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.enumerate.Enumeration;
import io.rdpprobe.probe.enumerate.TlsFollowUps;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.report.ReportJson;
import io.rdpprobe.report.TextRenderer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rdp-probe probe HOST[:PORT]}. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Probe HOST[:PORT] (default port 3389) stage by stage and report where and why it stops.")
public final class ProbeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HOST[:PORT]", description = "Server name or address; [v6]:port for IPv6.")
    String target;

    @Option(names = {"-p", "--port"}, description = "Port (overrides HOST:PORT).")
    Integer port;

    @Mixin
    ProbeOptions options = new ProbeOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Target t;
        ProbeSettings settings;
        try {
            if (port != null && (port < 1 || port > 65535)) {
                throw new IllegalArgumentException("Invalid value for option '--port': " + port + " (use 1-65535)");
            }
            t = ProbeOptions.option("HOST[:PORT]", target, () -> Target.parse(target, port));
            settings = options.settings();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        RunnerSetup setup;
        try {
            setup = new RunnerSetup(options);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try (setup) {
            ProbeRunner runner = setup.runner;
            Report report = run(runner, t, settings, options.enumerate, options.transcript);
            print(spec.commandLine().getOut(), report, options);
            return report.exitCode();
        }
    }

    static Report run(ProbeRunner runner, Target t, ProbeSettings settings, boolean enumerate) {
        return run(runner, t, settings, enumerate, false);
    }

    static Report run(ProbeRunner runner, Target t, ProbeSettings settings, boolean enumerate, boolean transcript) {
        Report report = transcript ? runner.probeWithTranscript(t, settings) : runner.probe(t, settings);
        Object tr = report.extra().get("transcript");
        report = TlsFollowUps.confirmVersionMismatch(runner, t, settings, report);
        if (tr != null && !report.extra().containsKey("transcript")) {
            report = report.withExtra(Map.of("transcript", tr));
        }
        if (enumerate && report.stages().stream().anyMatch(s -> s.stage() == Stage.TCP
                && s.status() == io.rdpprobe.probe.model.Status.OK)) {
            Enumeration protocols = enumerate(runner, t, settings);
            report = report.withExtra(Map.of("enumeration", protocols));
            if ("yes".equals(protocols.legacyRdpSecurityAllowed())) {
                report = report.withExtra(Map.of("encryption",
                        io.rdpprobe.probe.enumerate.EncryptionTable.enumerate(runner, t, settings)));
            }
            boolean tlsReached = report.stages().stream().anyMatch(s -> s.stage() == Stage.TLS
                    && s.status() != io.rdpprobe.probe.model.Status.NOT_REACHED);
            if (tlsReached) {
                report = report.withExtra(Map.of("tlsVersions", TlsFollowUps.enumerate(runner, t, settings)));
            }
        }
        return report;
    }

    static Enumeration enumerate(ProbeRunner runner, Target t, ProbeSettings base) {
        List<Enumeration.Row> rows = new ArrayList<>();
        for (Enumeration.Request req : Enumeration.REQUESTS) {
            Report r = runner.probe(t, base.withProtocols(req.protocols()).withStopAfter(Stage.X224));
            rows.add(Enumeration.row(req, r));
        }
        return new Enumeration(rows);
    }

    static void print(PrintWriter out, Report report, ProbeOptions options) {
        if (options.json) {
            out.println(ReportJson.render(report));
        } else {
            out.print(new TextRenderer(!options.brief).render(report));
        }
        out.flush();
    }
}
