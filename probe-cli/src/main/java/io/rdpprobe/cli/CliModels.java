package io.rdpprobe.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Start-up (issue 13): what the generated {@code *_Model} classes share. The CLI's models are built by code that
 * {@code io.rdpprobe.cli.processor.CliModelProcessor} writes at compile time from the picocli annotations, so a
 * probe reads no annotation at run time; {@code CliModelTest} checks them against the models picocli builds by
 * reflection.
 */
final class CliModels {
    private CliModels() {}

    /**
     * {@code mixinStandardHelpOptions = true} without reflection: picocli's own {@code CommandSpec
     * .mixinStandardHelpOptions(true)} reads its {@code AutoHelpMixin}'s annotations. The same two options, names,
     * description keys and texts, under the same mixin name.
     */
    static CommandSpec standardHelpOptions() {
        CommandSpec m = CommandSpec.create();
        m.setAddMethodSubcommands(false);
        m.addOption(OptionSpec.builder("${picocli.help.name.0:--h}", "${picocli.help.name.1:---help}")
                .usageHelp(true).paramLabel("<helpRequested>").splitRegex("").descriptionKey("mixinStandardHelpOptions.help")
                .description("Show this help message and exit.")
                .type(boolean.class).auxiliaryTypes(boolean.class).initialValue(false).hasInitialValue(true)
                .withToString("field boolean picocli.CommandLine$AutoHelpMixin.helpRequested")
                .build());
        m.addOption(OptionSpec.builder("${picocli.version.name.0:--V}", "${picocli.version.name.1:---version}")
                .versionHelp(true).paramLabel("<versionRequested>").splitRegex("").descriptionKey("mixinStandardHelpOptions.version")
                .description("Print version information and exit.")
                .type(boolean.class).auxiliaryTypes(boolean.class).initialValue(false).hasInitialValue(true)
                .withToString("field boolean picocli.CommandLine$AutoHelpMixin.versionRequested")
                .build());
        return m;
    }
}
