package io.rdpprobe.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code rdp-probe completion bash|zsh}: the shell completion script, generated from the same picocli model as the
 * help (picocli's {@link AutoComplete}), so it always lists the options this build has. The script works in zsh
 * through bashcompinit, which it loads itself.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script for rdp-probe.",
                "bash: source <(rdp-probe completion bash)   (or save it in /etc/bash_completion.d/rdp-probe)",
                "zsh:  source <(rdp-probe completion zsh)    (in ~/.zshrc; it loads bashcompinit)"})
public final class CompletionCommand implements Callable<Integer> {
    public enum Shell { bash, zsh }

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
    Shell shell;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("rdp-probe", Main.commandLine());
        if (shell == Shell.zsh) {
            script = "#compdef rdp-probe\n# zsh: picocli's script below runs 'autoload -U +X bashcompinit && bashcompinit'\n" + script;
        }
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
