package io.rdpprobe.cli;

import io.rdpprobe.demo.DemoServer;
import io.rdpprobe.demo.Fault;
import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rdp-probe demo}: start the embedded RDP endpoint on loopback and probe it. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start an embedded, spec-faithful RDP endpoint on 127.0.0.1 (ephemeral port), probe it and "
                + "print the report. Nothing needs to be installed.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--fault", paramLabel = "FAULT", defaultValue = "NONE",
            description = "Make the demo target misbehave: ${COMPLETION-CANDIDATES}.")
    Fault fault;

    @Mixin
    ProbeOptions options = new ProbeOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ProbeSettings settings;
        try {
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
        try (DemoServer server = DemoServer.start(fault); setup) {
            ProbeRunner runner = setup.runner;
            if (!options.json) {
                spec.commandLine().getOut().println("demo target: embedded RDP endpoint on 127.0.0.1:" + server.port()
                        + " (" + fault.description() + ")");
            }
            Report report = ProbeCommand.run(runner, new Target("127.0.0.1", server.port()), settings, options.enumerate);
            ProbeCommand.print(spec.commandLine().getOut(), report, options);
            return report.exitCode();
        }
    }
}
