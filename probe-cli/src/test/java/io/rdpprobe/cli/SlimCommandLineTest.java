package io.rdpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Start-up (issue 13): a command named first gets a root with only that command's model; the rest (no argument,
 * help, completion, man, a typo) the whole tree. The slim root must behave as the full one for that command.
 */
class SlimCommandLineTest {

    @Test
    void theFourRunCommandsGetASlimRootOfTheSameName() {
        for (String c : new String[] {"probe", "scan", "demo", "analyze"}) {
            CommandLine cl = Main.commandLineFor(c);
            assertThat(cl).as(c).isNotNull();
            assertThat(cl.getCommandName()).isEqualTo("rdp-probe");
            assertThat(cl.getSubcommands()).containsOnlyKeys(c);
            assertThat(cl.getSubcommands().get(c).getCommandSpec().qualifiedName()).isEqualTo("rdp-probe " + c);
        }
        for (String other : new String[] {"help", "completion", "man", "--help", "--version", "prob", "-h"}) {
            assertThat(Main.commandLineFor(other)).as(other).isNull();
        }
        assertThat(Main.commandLine().getSubcommands()).containsKeys("probe", "scan", "demo", "analyze", "completion",
                "man", "help");
    }

    @Test
    void aUsageErrorOfTheSlimRootNamesTheCommandAndExitsTwo() {
        CommandLine cl = Main.commandLineFor("probe");
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute("probe", "127.0.0.1:1", "--no-such-option");
        assertThat(rc).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("--no-such-option").contains("try 'rdp-probe probe --help'");
    }

    @Test
    void caseInsensitiveEnumValuesStillWorkOnTheSlimRoot() {
        CommandLine cl = Main.commandLineFor("probe");
        CommandLine.ParseResult r = cl.parseArgs("probe", "127.0.0.1:1", "--stop-after", "tcp");
        Object stopAfter = r.subcommand().matchedOptionValue("--stop-after", null);
        assertThat(stopAfter).isNotNull();
    }
}
