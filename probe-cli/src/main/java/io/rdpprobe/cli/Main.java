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
        subcommands = {ProbeCommand.class, DemoCommand.class, AnalyzeCommand.class, CommandLine.HelpCommand.class},
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
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: probe, demo or analyze");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true); // --stop-after tls, --fault deny
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println("rdp-probe: internal error: " + ex);
            if (Boolean.getBoolean("rdpprobe.debug")) {
                ex.printStackTrace(cmd.getErr());
            }
            return EXIT_INTERNAL;
        });
        CommandLine.IParameterExceptionHandler usage = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            if (failed.getCommand() instanceof AnalyzeCommand && java.util.Arrays.asList(args).contains("--json")) {
                AnalyzeCommand a = failed.getCommand();
                AnalyzeCommand.jsonUsageError(failed.getOut(), a.capture == null ? null : a.capture.toString(), ex.getMessage());
                failed.getErr().println("rdp-probe analyze: " + ex.getMessage());
                return EXIT_USAGE;
            }
            return usage.handleParseException(ex, args);
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"rdp-probe " + (v == null ? "dev" : v)};
        }
    }
}
