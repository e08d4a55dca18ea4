package io.rdpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Start-up (issue 13): the models that {@code CliModelProcessor} generates (the {@code *_Model} classes a probe
 * runs with) against the models picocli builds by reflection from the same annotations: every option and
 * parameter attribute, the usage help, the values a parse leaves in the command object, and the usage errors.
 */
class CliModelTest {

    record Pair(String name, Supplier<Object> annotated, Supplier<CommandSpec> generated, List<List<String>> argvs) {}

    static Stream<Arguments> commands() {
        List<Pair> pairs = List.of(
                new Pair("probe", ProbeCommand::new, () -> ProbeCommand_Model.spec(new ProbeCommand()), List.of(
                        List.of("host.example:3390"),
                        List.of("--rdp-file", "x.rdp", "--port", "4000", "--timeout", "500ms", "--protocols", "ssl",
                                "--cookie", "bob", "--rtt", "3", "--stop-after", "tls", "--json", "-vv", "-o", "out.txt",
                                "-t", "--html", "a.html", "--junit", "a.xml", "--tls-versions", "1.2", "--ca", "ca.pem",
                                "--trust-cert", "ab", "--trust-cert", "cd", "--strict-cert", "--no-sni", "--keylog", "k",
                                "--capture", "c.pcapng", "--capture-secrets", "NO", "--force", "-u", "me", "-d", "DOM",
                                "--password-env", "PW", "--delegate-credentials", "--credssp-version", "5", "--spnego",
                                "--ntlm-info", "--gateway", "gw:443", "--gateway-user", "g", "--gateway-auth", "basic",
                                "--gateway-trust-cert", "ef", "--gateway-transport", "http", "--auth", "ntlm",
                                "--realm", "R", "--kdc", "kdc:88", "--spn", "TERMSRV/x"),
                        List.of("--legacy", "--routing-token", "tok", "--enumerate", "-q", "--brief", "--summary",
                                "--password-file", "pw.txt", "--password-stdin", "h"))),
                new Pair("scan", ScanCommand::new, () -> ScanCommand_Model.spec(new ScanCommand()), List.of(
                        List.of("10.0.0.0/30", "h2"),
                        List.of("--targets-file", "t.txt", "--targets-csv", "t.csv", "--port", "3390", "--concurrency",
                                "8", "--rate", "10/s", "--dns-concurrency", "4", "--out", "o.jsonl", "--csv", "o.csv",
                                "--resume", "r", "--expiry-warn", "10d", "--progress-every", "1s", "--stop-after", "x224",
                                "--gateway", "g"))),
                new Pair("demo", DemoCommand::new, () -> DemoCommand_Model.spec(new DemoCommand()), List.of(
                        List.of(),
                        List.of("--fault", "deny", "--trust-demo-cert", "--serve", "--port", "1234", "--timeout", "2s",
                                "--gateway", "--gateway-port", "4433", "--gateway-transport", "websocket"))),
                new Pair("analyze", AnalyzeCommand::new, () -> AnalyzeCommand_Model.spec(new AnalyzeCommand()), List.of(
                        List.of("a.pcap", "b.pcapng"),
                        List.of("--json", "--zeek", "-v", "--no-progress", "--html", "h", "--junit", "j", "--keylog", "k1",
                                "--keylog", "k2", "--rsa-key", "r.pem", "--write-expected", "e.json", "c.pcap"),
                        List.of("--summary", "-q", "--no-evidence", "--expect", "e.json", "c.pcap"))),
                new Pair("completion", CompletionCommand::new, () -> CompletionCommand_Model.spec(new CompletionCommand()),
                        List.of(List.of("bash"))),
                new Pair("man", ManPage::new, () -> ManPage_Model.spec(new ManPage()), List.of(List.of())),
                new Pair("root", Main.Root::new, () -> Main_Root_Model.spec(new Main.Root()), List.of(List.of())));
        return pairs.stream().map(p -> Arguments.of(p.name(), p));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void theGeneratedModelEqualsTheAnnotatedOne(String name, Pair p) {
        CommandSpec a = new CommandLine(p.annotated().get()).getCommandSpec();
        CommandSpec g = new CommandLine(p.generated().get()).getCommandSpec();
        assertThat(g.name()).isEqualTo(a.name());
        assertThat(g.mixinStandardHelpOptions()).isEqualTo(a.mixinStandardHelpOptions());
        assertThat(g.mixins().keySet()).containsExactlyElementsOf(a.mixins().keySet());
        assertThat(g.subcommands()).isEmpty();
        assertThat(a.subcommands()).isEmpty();
        assertThat(g.version()).containsExactly(a.version());
        assertThat(g.usageMessage().description()).containsExactly(a.usageMessage().description());
        assertThat(g.usageMessage().footer()).containsExactly(a.usageMessage().footer());
        assertThat(g.usageMessage().sortOptions()).isEqualTo(a.usageMessage().sortOptions());
        assertThat(g.options()).hasSameSizeAs(a.options());
        for (int i = 0; i < a.options().size(); i++) {
            OptionSpec x = a.options().get(i);
            OptionSpec y = g.options().get(i);
            String what = name + " " + x.longestName();
            assertThat(y.names()).as(what).containsExactly(x.names());
            assertThat(y.usageHelp()).as(what).isEqualTo(x.usageHelp());
            assertThat(y.versionHelp()).as(what).isEqualTo(x.versionHelp());
            assertThat(y.negatable()).as(what).isEqualTo(x.negatable());
            assertThat(y.fallbackValue()).as(what).isEqualTo(x.fallbackValue());
            assertThat(y.order()).as(what).isEqualTo(x.order());
            assertSameArg(what, x, y);
        }
        assertThat(g.positionalParameters()).hasSameSizeAs(a.positionalParameters());
        for (int i = 0; i < a.positionalParameters().size(); i++) {
            PositionalParamSpec x = a.positionalParameters().get(i);
            PositionalParamSpec y = g.positionalParameters().get(i);
            String what = name + " " + x.paramLabel();
            assertThat(y.index()).as(what).isEqualTo(x.index());
            assertThat(y.index().isUnspecified()).as(what).isEqualTo(x.index().isUnspecified());
            assertSameArg(what, x, y);
        }
        assertThat(usage(g)).isEqualTo(usage(a));
    }

    private static void assertSameArg(String what, ArgSpec x, ArgSpec y) {
        assertThat(y.arity()).as(what).isEqualTo(x.arity());
        assertThat(y.arity().isUnspecified()).as(what).isEqualTo(x.arity().isUnspecified());
        assertThat(y.paramLabel()).as(what).isEqualTo(x.paramLabel());
        assertThat(y.hideParamSyntax()).as(what).isEqualTo(x.hideParamSyntax());
        assertThat(y.description()).as(what).containsExactly(x.description());
        assertThat(y.descriptionKey()).as(what).isEqualTo(x.descriptionKey());
        assertThat(y.defaultValue()).as(what).isEqualTo(x.defaultValue());
        assertThat(y.defaultValueString()).as(what).isEqualTo(x.defaultValueString());
        assertThat(y.showDefaultValue()).as(what).isEqualTo(x.showDefaultValue());
        assertThat(y.hidden()).as(what).isEqualTo(x.hidden());
        assertThat(y.required()).as(what).isEqualTo(x.required());
        assertThat(y.interactive()).as(what).isEqualTo(x.interactive());
        assertThat(y.inherited()).as(what).isEqualTo(x.inherited());
        assertThat(y.splitRegex()).as(what).isEqualTo(x.splitRegex());
        assertThat(y.mapFallbackValue()).as(what).isEqualTo(x.mapFallbackValue());
        assertThat(y.type()).as(what).isEqualTo(x.type());
        assertThat(y.auxiliaryTypes()).as(what).containsExactly(x.auxiliaryTypes());
        assertThat(y.typeInfo().isMultiValue()).as(what).isEqualTo(x.typeInfo().isMultiValue());
        assertThat(y.typeInfo().isBoolean()).as(what).isEqualTo(x.typeInfo().isBoolean());
        assertThat(y.typeInfo().isEnum()).as(what).isEqualTo(x.typeInfo().isEnum());
        assertThat(y.typeInfo().isOptional()).as(what).isEqualTo(x.typeInfo().isOptional());
        assertThat(y.typeInfo().getEnumConstantNames()).as(what).isEqualTo(x.typeInfo().getEnumConstantNames());
        assertThat(classes(y.converters())).as(what).isEqualTo(classes(x.converters()));
        assertThat(list(y.completionCandidates())).as(what).isEqualTo(list(x.completionCandidates()));
        assertThat(y.hasInitialValue()).as(what).isEqualTo(x.hasInitialValue());
        assertThat(plain(y.initialValue())).as(what).isEqualTo(plain(x.initialValue()));
        assertThat(y.scopeType()).as(what).isEqualTo(x.scopeType());
        assertThat(y.toString()).as(what).isEqualTo(x.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void aParseLeavesTheSameValuesInTheCommand(String name, Pair p) {
        for (List<String> argv : p.argvs()) {
            Object annotated = p.annotated().get();
            CommandLine a = new CommandLine(annotated);
            CommandLine g = new CommandLine(p.generated().get());
            a.setCaseInsensitiveEnumValuesAllowed(true);
            g.setCaseInsensitiveEnumValuesAllowed(true);
            String[] args = argv.toArray(new String[0]);
            CommandLine.ParseResult ra = a.parseArgs(args);
            CommandLine.ParseResult rg = g.parseArgs(args);
            assertThat(values(g.getCommandSpec())).as(name + " " + argv).isEqualTo(values(a.getCommandSpec()));
            assertThat(names(rg.matchedOptions())).isEqualTo(names(ra.matchedOptions()));
            assertThat(rg.matchedPositionals().size()).isEqualTo(ra.matchedPositionals().size());
        }
    }

    /**
     * The slim root of {@code Main.run} (generated models) and the whole tree (reflection) print the same usage
     * errors, help and version, and exit the same.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("slimArgs")
    void theSlimRootAndTheWholeTreeAnswerAlike(String argv) {
        String[] args = argv.split(" ");
        assertThat(Main.commandLineFor(args[0])).isNotNull();
        String slim = outcome(Main.commandLineFor(args[0]), args);
        String whole = outcome(Main.commandLine(), args);
        assertThat(slim).isEqualTo(whole);
    }

    static Stream<String> slimArgs() {
        return Stream.of("probe --help", "scan --help", "demo --help", "analyze --help", "probe -h", "probe --version",
                "probe --nope 127.0.0.1:1", "probe --rtt x 127.0.0.1:1", "probe --timeout", "probe --timeout 5x h",
                "probe --stop-after nowhere h", "probe --capture-secrets maybe h", "probe --port 70000 h",
                "probe a b", "scan --concurrency many h", "demo --fault nonsense", "analyze --bogus x.pcap",
                "analyze --json --bogus x.pcap", "probe --password hunter2 h", "probe -pSecret h",
                "scan --progress-every 1y h");
    }

    private static String outcome(CommandLine cl, String[] args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        return rc + "\n--out--\n" + out + "\n--err--\n" + err;
    }

    private static List<String> values(CommandSpec s) {
        List<String> out = new ArrayList<>();
        for (OptionSpec o : s.options()) {
            out.add(o.longestName() + "=" + plain(o.getValue()));
        }
        for (PositionalParamSpec p : s.positionalParameters()) {
            out.add(p.paramLabel() + "=" + plain(p.getValue()));
        }
        return out;
    }

    private static List<String> names(List<OptionSpec> options) {
        return options.stream().map(OptionSpec::longestName).toList();
    }

    /** Arrays by content, so that two models' values compare. */
    private static Object plain(Object v) {
        if (v != null && v.getClass().isArray()) {
            List<Object> l = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) {
                l.add(Array.get(v, i));
            }
            return l;
        }
        return v;
    }

    private static List<Class<?>> classes(Object[] objects) {
        return Arrays.stream(objects).map((Function<Object, Class<?>>) Object::getClass).toList();
    }

    private static List<String> list(Iterable<String> it) {
        List<String> out = new ArrayList<>();
        if (it != null) {
            it.forEach(out::add);
        }
        return out;
    }

    private static String usage(CommandSpec s) {
        return s.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
    }
}
