package io.rdpprobe.cli;

import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.enumerate.Enumeration;
import io.rdpprobe.probe.enumerate.TlsFollowUps;
import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.CredSspCauses;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.model.Verdict;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
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
@Command(name = "probe", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Probe HOST[:PORT] (default port 3389) stage by stage and report where and why it stops.")
public final class ProbeCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "HOST[:PORT]",
            description = "Server name or address; [v6]:port for IPv6. Not needed with --rdp-file.")
    String target;

    @Option(names = "--rdp-file", paramLabel = "FILE",
            description = "Probe what an mstsc .rdp file describes: full address, server port, username, domain, the RD "
                    + "Gateway settings (gatewayhostname, gatewayusagemethod, gatewaycredentialssource, gatewayaccesstoken), "
                    + "authentication level, enablecredsspsupport, negotiate security layer, loadbalanceinfo. Options on the "
                    + "command line win. The report lists the settings used and ignored; passwords in the file are never read.")
    java.nio.file.Path rdpFile;

    @Option(names = "--port", paramLabel = "N", description = "Port (overrides HOST:PORT). No short form: -p means the "
            + "password to xfreerdp and sshpass users, and no option takes a password here.")
    Integer port;

    @Mixin
    ProbeOptions options = new ProbeOptions();

    @Mixin
    GatewayOptions gatewayOptions = new GatewayOptions();

    @Mixin
    KerberosOptions kerberosOptions = new KerberosOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        NettyWarmup.await(); // before the first Netty class (start-up, issue 13)
        java.time.Instant started = java.time.Instant.now();
        Target t;
        ProbeSettings settings;
        io.rdpprobe.probe.gateway.GatewaySettings gw;
        io.rdpprobe.probe.model.RdpFileSection fileSection = null;
        io.rdpprobe.probe.kerberos.KerberosSettings kerberos;
        try {
            if (port != null && (port < 1 || port > 65535)) {
                throw new IllegalArgumentException("Invalid value for option '--port': " + port + " (use 1-65535)");
            }
            if (rdpFile != null) {
                if (target != null) {
                    throw new IllegalArgumentException("give either HOST[:PORT] or --rdp-file, not both");
                }
                io.rdpprobe.cli.rdpfile.RdpFile.Plan plan = io.rdpprobe.cli.rdpfile.RdpFile.parse(rdpFile).plan();
                fileSection = applyPlan(plan);
                t = port == null ? plan.target() : new Target(plan.target().host(), port);
            } else if (target == null) {
                throw new IllegalArgumentException("Missing required parameter: 'HOST[:PORT]' (or --rdp-file FILE)");
            } else {
                t = ProbeOptions.option("HOST[:PORT]", target, () -> Target.parse(target, port));
            }
            settings = options.settings();
            ReportOutput.check(options);
            kerberos = kerberosOptions.settings(t, settings.credssp().credentials(), settings.stageTimeoutMillis());
            gw = gatewayOptions.settings(t, settings, settings.credssp().credentials(), options.passwordStdin);
            if (gw == null && StopAfter.isGatewayStage(options.stopAfter)) {
                throw new IllegalArgumentException("Invalid value for option '--stop-after': "
                        + options.stopAfter.name().toLowerCase(java.util.Locale.ROOT) + " needs --gateway");
            }
            boolean captureDecryptable = options.capture != null && (options.keyLog != null || options.captureHoldsSecrets());
            if (gw != null && captureDecryptable && !options.force) {
                // HTTP Basic carries the password base64-encoded inside the gateway's TLS: a capture with its secrets
                // (embedded in the pcapng, or the --keylog file) would reveal it
                if (gw.auth() == io.rdpprobe.probe.gateway.GatewaySettings.AuthMode.BASIC) {
                    throw new IllegalArgumentException(options.keyLog != null
                            ? "--gateway-auth basic with --capture and --keylog: the capture decrypted with its key log "
                                    + "would show the password; add --force to accept that"
                            : "--gateway-auth basic with --capture " + options.capture + ": the capture holds the TLS "
                                    + "secrets, and decrypted it would show the password; add --capture-secrets=no, or "
                                    + "--force to accept that");
                }
                if (gw.auth() == io.rdpprobe.probe.gateway.GatewaySettings.AuthMode.AUTO) {
                    gw = new io.rdpprobe.probe.gateway.GatewaySettings(gw.host(), gw.port(), gw.transport(),
                            io.rdpprobe.probe.gateway.GatewaySettings.AuthMode.AUTO_NO_BASIC, gw.credentials(), gw.token(),
                            gw.tls(), gw.targetHost(), gw.targetPort(), gw.clientName());
                }
            }
            if (gw != null && options.enumerate) {
                throw new IllegalArgumentException("--enumerate does not run through --gateway yet: probe the target "
                        + "directly for the enumeration tables");
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        RunnerSetup setup;
        try {
            setup = new RunnerSetup(options);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        RunnerSetup.notice(options, spec.commandLine().getErr());
        try (setup) {
            ProbeRunner runner = setup.runner;
            runner.kerberos(kerberos);
            Report report = probeOne(runner, t, settings, gw, options.enumerate, options.recordTranscript(), options.rtt);
            if (fileSection != null) {
                report = report.withSection(fileSection);
            }
            ReportOutput.print(spec.commandLine(), report, options, started);
            return writeFiles(spec.commandLine().getErr(), report, options, started, "rdp-probe " + t.host() + ":" + t.port())
                    ? report.exitCode() : 1;
        }
    }

    /**
     * Writes the {@code --html} and {@code --junit} files; false (after a one-line message on {@code err}) when
     * one cannot be written.
     */
    static boolean writeFiles(java.io.PrintWriter err, Report report, ProbeOptions options, java.time.Instant started, String title) {
        boolean ok = true;
        if (options.html != null) {
            ok &= writeFile(err, options.html, "--html",
                    io.rdpprobe.report.HtmlReport.probe(report, java.time.Instant.now(), title));
        }
        if (options.junit != null) {
            java.io.StringWriter sw = new java.io.StringWriter();
            try (io.rdpprobe.report.JUnitXmlWriter w = new io.rdpprobe.report.JUnitXmlWriter(sw)) {
                io.rdpprobe.report.ReportJUnit.writeProbe(w, report, started);
            }
            ok &= writeFile(err, options.junit, "--junit", sw.toString());
        }
        return ok;
    }

    static boolean writeFile(java.io.PrintWriter err, java.nio.file.Path file, String option, String content) {
        try {
            // a report file: replaced when it exists, but never written through a symbolic link
            try (java.io.OutputStream o = io.rdpprobe.files.OutputFiles.create(file, true, false, option)) {
                o.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            err.println("rdp-probe: " + option + ": cannot write " + file + ": "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such directory" : e.getMessage()));
            err.flush();
            return false;
        }
    }

    /**
     * Applies an .rdp file's plan to the options that the command line left unset, and returns the report's
     * "rdpFile" section (settings used, ignored, and the file's problem lines; never a secret).
     */
    private io.rdpprobe.probe.model.RdpFileSection applyPlan(io.rdpprobe.cli.rdpfile.RdpFile.Plan plan) {
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        List<String> notes = new ArrayList<>();
        if (!pr.hasMatchedOption("--protocols") && !options.legacy) {
            options.protocols = io.rdpprobe.protocol.x224.Protocols.describe(plan.requestedProtocols()).replace('|', ',');
            if (options.protocols.isEmpty()) {
                options.protocols = "rdp";
            }
        }
        if (plan.account().isPresent() && options.user == null) {
            boolean hasPassword = options.passwordEnv != null || options.passwordFile != null || options.passwordStdin;
            if (hasPassword) {
                options.user = plan.account().get().spec();
            } else {
                notes.add("username " + plan.account().get().spec() + " not used: no --password-env/-file/-stdin was given, "
                        + "so the credentials are not tested (mstsc would prompt)");
            }
        }
        if (plan.routingToken().isPresent() && options.routingToken == null && options.cookie == null) {
            options.routingToken = plan.routingToken().get().value();
        }
        if (plan.certFailureAborts() && !options.strictCert) {
            options.strictCert = true;
            notes.add("authentication level 1: a certificate that fails verification stops the probe (as --strict-cert)");
        }
        plan.gateway().ifPresent(g -> {
            if (gatewayOptions.gateway == null) {
                gatewayOptions.gateway = (g.host().indexOf(':') >= 0 ? "[" + g.host() + "]" : g.host()) + ":" + g.port();
                g.auth().ifPresent(a -> {
                    if (a == io.rdpprobe.cli.rdpfile.RdpFile.GatewayAuth.BASIC) {
                        gatewayOptions.auth = "basic";
                    } else if (a == io.rdpprobe.cli.rdpfile.RdpFile.GatewayAuth.SMART_CARD) {
                        notes.add("gatewaycredentialssource smart card: the probe cannot use a smart card; it tries NTLM");
                    }
                });
                g.accessToken().ifPresent(tok -> gatewayOptions.fileToken = tok);
                if (g.usage() == io.rdpprobe.cli.rdpfile.RdpFile.GatewayUsage.IF_DIRECT_FAILS) {
                    notes.add("gatewayusagemethod 2 (use the gateway if a direct connection fails): the probe goes "
                            + "through the gateway; probe the host directly to see the direct path");
                }
            }
        });
        return new io.rdpprobe.probe.model.RdpFileSection(String.valueOf(rdpFile),
                plan.used().stream().map(Object::toString).toList(), plan.ignored().stream().map(Object::toString).toList(),
                plan.problems().stream().map(Object::toString).toList(), notes);
    }

    /**
     * One target's whole probe, as {@code probe} runs it: directly (with the TLS version retry, the {@code --enumerate}
     * follow-ups and the wrong-port check) or through an RD Gateway. {@code scan} runs exactly this per target.
     */
    static Report probeOne(ProbeRunner runner, Target t, ProbeSettings settings,
                           io.rdpprobe.probe.gateway.GatewaySettings gw, boolean enumerate, boolean transcript) {
        return probeOne(runner, t, settings, gw, enumerate, transcript, 0);
    }

    /** As {@link #probeOne(ProbeRunner, Target, ProbeSettings, io.rdpprobe.probe.gateway.GatewaySettings, boolean, boolean)}, with {@code rtt} extra TCP handshakes. */
    static Report probeOne(ProbeRunner runner, Target t, ProbeSettings settings,
                           io.rdpprobe.probe.gateway.GatewaySettings gw, boolean enumerate, boolean transcript, int rtt) {
        return gw != null ? runGateway(runner, t, settings, gw, transcript, rtt)
                : io.rdpprobe.probe.enumerate.PortCheck.explain(runner, t, settings, run(runner, t, settings, enumerate, transcript, rtt));
    }

    /** Through an RD Gateway: one connection (the TLS version and enumeration follow-ups go direct, so they are not run). */
    static Report runGateway(ProbeRunner runner, Target t, ProbeSettings settings,
                             io.rdpprobe.probe.gateway.GatewaySettings gw, boolean transcript) {
        return runGateway(runner, t, settings, gw, transcript, 0);
    }

    /** @param rtt {@code --rtt}: extra TCP handshakes with the gateway (its TCP stage is the path measured) */
    static Report runGateway(ProbeRunner runner, Target t, ProbeSettings settings,
                             io.rdpprobe.probe.gateway.GatewaySettings gw, boolean transcript, int rtt) {
        Report r = transcript ? runner.probeWithTranscript(t, settings, gw) : runner.probe(t, settings, gw);
        r = rttFollowUp(runner, new Target(gw.host(), gw.port()), settings, r, rtt);
        r = honestVerdict(r, settings);
        return r.withSection(new io.rdpprobe.probe.model.GatewaySection(gw.address()));
    }

    static Report run(ProbeRunner runner, Target t, ProbeSettings settings, boolean enumerate) {
        return run(runner, t, settings, enumerate, false);
    }

    static Report run(ProbeRunner runner, Target t, ProbeSettings settings, boolean enumerate, boolean transcript) {
        return run(runner, t, settings, enumerate, transcript, 0);
    }

    static Report run(ProbeRunner runner, Target t, ProbeSettings settings, boolean enumerate, boolean transcript,
                      int rtt) {
        Report report = transcript ? runner.probeWithTranscript(t, settings) : runner.probe(t, settings);
        report = rttFollowUp(runner, t, settings, report, rtt);
        report = honestVerdict(report, settings);
        var tr = report.section(io.rdpprobe.probe.model.TranscriptSection.class);
        report = TlsFollowUps.confirmVersionMismatch(runner, t, settings, report);
        if (tr.isPresent() && report.section(io.rdpprobe.probe.model.TranscriptSection.class).isEmpty()) {
            report = report.withSection(tr.get());
        }
        if (enumerate && report.stages().stream().anyMatch(s -> s.stage() == Stage.TCP
                && s.status() == io.rdpprobe.probe.model.Status.OK)) {
            Enumeration protocols = enumerate(runner, t, settings);
            if (protocols.rdpSelected()) {
                var encryption = io.rdpprobe.probe.enumerate.EncryptionTable.enumerate(runner, t, settings);
                protocols = protocols.withEncryption(encryption);
                report = report.withSection(protocols.section());
                report = report.withSection(encryption);
            } else {
                report = report.withSection(protocols.section());
            }
            boolean tlsReached = report.stages().stream().anyMatch(s -> s.stage() == Stage.TLS
                    && s.status() != io.rdpprobe.probe.model.Status.NOT_REACHED);
            io.rdpprobe.probe.model.TlsVersionsSection tlsTable = null;
            if (tlsReached) {
                tlsTable = TlsFollowUps.enumerate(runner, t, settings);
                report = report.withSection(tlsTable);
            }
            report = report.withSection(io.rdpprobe.probe.enumerate.ClientCompatibility.assess(report, protocols, tlsTable));
        }
        return report;
    }

    /** {@code --rtt N}: N extra handshakes with {@code t} once the probe's own TCP stage connected. */
    static Report rttFollowUp(ProbeRunner runner, Target t, ProbeSettings settings, Report report, int rtt) {
        boolean connected = report.stages().stream().anyMatch(s -> s.stage() == Stage.TCP
                && s.status() != io.rdpprobe.probe.model.Status.FAILED);
        if (rtt <= 0 || !connected) {
            return report;
        }
        return io.rdpprobe.probe.connector.PathVerdicts.withRtt(report,
                runner.rttSeries(t, rtt, Math.min(settings.stageTimeoutMillis(), 5_000)));
    }

    /**
     * Makes the verdict say what was not tested: credentials (or --ntlm-info) that NLA never used because the server
     * did not select HYBRID/HYBRID_EX (a WARNING with CREDENTIALS_NOT_TESTED), and, when the probe stopped after
     * CREDSSP by design (NTLM info only, no delegation), the stages not tried and the exact options to go further.
     */
    static Report honestVerdict(Report report, ProbeSettings settings) {
        Verdict v = report.verdict();
        if (v.status() == Status.FAILED || v.status() == Status.NOT_REACHED) {
            return report;
        }
        var cs = settings.credssp();
        boolean credentialsGiven = cs.credentials() != null || cs.ntlmInfo();
        StageResult x224 = stage(report, Stage.X224);
        StageResult credssp = stage(report, Stage.CREDSSP);
        boolean nlaRan = credssp != null && credssp.status() != Status.SKIPPED && credssp.status() != Status.NOT_REACHED;
        Object selected = x224 == null ? null : x224.evidence().get("selected");
        Stage stop = settings.stopAfter();
        // --stop-after before CREDSSP while the server selected NLA: the probe stopped, not the server's NLA
        boolean stoppedBeforeNla = stop != null && stop.ordinal() < Stage.CREDSSP.ordinal()
                && (selected == null || String.valueOf(selected).startsWith("HYBRID"));
        if (credentialsGiven && x224 != null && x224.status() != Status.FAILED && !nlaRan && !stoppedBeforeNla) {
            String what = cs.ntlmInfo() && cs.credentials() == null ? "--ntlm-info" : "--user " + cs.credentials().user();
            Cause c = CredSspCauses.CREDENTIALS_NOT_TESTED;
            String summary = c.title() + " (the server selected " + (selected == null ? "no NLA protocol" : selected)
                    + "; " + what + " was not used)" + (v.status() == Status.WARNING && !c.code().equals(v.cause())
                    ? "; also " + v.findingStage() + " " + v.cause() + ": " + findingSummary(report, v) : "");
            Verdict nv = new Verdict(v.stage(), Status.WARNING, c.code(), summary, c.remedy(), null, false, Stage.CREDSSP,
                    null, null);
            return report.withVerdict(nv);
        }
        if (nlaRan && credssp.status() != Status.FAILED && last(report) == Stage.CREDSSP
                && settings.stopAfter() != Stage.CREDSSP) {
            List<String> notTried = List.of("MCS", "SECURITY_EXCHANGE", "LICENSING", "ACTIVATION");
            String sha = certificateSha256(report);
            String pin = sha != null ? "--trust-cert " + sha : "--trust-cert <sha256 of the server certificate>";
            String further = cs.credentials() == null
                    ? "--user USER --password-env NAME --delegate-credentials " + pin
                    : "--delegate-credentials " + pin + " (after checking that fingerprint out of band)";
            Verdict nv = v.withEarlyStop(notTried, further);
            return report.withVerdict(nv);
        }
        if (stop != null && stop != Stage.ACTIVATION && v.stage() == stop) {
            StageResult dns = stage(report, Stage.DNS);
            boolean viaGateway = dns != null && "RD Gateway".equals(dns.evidence().get("role"));
            Verdict nv = v.withEarlyStop(after(stop, selected == null ? null : String.valueOf(selected), viaGateway),
                    "run without --stop-after " + stop.name().toLowerCase(java.util.Locale.ROOT));
            return report.withVerdict(nv);
        }
        return report;
    }

    /** The target's stages a whole run would try after {@code stop}, for the selected protocol (null: not known). */
    private static List<String> after(Stage stop, String selected, boolean viaGateway) {
        List<String> out = new ArrayList<>();
        for (Stage s : Stage.values()) {
            // KERBEROS runs against the KDC before the target's DNS: after a stop it is never a stage still to come
            boolean skip = s.ordinal() <= stop.ordinal() || (StopAfter.isGatewayStage(s) && !viaGateway) || s == Stage.KERBEROS
                    || ("RDP".equals(selected) && (s == Stage.TLS || s == Stage.CREDSSP))
                    || ("SSL".equals(selected) && s == Stage.CREDSSP)
                    || (selected != null && !"RDP".equals(selected) && s == Stage.SECURITY_EXCHANGE);
            if (!skip) {
                out.add(s.name());
            }
        }
        return out;
    }

    private static StageResult stage(Report r, Stage s) {
        return r.stages().stream().filter(x -> x.stage() == s).findFirst().orElse(null);
    }

    private static String findingSummary(Report r, Verdict v) {
        StageResult s = stage(r, v.findingStage());
        return s != null && s.summary() != null ? s.summary() : v.summary();
    }

    private static Stage last(Report r) {
        Stage last = null;
        for (StageResult s : r.stages()) {
            if (s.status() == Status.OK || s.status() == Status.WARNING) {
                last = s.stage();
            }
        }
        return last;
    }

    /** The leaf certificate's SHA-256 from the TLS stage's evidence, or null. */
    private static String certificateSha256(Report r) {
        StageResult tls = stage(r, Stage.TLS);
        if (tls == null || !(tls.evidence().get("certificates") instanceof List<?> certs) || certs.isEmpty()
                || !(certs.get(0) instanceof Map<?, ?> leaf) || leaf.get("sha256") == null) {
            return null;
        }
        return String.valueOf(leaf.get("sha256"));
    }

    static Enumeration enumerate(ProbeRunner runner, Target t, ProbeSettings base) {
        List<io.rdpprobe.probe.model.EnumerationSection.Row> rows = new ArrayList<>();
        for (Enumeration.Request req : Enumeration.REQUESTS) {
            Report r = runner.probe(t, base.withProtocols(req.protocols()).withStopAfter(Stage.X224));
            rows.add(Enumeration.row(req, r));
        }
        return new Enumeration(rows);
    }

}
