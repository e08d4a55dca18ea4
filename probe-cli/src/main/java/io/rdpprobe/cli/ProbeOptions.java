package io.rdpprobe.cli;

import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.protocol.x224.CrToken;
import io.rdpprobe.protocol.x224.Protocols;
import picocli.CommandLine.Option;

/** Options shared by {@code probe} and {@code demo}. */
final class ProbeOptions {
    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class, defaultValue = "10s",
            description = "Deadline for each stage (default ${DEFAULT-VALUE}); e.g. 10 (seconds), 10s, 500ms, 2m, 1h.")
    long timeoutMillis;

    @Option(names = "--protocols", paramLabel = "LIST", defaultValue = "ssl,hybrid,hybrid_ex",
            description = "Security protocols to request in RDP_NEG_REQ: rdp, ssl, hybrid, hybrid_ex, rdstls, rdsaad "
                    + "(comma-separated) or a hex mask. Default ${DEFAULT-VALUE}, as mstsc sends.")
    String protocols;

    @Option(names = "--legacy", description = "Send a legacy Connection Request without RDP_NEG_REQ.")
    boolean legacy;

    @Option(names = "--cookie", paramLabel = "USER",
            description = "Send 'Cookie: mstshash=USER' in the Connection Request, as mstsc does.")
    String cookie;

    @Option(names = "--routing-token", paramLabel = "TOKEN",
            description = "Send a load-balancing routing token (e.g. 'tsv://MS Terminal Services Plugin.1.Coll').")
    String routingToken;

    @Option(names = "--enumerate",
            description = "Also make one connection per security protocol request and tabulate what the server accepts.")
    boolean enumerate;

    @Option(names = "--rtt", paramLabel = "N", defaultValue = "0",
            description = "Also make N extra TCP handshakes, 100 ms apart, and report min/median/max RTT and the jitter "
                    + "(PATH_JITTER above 15 ms). 0-100, default ${DEFAULT-VALUE}.")
    int rtt;

    @Option(names = "--stop-after", paramLabel = "STAGE", converter = StopAfter.class,
            description = "Stop after this stage: dns, tcp, x224, tls, credssp, mcs, security_exchange, licensing, "
                    + "activation; with --gateway also gateway_tls, gateway_http, gateway_tunnel, gateway_channel "
                    + "(default: as far as the handshake goes).")
    io.rdpprobe.probe.model.Stage stopAfter;

    @Option(names = "--json", description = "Print one JSON object instead of the text report.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "Print the verdict alone (cause, fix, the Windows client's code).")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Add the evidence under each stage; -vv prints long values "
            + "(hex dumps) in full instead of their first bytes, length and SHA-256.")
    boolean[] verbose = new boolean[0];

    /** The old name of the default (stage lines and verdict, no evidence); kept so scripts keep working. */
    @Option(names = "--brief", hidden = true)
    boolean brief;

    @Option(names = "--summary", description = "One line: start time (UTC), target, status, stage, cause (or -), "
            + "summary; the same line as 'analyze --summary'.")
    boolean summary;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the report (text, or JSON with --json) to FILE instead of standard output. An existing "
                    + "FILE is refused unless --force; a symbolic link is never followed.")
    java.nio.file.Path output;

    @Option(names = {"-t", "--transcript"},
            description = "Add a transcript: every stage transition and every PDU by name (X.224, the TLS handshake, "
                    + "TSRequest/NTLM, MCS, licensing, share PDUs; a gateway's HTTP and RDG packets) with its time, size "
                    + "and first bytes (plaintext inside TLS; CredSSP and TLS records by name and size only).")
    boolean transcript;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Also write a self-contained HTML report (handshake ladder, verdict, stages, certificates) to FILE; "
                    + "scan: the fleet page (verdicts by cause, certificate expiry, a sortable table of targets).")
    java.nio.file.Path html;

    @Option(names = "--junit", paramLabel = "FILE",
            description = "Also write JUnit XML to FILE: one testcase per stage (scan: per target), FAILED as a failure "
                    + "with the verdict.")
    java.nio.file.Path junit;

    /** Whether the PDUs are recorded: for --transcript, and for the HTML ladder. */
    boolean recordTranscript() {
        return transcript || html != null;
    }

    @Option(names = "--tls-versions", paramLabel = "LIST", defaultValue = "1.0,1.1,1.2,1.3",
            description = "TLS versions the ClientHello offers (default ${DEFAULT-VALUE}).")
    String tlsVersions;

    @Option(names = "--ca", paramLabel = "FILE", description = "Also trust the CA certificate(s) in this PEM or DER file.")
    java.nio.file.Path caFile;

    @Option(names = "--trust-cert", paramLabel = "SHA256",
            description = "Pin the server certificate by its SHA-256 fingerprint (repeatable). A different certificate fails.")
    java.util.List<String> pins = new java.util.ArrayList<>();

    @Option(names = "--strict-cert", description = "Make certificate problems (expired, name mismatch, untrusted...) fatal.")
    boolean strictCert;

    @Option(names = "--no-sni", description = "Do not send the probed name as TLS SNI.")
    boolean noSni;

    @Option(names = "--keylog", paramLabel = "FILE",
            description = "Write NSS key log lines (SSLKEYLOGFILE format) for every TLS session, for Wireshark/tshark. "
                    + "A new file is created with mode 0600; an existing key log is appended to (as SSLKEYLOGFILE is), "
                    + "any other existing file refused; --force starts it afresh.")
    java.nio.file.Path keyLog;

    @Option(names = "--capture", paramLabel = "FILE",
            description = "Record the probe's own connections, synthesised from its socket events (see the file's "
                    + "comment), created with mode 0600. FILE.pcapng: pcapng with the probe's markers ('analyze' names "
                    + "why the probe stopped) and each TLS session's secrets (the --keylog lines) in a Decryption "
                    + "Secrets Block, so tshark and 'analyze' decrypt it with no key log: anyone with the file can read "
                    + "the plaintext (NTLM messages, an RD Gateway Basic password); --capture-secrets=no leaves them out. "
                    + "Any other name: classic pcap (packets only: no markers, no secrets). An existing non-empty file "
                    + "is refused unless --force.")
    java.nio.file.Path capture;

    /** {@code --capture-secrets}: whether a pcapng capture embeds the TLS secrets. */
    enum CaptureSecrets { YES, NO }

    @Option(names = "--capture-secrets", paramLabel = "yes|no", defaultValue = "yes",
            description = "yes (default): a .pcapng --capture holds each TLS session's key log lines (Decryption Secrets "
                    + "Block) before the packets that need them; no: the capture stays encrypted (give --keylog for a "
                    + "separate key log).")
    CaptureSecrets captureSecrets = CaptureSecrets.YES;

    /** Whether --capture FILE writes pcapng (a name ending .pcapng, any case) rather than classic pcap. */
    static boolean isPcapng(java.nio.file.Path file) {
        return file != null && file.getFileName() != null
                && file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".pcapng");
    }

    /** Whether the --capture file will hold the TLS secrets (pcapng, secrets not turned off). */
    boolean captureHoldsSecrets() {
        return capture != null && isPcapng(capture) && captureSecrets == CaptureSecrets.YES;
    }

    /** The one stderr line for a classic-pcap --capture (null otherwise). */
    String captureNotice() {
        if (capture == null || isPcapng(capture)) {
            return null;
        }
        return "rdp-probe: --capture " + capture + ": classic pcap (the name does not end .pcapng): packets only; the "
                + "probe's markers and the TLS secrets need a .pcapng name" + (keyLog == null ? " (or add --keylog for the secrets)" : "");
    }

    @Option(names = "--force", description = "Let --output and --capture replace an existing file, and --keylog start "
            + "an existing key log afresh instead of appending (the old file is removed, the new one created 0600).")
    boolean force;

    @Option(names = {"-u", "--user"}, paramLabel = "USER",
            description = "Authenticate with NLA as USER (DOMAIN\\user, user@domain or user). The password comes from "
                    + "--password-env, --password-file or --password-stdin, never from the command line.")
    String user;

    @Option(names = {"-d", "--domain"}, paramLabel = "DOMAIN", description = "NTLM domain (if not part of --user).")
    String domain;

    @Option(names = "--password-env", paramLabel = "NAME", description = "Read the password from environment variable NAME.")
    String passwordEnv;

    @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from the first line of FILE.")
    java.nio.file.Path passwordFile;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Option(names = "--delegate-credentials",
            description = "After NLA succeeds, send the credentials to the server (TSCredentials), as a real logon "
                    + "does. Only done when the certificate is trusted or pinned. Off by default: the probe proves the "
                    + "credentials without handing them over.")
    boolean delegate;

    @Option(names = "--credssp-version", paramLabel = "N", defaultValue = "6",
            description = "CredSSP version to announce, 2 to 6 (default ${DEFAULT-VALUE}).")
    int credsspVersion;

    @Option(names = "--spnego", description = "Wrap NTLM in SPNEGO (Windows accepts both; FreeRDP 2 only raw NTLM).")
    boolean spnego;

    @Option(names = "--ntlm-info", description = "Ignore credentials: only ask the server for its NTLM CHALLENGE and "
            + "report its names, OS version and clock; if the server refuses NLA at X.224, start TLS anyway (as nmap's "
            + "rdp-ntlm-info does), since some servers still answer.")
    boolean ntlmInfo;

    /** How much of the text report to print ({@code -q}, default, {@code -v}, {@code -vv}). */
    io.rdpprobe.report.TextRenderer.Detail detail() {
        return io.rdpprobe.report.TextRenderer.Detail.of(quiet, verbose.length);
    }

    /** Output options that exclude each other, as a usage error. */
    void checkOutputOptions() {
        if (quiet && verbose.length > 0) {
            throw new IllegalArgumentException("-q/--quiet and -v/--verbose exclude each other");
        }
        if (summary && json) {
            throw new IllegalArgumentException("--summary and --json exclude each other");
        }
        if (summary && (quiet || verbose.length > 0)) {
            throw new IllegalArgumentException("--summary is one line: it takes neither -q nor -v");
        }
    }

    io.rdpprobe.probe.credssp.CredSspSettings credSspSettings() {
        io.rdpprobe.probe.credssp.CredSspOptions opts = io.rdpprobe.probe.credssp.CredSspOptions.defaults()
                .withVersion(credsspVersion).withDelegate(delegate).withSpnego(spnego);
        int sources = (passwordEnv != null ? 1 : 0) + (passwordFile != null ? 1 : 0) + (passwordStdin ? 1 : 0);
        if (sources > 1) {
            throw new IllegalArgumentException("use one of --password-env, --password-file, --password-stdin");
        }
        if (user == null || ntlmInfo) {
            if (sources > 0 && user == null) {
                throw new IllegalArgumentException("a password needs --user");
            }
            return new io.rdpprobe.probe.credssp.CredSspSettings(null, opts, ntlmInfo);
        }
        if (sources == 0) {
            throw new IllegalArgumentException("--user needs a password: --password-env NAME, --password-file FILE "
                    + "or --password-stdin (never on the command line)");
        }
        char[] pw = Passwords.read(passwordEnv, passwordFile, passwordStdin);
        io.rdpprobe.probe.credssp.Secret secret = io.rdpprobe.probe.credssp.Secret.of(pw);
        java.util.Arrays.fill(pw, '\0');
        io.rdpprobe.probe.credssp.Credentials c = io.rdpprobe.probe.credssp.Credentials.parse(user, secret);
        if (domain != null) {
            c = new io.rdpprobe.probe.credssp.Credentials(c.user(), domain, c.password());
        }
        return new io.rdpprobe.probe.credssp.CredSspSettings(c, opts);
    }

    io.rdpprobe.probe.tls.TlsSettings tlsSettings() {
        io.rdpprobe.probe.tls.TrustSettings trust = trust(caFile, "--ca", pins, "--trust-cert", strictCert);
        return new io.rdpprobe.probe.tls.TlsSettings(
                option("--tls-versions", tlsVersions, () -> io.rdpprobe.probe.tls.TlsVersions.parseList(tlsVersions)),
                trust, !noSni);
    }

    /** The JDK's anchors plus the CA file, and the pinned fingerprints: what --ca/--trust-cert (or the gateway's) say. */
    static io.rdpprobe.probe.tls.TrustSettings trust(java.nio.file.Path caFile, String caOption, java.util.List<String> pins,
                                                     String pinOption, boolean strict) {
        java.util.List<java.security.cert.X509Certificate> anchors = new java.util.ArrayList<>();
        if (caFile != null) {
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(caFile)) {
                for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificates(in)) {
                    anchors.add((java.security.cert.X509Certificate) c);
                }
            } catch (Exception e) {
                throw new IllegalArgumentException("cannot read " + caOption + " " + caFile + ": " + e.getMessage());
            }
        }
        java.util.Set<String> pinSet = new java.util.HashSet<>();
        for (String p : pins) {
            pinSet.add(option(pinOption, p, () -> io.rdpprobe.probe.tls.TrustSettings.normalizeFingerprint(p)));
        }
        return new io.rdpprobe.probe.tls.TrustSettings(io.rdpprobe.probe.tls.TrustSettings.jdkAnchorsPlus(anchors), pinSet, strict);
    }

    ProbeSettings settings() {
        checkOutputOptions();
        if (rtt < 0 || rtt > 100) {
            throw new IllegalArgumentException("Invalid value for option '--rtt': " + rtt + " (use 0-100)");
        }
        if (cookie != null && routingToken != null) {
            throw new IllegalArgumentException("--cookie and --routing-token are exclusive (MS-RDPBCGR 2.2.1.1)");
        }
        CrToken token = cookie != null ? new CrToken.Cookie(cookie)
                : routingToken != null ? new CrToken.RoutingToken(routingToken) : null;
        Integer req = legacy ? null : option("--protocols", protocols, () -> Protocols.parse(protocols));
        if (credsspVersion < 2 || credsspVersion > 6) {
            throw new IllegalArgumentException("Invalid value for option '--credssp-version': " + credsspVersion
                    + " (use 2, 3, 4, 5 or 6)");
        }
        return ProbeSettings.defaults().withTimeout(timeoutMillis).withProtocols(req).withToken(token).withTls(tlsSettings()).withCredSsp(credSspSettings())
                .withStopAfter(stopAfter);
    }

    /**
     * Parses one option's value; a parser's IllegalArgumentException becomes a usage error that names the option,
     * as picocli words its own ("Invalid value for option '--timeout': ...").
     */
    static <T> T option(String name, String value, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            String what = name.startsWith("-") ? "option '" + name + "'" : name + " '" + value + "'";
            throw new IllegalArgumentException("Invalid value for " + what + ": " + e.getMessage());
        }
    }
}
