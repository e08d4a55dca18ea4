package io.rdpprobe.cli;

import io.rdpprobe.probe.model.Report;
import io.rdpprobe.files.OutputFiles;
import io.rdpprobe.report.ReportJson;
import io.rdpprobe.report.TextRenderer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Prints a probe's report in the chosen form (text at the chosen detail, {@code --summary}'s one line, or JSON with
 * the run's metadata) to standard output or to {@code --output FILE}.
 */
final class ReportOutput {
    private ReportOutput() {}

    /** Refuses an {@code --output} file before the probe runs (a usage error), rather than after it. */
    static void check(ProbeOptions o) {
        o.checkOutputOptions();
        if (o.output != null) {
            String why = OutputFiles.refusal(o.output, o.force, "--output");
            if (why != null) {
                throw new IllegalArgumentException(why);
            }
        }
    }

    static void print(CommandLine cl, Report report, ProbeOptions o, Instant started) {
        if (!o.transcript) {
            // recorded for the HTML ladder only (--html): not printed
            report = report.withoutSection("transcript");
        }
        String text;
        if (o.summary) {
            text = TextRenderer.summaryLine(started.truncatedTo(ChronoUnit.MILLIS), report) + System.lineSeparator();
        } else if (o.json) {
            text = ReportJson.write(json(report, started, cl)) + System.lineSeparator();
        } else {
            boolean colour = o.output == null && TextRenderer.colourWanted(System.console() != null, System.getenv());
            text = new TextRenderer(o.detail(), colour).render(report);
        }
        if (o.output == null) {
            PrintWriter out = cl.getOut();
            out.print(text);
            out.flush();
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (OutputStream f = OutputFiles.create(o.output, o.force, false, "--output")) {
            f.write(bytes);
        } catch (IOException | IllegalArgumentException e) {
            // the probe ran: say why the report is not in the file, and print it where it can be read
            cl.getErr().println("rdp-probe: cannot write --output " + o.output + ": " + e.getMessage()
                    + "; the report follows on standard output");
            cl.getOut().print(text);
            cl.getOut().flush();
            cl.getErr().flush();
            return;
        }
        cl.getErr().println("rdp-probe: report written to " + o.output + " (" + bytes.length + " bytes)");
        cl.getErr().flush();
    }

    /** The report with the run's metadata first: the tool's version and commit, when it started, its command line. */
    static Map<String, Object> json(Report report, Instant started, CommandLine cl) {
        Map<String, Object> m = new LinkedHashMap<>();
        BuildInfo b = BuildInfo.current();
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("name", "rdp-probe");
        tool.put("version", b.version());
        tool.put("commit", b.commit());
        m.put("tool", tool);
        m.put("startedAt", started.truncatedTo(ChronoUnit.MILLIS).toString());
        m.put("commandLine", commandLine(cl));
        m.putAll(ReportJson.toMap(report));
        return m;
    }

    /** "rdp-probe" and the arguments as given, credential values replaced by "***" ({@link Main#redactArgs}). */
    static List<String> commandLine(CommandLine cl) {
        List<String> args = new ArrayList<>();
        args.add("rdp-probe");
        CommandLine.ParseResult pr = cl.getParseResult();
        if (pr != null) {
            args.addAll(Main.redactArgs(pr.originalArgs()));
        }
        return args;
    }
}
