package io.rdpprobe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code rdp-probe}: probe an RDP server stage by stage, or analyse a capture.
 *
 * <p>Exit codes: 0 every attempted stage OK (warnings included); 2 usage error; 1 internal error; otherwise
 * the failing stage's code (DNS 10, TCP 11, X224 12, TLS 13, CREDSSP 14, MCS 15, SECURITY_EXCHANGE 16,
 * LICENSING 17, ACTIVATION 18, GATEWAY_TLS 20, GATEWAY_HTTP 21, GATEWAY_TUNNEL 22, GATEWAY_CHANNEL 23).
 * {@code analyze} has its own table ({@link AnalyzeCommand#EXIT_CODES}).
 */
@Command(name = "rdp-probe", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Drives a real RDP handshake and reports, stage by stage, where and why it fails.",
        subcommands = {ProbeCommand.class, ScanCommand.class, DemoCommand.class, AnalyzeCommand.class, CompletionCommand.class,
                ManPage.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 OK; 2 usage; 1 internal error; 10 DNS, 11 TCP, 12 X224, 13 TLS, 14 CREDSSP, "
                + "15 MCS, 16 SECURITY_EXCHANGE, 17 LICENSING, 18 ACTIVATION, 20-23 GATEWAY_*.",
                "analyze: " + AnalyzeCommand.EXIT_CODES})
public final class Main implements Runnable {
    public static final int EXIT_INTERNAL = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: probe, scan, demo or analyze");
    }

    public static void main(String[] args) {
        startupDefaults();
        NettyWarmup.start(args);
        System.exit(run(args));
    }

    /**
     * Start-up, before any Netty class initialises: Netty 4.2 registers JFR events for its allocator unless
     * {@code io.netty.jfr.enabled=false} (that loads and initialises JFR's type library, about a tenth of a
     * closed-port probe; PlatformDependent still calls {@code FlightRecorder.isAvailable()} for the property's
     * default, which loads 16 archived jdk.jfr classes and nothing more), and its logger factory tries SLF4J first, finds the NOP binding this jar carries and falls
     * back to java.util.logging, whose LogManager set-up costs every probe: {@link NettyLog} prints Netty's messages
     * (INFO and above, as java.util.logging's console did) to standard error without it.
     *
     * <p>BouncyCastle checks every RSA public key it parses (the server's certificate): odd, at most 16384 bits, no
     * prime factor below 744, then Miller-Rabin to prove the modulus composite. For a real modulus the first round
     * finds a witness and returns, so whatever the round count, the cost is one modular exponentiation with a full
     * 2048-bit exponent: about 30 ms under C1, which has no BigInteger intrinsics, a quarter of a loopback TLS 1.3
     * handshake (JFR, issue 13; setting 1 round instead of 4 saved nothing). The probe uses the server's key to check
     * that server's own signature, where a prime modulus only lets others forge what that server's certificate
     * vouches for (the certificate is judged on its own), or, with a TLS_RSA suite, to encrypt to it, where a prime
     * modulus would expose the session: a key no generator makes, on suites RDP servers negotiate last. So the
     * cheap checks stay and the exponentiation goes ({@code max_mr_tests=0}); -D settings are kept.
     */
    static void startupDefaults() {
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        if (System.getProperty("io.netty.osClassifiers") == null) {
            // empty: no OS classifiers, so PlatformDependent does not read /etc/os-release at start-up; only
            // netty-tcnative's library name uses them, and this jar has BouncyCastle's TLS, not tcnative
            System.setProperty("io.netty.osClassifiers", "");
        }
        if (System.getProperty("org.bouncycastle.rsa.max_mr_tests") == null) {
            System.setProperty("org.bouncycastle.rsa.max_mr_tests", "0");
        }
        if (System.getProperty("picocli.disable.closures") == null) {
            // picocli's default factory otherwise looks for groovy.lang.Closure at its first use: a class path search
            // that fails with an exception (and opens the 14,000-entry jar) in every run; nothing here is Groovy
            System.setProperty("picocli.disable.closures", "true");
        }
        if (System.getProperty("java.nio.channels.spi.SelectorProvider") == null && LINUX_SELECTOR_PROVIDER != null) {
            // Netty's epoll classes open a java.nio Selector first; without this property the JDK looks for a
            // provider with a ServiceLoader over the class path, which opens and indexes the whole jar (its 14,000
            // entries: several ms of a closed-port probe, profile of issue 13) to find none and use its default,
            // the same class named here
            System.setProperty("java.nio.channels.spi.SelectorProvider", LINUX_SELECTOR_PROVIDER);
        }
        io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(NettyLog.INSTANCE);
    }

    /**
     * The JDK's own default selector provider on Linux, when this JDK has it (OpenJDK's since JDK 7); null elsewhere,
     * where the JDK keeps choosing as it always does. Named rather than looked up, because the lookup is the cost.
     */
    static final String LINUX_SELECTOR_PROVIDER = linuxSelectorProvider();

    private static String linuxSelectorProvider() {
        String name = "sun.nio.ch.EPollSelectorProvider";
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return null;
        }
        try {
            Class.forName(name, false, null); // java.base's own class, by the boot loader: no class path search
            return name;
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = args.length > 0 ? commandLineFor(args[0]) : null;
        return (cl != null ? cl : commandLine()).execute(args);
    }

    /** The whole command tree: every subcommand's options, as help, completion and the man page need them. */
    public static CommandLine commandLine() {
        return configure(new CommandLine(new Main()));
    }

    /**
     * Start-up: picocli builds every subcommand's model (reflection over several hundred options and their
     * annotations) when the root is made, and that is a third of a closed-port probe's wall time. When the first
     * argument names a command that is not help, only that command is modelled, under a root of the same name
     * and options; anything else (no argument, --help, a typo) gets the whole tree. Null when the argument is not
     * such a command. The slim root and its command are built by the generated {@code *_Model} classes
     * ({@link CliModels}): no annotation is read (the whole tree, for help, completion and the man page, is still
     * picocli's reflective model; {@code CliModelTest} holds the two equal).
     */
    static CommandLine commandLineFor(String first) {
        CommandLine.Model.CommandSpec sub = switch (first) {
            case "probe" -> ProbeCommand_Model.spec(new ProbeCommand());
            case "scan" -> ScanCommand_Model.spec(new ScanCommand());
            case "demo" -> DemoCommand_Model.spec(new DemoCommand());
            case "analyze" -> AnalyzeCommand_Model.spec(new AnalyzeCommand());
            default -> null;
        };
        if (sub == null) {
            return null;
        }
        CommandLine cl = new CommandLine(Main_Root_Model.spec(new Root()));
        cl.addSubcommand(sub);
        return configure(cl);
    }

    /** The root without its subcommand list, for {@link #commandLineFor}; same name, help and version as Main. */
    @Command(name = "rdp-probe", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Drives a real RDP handshake and reports, stage by stage, where and why it fails.")
    static final class Root implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: probe, scan, demo or analyze");
        }
    }

    private static CommandLine configure(CommandLine cl) {
        cl.setCaseInsensitiveEnumValuesAllowed(true); // --stop-after tls, --fault deny
        cl.setExecutionExceptionHandler(new InternalErrors());
        cl.setParameterExceptionHandler(new UsageErrors());
        return cl;
    }

    /** An exception from a command: one line (the stack trace with -Drdpprobe.debug=true), exit 1. */
    private static final class InternalErrors implements CommandLine.IExecutionExceptionHandler {
        // classes, not lambdas: the lambdas were spun at every start, outside the class-data archive (issue 13)
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
            cmd.getErr().println("rdp-probe: internal error: " + ex);
            if (Boolean.getBoolean("rdpprobe.debug")) {
                ex.printStackTrace(cmd.getErr());
            }
            return EXIT_INTERNAL;
        }
    }

    /** A usage error: {@link #usageError} (analyze --json: also a JSON object on standard output), exit 2. */
    private static final class UsageErrors implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine failed = ex.getCommandLine();
            String message = redact(ex.getMessage(), args);
            if (failed.getCommand() instanceof AnalyzeCommand && java.util.Arrays.asList(args).contains("--json")) {
                AnalyzeCommand a = failed.getCommand();
                AnalyzeCommand.jsonUsageError(failed.getOut(), a.firstCapture(), message);
                failed.getErr().println("rdp-probe analyze: " + message);
                return EXIT_USAGE;
            }
            usageError(failed, ex, message);
            return EXIT_USAGE;
        }
    }

    /**
     * A usage error in three parts, as git and curl print it: the error, the one option it concerns (when it names
     * one), and where the full help is. Never the whole help: the message must not scroll away.
     */
    static void usageError(CommandLine failed, CommandLine.ParameterException ex, String message) {
        java.io.PrintWriter err = failed.getErr();
        err.println(message);
        CommandLine.Model.OptionSpec opt = ex.getArgSpec() instanceof CommandLine.Model.OptionSpec o ? o : null;
        if (opt == null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("option '(-[^']+)'").matcher(message);
            if (m.find()) {
                opt = failed.getCommandSpec().findOption(m.group(1));
            }
        }
        if (opt != null) {
            String label = opt.arity().max() > 0 ? " " + opt.paramLabel() : "";
            String desc = opt.description().length > 0 ? opt.description()[0] : "";
            desc = desc.replace("${DEFAULT-VALUE}", String.valueOf(opt.defaultValue()));
            err.println("  " + String.join(", ", opt.names()) + label + "  " + desc);
        }
        err.println("try '" + failed.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
    }

    /**
     * Removes what may be a credential from a usage error: the value after an option whose name looks like a
     * password or token option (--password, -p, /p:, --pw, --secret, ...; not the ...-file and ...-env options, whose value is a
     * path or a variable name). Unknown options are echoed by picocli; their values
     * are not, once redacted here.
     */
    static String redact(String message, String[] args) {
        if (message == null) {
            return null;
        }
        String out = message;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String lower = a.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("/p:") || lower.startsWith("/password:") || lower.startsWith("/gp:")) {
                out = hide(out, a.substring(a.indexOf(':') + 1));
                continue;
            }
            if (!a.startsWith("-")) {
                continue;
            }
            String name = lower.contains("=") ? lower.substring(0, lower.indexOf('=')) : lower;
            if (!credentialLike(name) || name.endsWith("-file") || name.endsWith("-env")) { // paths and variable names; Passwords words its own
                continue;
            }
            if (a.contains("=")) {
                out = hide(out, a.substring(a.indexOf('=') + 1));
            } else if (i + 1 < args.length) {
                out = hide(out, args[i + 1]);
            }
            if (name.startsWith("-p") && name.length() > 2 && !name.startsWith("--")) {
                out = hide(out, a.substring(2)); // -pSecret
            }
        }
        return out;
    }

    /** An option name (lowercase, without "=value") that may take a password or token. */
    static boolean credentialLike(String name) {
        return name.equals("-p") || name.equals("-pw") || name.contains("pass") || name.contains("pwd")
                || name.contains("secret") || name.contains("token") || name.equals("--pw");
    }

    /**
     * The command line for the report: the value of every credential-like option (its -file and -env forms too: a
     * variable "name" may be a password typed in the wrong place), of {@code /p:}-style arguments and of {@code -pX}
     * is replaced by "***".
     */
    static java.util.List<String> redactArgs(java.util.List<String> args) {
        java.util.List<String> out = new java.util.ArrayList<>();
        boolean hideNext = false;
        for (String a : args) {
            if (hideNext) {
                out.add("***");
                hideNext = false;
                continue;
            }
            String lower = a.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("/p:") || lower.startsWith("/password:") || lower.startsWith("/gp:")) {
                out.add(a.substring(0, a.indexOf(':') + 1) + "***");
                continue;
            }
            if (!a.startsWith("-") || a.equals("--")) {
                out.add(a);
                continue;
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? lower : lower.substring(0, eq);
            if (credentialLike(name)) {
                if (eq >= 0) {
                    out.add(a.substring(0, eq + 1) + "***");
                } else {
                    out.add(a);
                    hideNext = !name.endsWith("-stdin"); // --password-stdin takes no value
                }
            } else if (name.startsWith("-p") && !name.startsWith("--") && name.length() > 2) {
                out.add("-p***"); // -pSecret
            } else {
                out.add(a);
            }
        }
        return out;
    }

    private static String hide(String message, String value) {
        return value == null || value.isEmpty() ? message : message.replace(value, "(value hidden)");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {BuildInfo.current().line()};
        }
    }
}
