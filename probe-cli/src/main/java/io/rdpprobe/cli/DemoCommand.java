package io.rdpprobe.cli;

import io.rdpprobe.demo.DemoServer;
import io.rdpprobe.demo.Fault;
import io.rdpprobe.demo.gateway.DemoGatewayLab;
import io.rdpprobe.probe.gateway.GatewaySettings;
import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.credssp.CredSspSettings;
import io.rdpprobe.probe.credssp.Credentials;
import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.probe.tls.TlsSettings;
import io.rdpprobe.probe.tls.TrustSettings;
import io.rdpprobe.protocol.x224.Protocols;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rdp-probe demo}: start the embedded RDP endpoint on loopback and probe it. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {
            "Start an embedded, spec-faithful RDP endpoint on 127.0.0.1 (ephemeral port), probe it and print the "
                    + "report. Nothing needs to be installed.",
            "",
            "The endpoint behaves like a Windows host up to the Demand Active PDU: X.224 negotiation (RDP, SSL, "
                    + "HYBRID, HYBRID_EX), TLS with a freshly generated self-signed certificate, CredSSP/NTLM, MCS, "
                    + "licensing, Demand Active.",
            "",
            "Built-in demo account (demo-only, exists only inside this loopback endpoint): user 'demo', domain "
                    + "'DEMO', password 'demo'.",
            "",
            "Without --user and --ntlm-info the demo logs on as that account by itself: it pins the demo "
                    + "certificate and delegates the credentials, so the report runs every stage to ACTIVATION. "
                    + "The password never appears in the output.",
            "With --ntlm-info the probe only reads the server's NTLM CHALLENGE and stops at CREDSSP.",
            "With --user demo --password-env NAME (NAME holding 'demo') the probe authenticates and stops at "
                    + "CREDSSP; add --delegate-credentials --trust-demo-cert to continue to ACTIVATION; a wrong "
                    + "password gives LOGON_FAILURE.",
            "With --protocols ssl (or rdp) the probe skips NLA and goes TLS (or Standard RDP Security) to "
                    + "ACTIVATION; the certificate then stays unpinned unless --trust-demo-cert is given.",
            ""})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--fault", paramLabel = "FAULT", defaultValue = "NONE",
            description = "Make the demo target misbehave (any case, e.g. --fault deny): ${COMPLETION-CANDIDATES}. DENY, LICENSE_ERROR and "
                    + "USER_REJECTED need a path past NLA (the default demo logon or --protocols ssl); "
                    + "NLA_REQUIRED makes the demo request SSL only unless --protocols is given.")
    Fault fault;

    @Option(names = "--trust-demo-cert",
            description = "Pin the demo target's freshly generated certificate, as --trust-cert with its SHA-256 "
                    + "fingerprint would (the fingerprint is printed in the banner).")
    boolean trustDemoCert;

    @Option(names = "--serve",
            description = "Do not probe: keep the embedded RDP endpoint and the embedded RD Gateway in front of it "
                    + "running on 127.0.0.1 for any client (xfreerdp, mstsc, rdp-probe) until Ctrl-C or SIGTERM, "
                    + "and print how to connect.")
    boolean serve;

    @Option(names = "--gateway",
            description = "Probe the demo endpoint through the embedded RD Gateway in front of it: DNS and TCP to the "
                    + "gateway, GATEWAY_TLS, GATEWAY_HTTP (NTLM as the demo account), GATEWAY_TUNNEL, GATEWAY_CHANNEL to "
                    + "the resource 'demo', then every target stage through the tunnel. Combine with --gateway-fault.")
    boolean viaGateway;

    @Option(names = "--gateway-transport", paramLabel = "KIND", defaultValue = "auto",
            description = "With --gateway: auto, websocket or http (RDG_OUT_DATA + RDG_IN_DATA). Default: ${DEFAULT-VALUE}.")
    String gatewayTransport;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0",
            description = "With --serve: the RDP endpoint's port (default: ephemeral).")
    int port;

    @Option(names = "--keytab", paramLabel = "FILE",
            description = "With --serve: also accept CredSSP with Kerberos (SPNEGO, MS-CSSP 3.1.5) for the service "
                    + "principals in this keytab (e.g. TERMSRV/localhost from testdata/lab/lab.sh kdc-init), as a domain "
                    + "member does; clients offering NTLM only still get the demo account.")
    java.nio.file.Path keytab;

    @Option(names = "--gateway-port", paramLabel = "M", defaultValue = "0",
            description = "With --serve: the RD Gateway's port (default: ephemeral).")
    int gatewayPort;

    @Option(names = "--gateway-fault", paramLabel = "FAULT", defaultValue = "NONE",
            description = "With --serve or --gateway: make the gateway misbehave (any case): ${COMPLETION-CANDIDATES}.")
    io.rdpprobe.demo.gateway.GatewayFault gatewayFault;

    @Option(names = "--gateway-log", paramLabel = "FILE",
            description = "With --serve: append the gateway's HTTP request lines and headers (Authorization "
                    + "reduced to its scheme and NTLM message type) and RDG packets to FILE.")
    java.nio.file.Path gatewayLog;

    @Mixin
    ProbeOptions options = new ProbeOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        NettyWarmup.await(); // before the first Netty class (start-up, issue 13)
        java.time.Instant started = java.time.Instant.now();
        var pr = spec.commandLine().getParseResult();
        if (!serve && pr != null && (pr.hasMatchedOption("--port") || pr.hasMatchedOption("--gateway-port")
                || pr.hasMatchedOption("--gateway-log") || pr.hasMatchedOption("--keytab"))) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--port, --gateway-port, --gateway-log and --keytab need --serve");
        }
        if (!serve && !viaGateway && pr != null && (pr.hasMatchedOption("--gateway-fault")
                || pr.hasMatchedOption("--gateway-transport"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--gateway-fault and --gateway-transport need "
                    + "--gateway (or --serve)");
        }
        GatewaySettings.Transport transport;
        try {
            transport = GatewayOptions.parseTransport(gatewayTransport);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (serve) {
            io.rdpprobe.demo.DemoKerberosAcceptor acceptor = null;
            if (keytab != null) {
                try {
                    acceptor = io.rdpprobe.demo.DemoKerberosAcceptor.fromKeytab(keytab);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--keytab': "
                            + e.getMessage());
                }
            }
            return DemoServe.serve(spec.commandLine().getOut(), fault, gatewayFault, port, gatewayPort, gatewayLog, acceptor);
        }
        ProbeSettings settings;
        try {
            settings = options.settings();
            ReportOutput.check(options);
            if (!viaGateway && StopAfter.isGatewayStage(options.stopAfter)) {
                throw new IllegalArgumentException("Invalid value for option '--stop-after': "
                        + options.stopAfter.name().toLowerCase(java.util.Locale.ROOT) + " needs --gateway");
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        boolean protocolsGiven = spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--protocols");
        if (fault == Fault.NLA_REQUIRED && !protocolsGiven && !options.legacy) {
            settings = settings.withProtocols(Protocols.SSL); // what the fault is about: a request without NLA
        }
        Integer requested = settings.requestedProtocols();
        boolean nlaRequested = requested != null && (requested & (Protocols.HYBRID | Protocols.HYBRID_EX)) != 0;
        // the demo logs on by itself only where NLA is requested; TLS-only paths keep the certificate unpinned
        boolean demoLogon = options.user == null && !options.ntlmInfo && nlaRequested;
        RunnerSetup setup;
        try {
            setup = new RunnerSetup(options);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        RunnerSetup.notice(options, spec.commandLine().getErr());
        DemoGatewayLab lab = viaGateway ? DemoGatewayLab.start(fault, 0, 0, c -> c.withFault(gatewayFault)) : null;
        try (AutoCloseable targets = lab != null ? lab : DemoServer.start(fault); setup) {
            DemoServer server = lab != null ? lab.server() : (DemoServer) targets;
            ProbeRunner runner = setup.runner;
            String fingerprint = server.certificateSha256();
            if (trustDemoCert || demoLogon) {
                settings = settings.withTls(pin(settings.tls(), fingerprint));
            }
            if (demoLogon) {
                Credentials demo = new Credentials(DemoServer.DEMO_USER, DemoServer.DEMO_DOMAIN,
                        Secret.of(DemoServer.DEMO_PASSWORD.toCharArray()));
                settings = settings.withCredSsp(new CredSspSettings(demo, settings.credssp().options().withDelegate(true)));
            }
            // the banner belongs to the text report on standard output (not -q, --summary, --json or --output)
            boolean banner = !options.json && !options.quiet && !options.summary && options.output == null;
            if (banner) {
                var out = spec.commandLine().getOut();
                out.println("demo target: embedded RDP endpoint on 127.0.0.1:" + server.port()
                        + " (" + fault.description() + ")");
                if (fault == Fault.NLA_REQUIRED && !protocolsGiven && !options.legacy) {
                    out.println("demo request: SSL only, to show the server's refusal (pass --protocols to change it)");
                }
                out.println("demo certificate: sha256 " + fingerprint + (trustDemoCert || demoLogon ? " (pinned)" : ""));
                if (demoLogon) {
                    out.println("demo logon: " + DemoServer.DEMO_DOMAIN + "\\" + DemoServer.DEMO_USER
                            + " (the built-in demo-only account, see --help), credentials delegated to the pinned certificate");
                }
            }
            Report report;
            if (lab != null) {
                if (banner) {
                    spec.commandLine().getOut().println("demo gateway: embedded RD Gateway on 127.0.0.1:" + lab.gateway().port()
                            + " (" + gatewayFault.description() + "), gateway logon " + DemoServer.DEMO_DOMAIN + "\\"
                            + DemoServer.DEMO_USER + ", resource '" + DemoGatewayLab.DEMO_RESOURCE + "'");
                }
                Credentials gwUser = new Credentials(DemoServer.DEMO_USER, DemoServer.DEMO_DOMAIN,
                        Secret.of(DemoServer.DEMO_PASSWORD.toCharArray()));
                GatewaySettings gw = new GatewaySettings("127.0.0.1", lab.gateway().port(), transport,
                        GatewaySettings.AuthMode.AUTO, gwUser, null, pin(settings.tls(), lab.gateway().certificateSha256()),
                        DemoGatewayLab.DEMO_RESOURCE, DemoGatewayLab.DEMO_RESOURCE_PORT, "rdp-probe-demo");
                report = ProbeCommand.runGateway(runner, new Target(DemoGatewayLab.DEMO_RESOURCE,
                        DemoGatewayLab.DEMO_RESOURCE_PORT), settings, gw, options.recordTranscript(), options.rtt);
            } else {
                report = ProbeCommand.run(runner, new Target("127.0.0.1", server.port()), settings, options.enumerate,
                        options.recordTranscript(), options.rtt);
            }
            ReportOutput.print(spec.commandLine(), report, options, started);
            return ProbeCommand.writeFiles(spec.commandLine().getErr(), report, options, started, "rdp-probe demo")
                    ? report.exitCode() : 1;
        }
    }

    private static TlsSettings pin(TlsSettings tls, String sha256) {
        TrustSettings t = tls.trust();
        Set<String> pins = new HashSet<>(t.pinnedSha256());
        pins.add(sha256);
        return tls.withTrust(new TrustSettings(t.anchors(), pins, t.strict()));
    }
}
