package io.rdpprobe.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The man page (roff, man(7) macros) written from the picocli model: the same commands, options, descriptions and
 * exit codes as {@code --help}, so it cannot drift from the code. {@code rdp-probe man} prints it;
 * {@code man/rdp-probe.1} in the repository is its output, and {@code ManPageTest} fails when they differ
 * (regenerate with {@code ./rdp-probe man > man/rdp-probe.1}). No date or version in it: the output is
 * reproducible.
 */
@Command(name = "man", mixinStandardHelpOptions = true,
        description = {"Print the rdp-probe(1) man page (roff).", "View it: rdp-probe man | man -l -"})
public final class ManPage implements Callable<Integer> {
    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(render(Main.commandLine().getCommandSpec()));
        spec.commandLine().getOut().flush();
        return 0;
    }

    public static String render(CommandSpec root) {
        StringBuilder b = new StringBuilder();
        String name = root.name();
        b.append(".\\\" generated from the picocli model by 'rdp-probe man'; do not edit\n");
        b.append(".TH ").append(name.toUpperCase(java.util.Locale.ROOT)).append(" 1 \"\" \"").append(name)
                .append("\" \"User Commands\"\n");
        b.append(".SH NAME\n").append(esc(name)).append(" \\- ").append(esc(String.join(" ", root.usageMessage().description())))
                .append('\n');
        b.append(".SH SYNOPSIS\n");
        for (Map.Entry<String, CommandLine> e : root.subcommands().entrySet()) {
            if (e.getKey().equals("help")) continue;
            b.append(".B ").append(esc(name)).append(' ').append(esc(e.getKey())).append("\n[\\fIOPTIONS\\fR]");
            for (PositionalParamSpec p : e.getValue().getCommandSpec().positionalParameters()) {
                b.append(' ').append(p.arity().min() == 0 ? "[" : "").append("\\fI").append(esc(p.paramLabel())).append("\\fR")
                        .append(p.arity().min() == 0 ? "]" : "");
            }
            b.append("\n.br\n");
        }
        b.append(".SH DESCRIPTION\n");
        paragraphs(b, root.usageMessage().description());
        b.append(".SH COMMANDS\n");
        for (Map.Entry<String, CommandLine> e : root.subcommands().entrySet()) {
            if (e.getKey().equals("help")) continue;
            CommandSpec c = e.getValue().getCommandSpec();
            b.append(".SS ").append(esc(name + " " + e.getKey())).append('\n');
            paragraphs(b, c.usageMessage().description());
            for (PositionalParamSpec p : c.positionalParameters()) {
                b.append(".TP\n\\fI").append(esc(p.paramLabel())).append("\\fR\n").append(esc(desc(p.description(), p.defaultValue(), null)))
                        .append('\n');
            }
            for (OptionSpec o : c.options()) {
                if (o.hidden()) continue;
                b.append(".TP\n");
                List<String> names = new ArrayList<>();
                for (String n : o.names()) names.add("\\fB" + esc(n) + "\\fR");
                b.append(String.join(", ", names));
                if (o.arity().max() > 0) {
                    b.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
                }
                b.append('\n').append(esc(desc(o.description(), o.defaultValue(), o.completionCandidates()))).append('\n');
            }
            String[] footer = c.usageMessage().footer();
            if (footer.length > 0) {
                b.append(".PP\n");
                paragraphs(b, footer);
            }
        }
        b.append(".SH EXIT STATUS\n");
        paragraphs(b, root.usageMessage().footer());
        b.append(".SH SEE ALSO\n.BR xfreerdp (1),\n.BR tshark (1)\n");
        return b.toString();
    }

    private static String desc(String[] lines, String defaultValue, Iterable<String> candidates) {
        String d = String.join(" ", lines);
        d = d.replace("${DEFAULT-VALUE}", String.valueOf(defaultValue));
        if (candidates != null && d.contains("${COMPLETION-CANDIDATES}")) {
            d = d.replace("${COMPLETION-CANDIDATES}", String.join(", ", candidates));
        }
        return d.replace("%n", " ");
    }

    private static void paragraphs(StringBuilder b, String[] lines) {
        for (String l : lines) {
            String t = l.replace("%n", " ").strip();
            if (t.isEmpty()) {
                b.append(".PP\n");
            } else {
                b.append(esc(t)).append("\n.br\n");
            }
        }
    }

    /** roff escaping: backslashes, hyphens (as \-), and a leading dot or quote. */
    static String esc(String s) {
        String r = s.replace("\\", "\\e").replace("-", "\\-");
        if (r.startsWith(".") || r.startsWith("'")) {
            r = "\\&" + r;
        }
        return r.replace("\n.", "\n\\&.");
    }
}
