package io.rdpprobe.cli.rdpfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdpprobe.cli.rdpfile.RdpFile.GatewayAuth;
import io.rdpprobe.cli.rdpfile.RdpFile.GatewayUsage;
import io.rdpprobe.cli.rdpfile.RdpFile.Plan;
import io.rdpprobe.cli.rdpfile.RdpFile.ProblemKind;
import io.rdpprobe.cli.rdpfile.RdpFile.ServerAuthPolicy;
import io.rdpprobe.protocol.x224.Protocols;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RdpFileTest {
    /** A made-up DPAPI-looking blob: the header bytes of a real one, then filler. Never to be printed. */
    static final String PASSWORD_BLOB = "01000000D08C9DDF0115D1118C7A00C04FC297EB01000000"
            + "5A3C9E1F00000000020000000000106600000001000020000000C0FFEE11BADC0DE5";
    static final String PAA_TOKEN = "ver=1;desktopUserToken=TOKEN-6f1d2e3c-SHOULD-NEVER-PRINT";

    /** The lines of a file as mstsc 10 saves it (Save As from the Connection dialog), trimmed of display noise. */
    static final List<String> MSTSC_LINES = List.of(
            "screen mode id:i:2",
            "use multimon:i:0",
            "desktopwidth:i:1920",
            "desktopheight:i:1080",
            "session bpp:i:32",
            "winposstr:s:0,3,0,0,800,600",
            "compression:i:1",
            "keyboardhook:i:2",
            "audiocapturemode:i:0",
            "videoplaybackmode:i:1",
            "connection type:i:7",
            "networkautodetect:i:1",
            "bandwidthautodetect:i:1",
            "displayconnectionbar:i:1",
            "enableworkspacereconnect:i:0",
            "disable wallpaper:i:0",
            "allow font smoothing:i:0",
            "allow desktop composition:i:0",
            "disable full window drag:i:1",
            "disable menu anims:i:1",
            "disable themes:i:0",
            "disable cursor setting:i:0",
            "bitmapcachepersistenable:i:1",
            "full address:s:rds1.corp.example:3390",
            "audiomode:i:0",
            "redirectprinters:i:1",
            "redirectcomports:i:0",
            "redirectsmartcards:i:1",
            "redirectclipboard:i:1",
            "redirectposdevices:i:0",
            "autoreconnection enabled:i:1",
            "authentication level:i:2",
            "prompt for credentials:i:0",
            "negotiate security layer:i:1",
            "remoteapplicationmode:i:0",
            "alternate shell:s:",
            "shell working directory:s:",
            "gatewayhostname:s:",
            "gatewayusagemethod:i:4",
            "gatewaycredentialssource:i:4",
            "gatewayprofileusagemethod:i:0",
            "promptcredentialonce:i:0",
            "gatewaybrokeringtype:i:0",
            "use redirection server name:i:0",
            "rdgiskdcproxy:i:0",
            "kdcproxyname:s:",
            "enablerdsaadauth:i:0",
            "drivestoredirect:s:",
            "username:s:CORP\\alice",
            "password 51:b:" + PASSWORD_BLOB);

    /** A file as RD Web Access publishes it for a session collection behind an RD Gateway with PAA. */
    static final List<String> RDWEB_LINES = List.of(
            "redirectclipboard:i:1",
            "redirectprinters:i:1",
            "redirectcomports:i:1",
            "redirectsmartcards:i:1",
            "devicestoredirect:s:*",
            "drivestoredirect:s:*",
            "redirectdrives:i:1",
            "session bpp:i:32",
            "prompt for credentials on client:i:1",
            "span monitors:i:1",
            "use multimon:i:1",
            "remoteapplicationmode:i:0",
            "server port:i:3389",
            "allow font smoothing:i:1",
            "promptcredentialonce:i:1",
            "videoplaybackmode:i:1",
            "audiocapturemode:i:1",
            "gatewayusagemethod:i:2",
            "gatewayprofileusagemethod:i:1",
            "gatewaycredentialssource:i:5",
            "full address:s:rdcb01.corp.example",
            "alternate full address:s:rdcb01.corp.example",
            "gatewayhostname:s:rdg.corp.example",
            "gatewayaccesstoken:s:" + PAA_TOKEN,
            "workspace id:s:rdcb01.corp.example",
            "use redirection server name:i:1",
            "loadbalanceinfo:s:tsv://MS Terminal Services Plugin.1.Sales_Desktops",
            "authentication level:i:1",
            "enablecredsspsupport:i:1",
            "signscope:s:Full Address,Alternate Full Address,Use Redirection Server Name,GatewayHostname",
            "signature:s:AQABAAEAAADJCgAAMIIKxQYJKoZIhvcNAQcCoIIKtjCCCrICAQExDzANBglghkgBZQMEAgEFADALBgkq");

    static byte[] utf16leWithBom(List<String> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xFE);
        byte[] body = (String.join("\r\n", lines) + "\r\n").getBytes(StandardCharsets.UTF_16LE);
        out.write(body, 0, body.length);
        return out.toByteArray();
    }

    /** Everything the plan and file can print, to check that no secret leaks into any of it. */
    static String allOutput(RdpFile file, Plan plan) {
        List<Object> all = new ArrayList<>();
        all.add(file);
        all.addAll(file.entries());
        all.addAll(file.problems());
        all.add(plan);
        all.addAll(plan.used());
        all.addAll(plan.ignored());
        plan.gateway().ifPresent(all::add);
        plan.account().ifPresent(all::add);
        StringBuilder sb = new StringBuilder();
        for (Object o : all) {
            sb.append(o).append('\n');
        }
        for (RdpFile.Entry e : file.entries()) {
            sb.append(e.value()).append('\n');
        }
        for (RdpFile.Used u : plan.used()) {
            sb.append(u.value()).append(' ').append(u.effect()).append('\n');
        }
        return sb.toString();
    }

    @Test
    void mstscFileInUtf16LeWithBomAndCrLf() {
        byte[] bytes = utf16leWithBom(MSTSC_LINES);
        assertThat(bytes[0]).isEqualTo((byte) 0xFF);
        assertThat(bytes[1]).isEqualTo((byte) 0xFE);
        assertThat(bytes[2]).isEqualTo((byte) 's');
        assertThat(bytes[3]).isZero();

        RdpFile file = RdpFile.parse(bytes);
        assertThat(file.encoding()).isEqualTo("UTF-16LE with BOM");
        assertThat(file.problems()).isEmpty();
        assertThat(file.entries()).hasSize(MSTSC_LINES.size());
        assertThat(file.integer("DesktopWidth")).contains(1920);
        assertThat(file.string("full address")).contains("rds1.corp.example:3390");

        Plan plan = file.plan();
        assertThat(plan.target().host()).isEqualTo("rds1.corp.example");
        assertThat(plan.target().port()).isEqualTo(3390);
        assertThat(plan.account()).hasValueSatisfying(a -> {
            assertThat(a.user()).isEqualTo("alice");
            assertThat(a.domain()).isEqualTo("CORP");
            assertThat(a.spec()).isEqualTo("CORP\\alice");
        });
        assertThat(plan.gateway()).isEmpty();
        assertThat(plan.requestedProtocols()).isEqualTo(Protocols.SSL | Protocols.HYBRID | Protocols.HYBRID_EX);
        assertThat(plan.serverAuth()).isEqualTo(ServerAuthPolicy.WARN);
        assertThat(plan.certFailureAborts()).isFalse();
        assertThat(plan.routingToken()).isEmpty();

        assertThat(plan.used()).extracting(RdpFile.Used::name).containsExactly("full address",
                "authentication level", "negotiate security layer", "gatewayusagemethod", "username");
        assertThat(plan.used()).filteredOn(u -> u.name().equals("gatewayusagemethod")).singleElement()
                .satisfies(u -> assertThat(u.effect()).contains("no RD Gateway").contains("TSC_PROXY_MODE_NONE_DETECT"));
        // every line is accounted for exactly once
        assertThat(plan.used().size() + plan.ignored().size()).isEqualTo(MSTSC_LINES.size());
        assertThat(plan.ignored()).filteredOn(i -> i.name().equals("password 51")).singleElement()
                .satisfies(i -> {
                    assertThat(i.line()).isEqualTo(MSTSC_LINES.size());
                    assertThat(i.reason()).startsWith("secret").contains("--password-env");
                });
        assertThat(plan.ignored()).filteredOn(i -> i.name().equals("gatewaycredentialssource")).singleElement()
                .satisfies(i -> assertThat(i.reason()).isEqualTo("no RD Gateway used"));
        assertThat(plan.ignored()).filteredOn(i -> i.name().equals("kdcproxyname")).singleElement()
                .satisfies(i -> assertThat(i.reason()).contains("Kerberos"));

        String out = allOutput(file, plan);
        assertThat(out).doesNotContainIgnoringCase(PASSWORD_BLOB).doesNotContainIgnoringCase("D08C9DDF")
                .doesNotContainIgnoringCase("C0FFEE").contains("password 51");
        assertThat(file.entry("password 51")).hasValueSatisfying(e -> {
            assertThat(e.secret()).isTrue();
            assertThat(e.value()).isEmpty();
            assertThat(e.valueLength()).isEqualTo(PASSWORD_BLOB.length() / 2);
        });
    }

    @Test
    void rdWebFileWithGatewayPaaAndLoadBalanceInfo() {
        RdpFile file = RdpFile.parse(utf16leWithBom(RDWEB_LINES));
        Plan plan = file.plan();

        assertThat(plan.target().toString()).isEqualTo("rdcb01.corp.example:3389");
        assertThat(plan.gateway()).hasValueSatisfying(g -> {
            assertThat(g.host()).isEqualTo("rdg.corp.example");
            assertThat(g.port()).isEqualTo(443);
            assertThat(g.usage()).isEqualTo(GatewayUsage.IF_DIRECT_FAILS);
            assertThat(g.bypassLocal()).isTrue();
            assertThat(g.auth()).contains(GatewayAuth.COOKIE_PAA);
            assertThat(g.sameCredentialsAsTarget()).isTrue();
            assertThat(g.accessToken()).hasValueSatisfying(t -> assertThat(new String(t.chars())).isEqualTo(PAA_TOKEN));
        });
        assertThat(plan.routingToken()).hasValueSatisfying(t -> {
            assertThat(t.value()).isEqualTo("tsv://MS Terminal Services Plugin.1.Sales_Desktops");
            assertThat(new String(t.wireBytes(), StandardCharsets.ISO_8859_1))
                    .isEqualTo("tsv://MS Terminal Services Plugin.1.Sales_Desktops\r\n");
        });
        assertThat(plan.serverAuth()).isEqualTo(ServerAuthPolicy.DO_NOT_CONNECT);
        assertThat(plan.certFailureAborts()).isTrue();
        assertThat(plan.account()).isEmpty();

        assertThat(plan.used()).extracting(RdpFile.Used::name).containsExactly("server port",
                "promptcredentialonce", "gatewayusagemethod", "gatewayprofileusagemethod",
                "gatewaycredentialssource", "alternate full address", "gatewayhostname", "gatewayaccesstoken",
                "loadbalanceinfo", "authentication level", "enablecredsspsupport");
        assertThat(plan.used()).filteredOn(u -> u.name().equals("gatewayaccesstoken")).singleElement()
                .satisfies(u -> assertThat(u.value()).isEqualTo("<secret, " + PAA_TOKEN.length()
                        + " chars, not shown>"));
        assertThat(plan.used()).filteredOn(u -> u.name().equals("loadbalanceinfo")).singleElement()
                .satisfies(u -> assertThat(u.effect()).contains("routing token").contains("tsv://"));
        assertThat(plan.ignored()).filteredOn(i -> i.name().equals("full address")).singleElement()
                .satisfies(i -> assertThat(i.reason()).contains("alternate full address"));
        assertThat(plan.ignored()).filteredOn(i -> i.name().equals("use redirection server name")).singleElement()
                .satisfies(i -> assertThat(i.reason()).contains("Server Redirection"));
        assertThat(plan.ignored()).filteredOn(i -> i.name().equals("signature")).singleElement()
                .satisfies(i -> assertThat(i.reason()).contains("not verified"));
        assertThat(plan.used().size() + plan.ignored().size()).isEqualTo(RDWEB_LINES.size());

        String out = allOutput(file, plan);
        assertThat(out).doesNotContain(PAA_TOKEN).doesNotContain("SHOULD-NEVER-PRINT").doesNotContain("6f1d2e3c")
                .contains("PAA token present (not shown)");
    }

    @Test
    void gatewayAlwaysWithExplicitPortAndNtlm() {
        Plan plan = RdpFile.parse("full address:s:10.1.2.3\ngatewayhostname:s:gw.example.net:8443\n"
                + "gatewayusagemethod:i:1\ngatewaycredentialssource:i:0\npromptcredentialonce:i:0\n").plan();
        assertThat(plan.gateway()).hasValueSatisfying(g -> {
            assertThat(g.host()).isEqualTo("gw.example.net");
            assertThat(g.port()).isEqualTo(8443);
            assertThat(g.usage()).isEqualTo(GatewayUsage.ALWAYS);
            assertThat(g.bypassLocal()).isFalse();
            assertThat(g.auth()).contains(GatewayAuth.PASSWORD_NTLM);
            assertThat(g.sameCredentialsAsTarget()).isFalse();
            assertThat(g.accessToken()).isEmpty();
        });
        assertThat(plan.target().port()).isEqualTo(3389);
    }

    @Test
    void paaWithoutTokenSaysATokenIsNeeded() {
        Plan plan = RdpFile.parse("full address:s:h\ngatewayhostname:s:gw\ngatewayusagemethod:i:1\n"
                + "gatewaycredentialssource:i:5\n").plan();
        assertThat(plan.gateway().orElseThrow().accessToken()).isEmpty();
        assertThat(plan.used()).filteredOn(u -> u.name().equals("gatewaycredentialssource")).singleElement()
                .satisfies(u -> assertThat(u.effect()).contains("no gatewayaccesstoken"));
    }

    @ParameterizedTest
    @CsvSource({
        "0, TSC_PROXY_MODE_NONE_DIRECT",
        "3, TSC_PROXY_MODE_DEFAULT",
        "4, TSC_PROXY_MODE_NONE_DETECT",
    })
    void gatewayUsageMethodsThatDoNotUseTheGateway(int usage, String name) {
        RdpFile file = RdpFile.parse("full address:s:h\ngatewayhostname:s:gw.example\ngatewayusagemethod:i:"
                + usage + "\ngatewaycredentialssource:i:0\n");
        Plan plan = file.plan();
        assertThat(plan.gateway()).isEmpty();
        assertThat(plan.used()).filteredOn(u -> u.name().equals("gatewayusagemethod")).singleElement()
                .satisfies(u -> assertThat(u.effect()).contains(name));
        assertThat(plan.ignored()).filteredOn(i -> i.name().equals("gatewayhostname")).singleElement()
                .satisfies(i -> assertThat(i.reason()).contains("no RD Gateway used").contains(name));
    }

    @Test
    void gatewayHostWithoutUsageMethodFollowsTheDocumentedDefault() {
        Plan plan = RdpFile.parse("full address:s:h\ngatewayhostname:s:gw.example\n").plan();
        assertThat(plan.gateway()).isEmpty();
        assertThat(plan.ignored()).filteredOn(i -> i.name().equals("gatewayhostname")).singleElement()
                .satisfies(i -> assertThat(i.reason()).contains("default is 0"));
    }

    @Test
    void gatewayUsageWithoutHostName() {
        Plan plan = RdpFile.parse("full address:s:h\ngatewayhostname:s:\ngatewayusagemethod:i:1\n").plan();
        assertThat(plan.gateway()).isEmpty();
        assertThat(plan.ignored()).filteredOn(i -> i.name().equals("gatewayusagemethod")).singleElement()
                .satisfies(i -> assertThat(i.reason()).contains("names none"));
        assertThat(plan.ignored()).filteredOn(i -> i.name().equals("gatewayhostname")).singleElement()
                .satisfies(i -> assertThat(i.reason()).isEqualTo("empty"));
    }

    @ParameterizedTest(name = "enablecredsspsupport {0}, negotiate security layer {1} -> {2}")
    @CsvSource({
        "'',  '', SSL|HYBRID|HYBRID_EX",
        "1,   1,  SSL|HYBRID|HYBRID_EX",
        "0,   1,  SSL",
        "0,   '', SSL",
        "1,   0,  HYBRID|HYBRID_EX",
        "'',  0,  HYBRID|HYBRID_EX",
        "0,   0,  SSL",
        "2,   1,  SSL|HYBRID|HYBRID_EX",
    })
    void requestedProtocolsFromCredSspAndNegotiation(String credssp, String negotiate, String expected) {
        StringBuilder sb = new StringBuilder("full address:s:h\r\n");
        if (!credssp.isEmpty()) {
            sb.append("enablecredsspsupport:i:").append(credssp).append("\r\n");
        }
        if (!negotiate.isEmpty()) {
            sb.append("negotiate security layer:i:").append(negotiate).append("\r\n");
        }
        Plan plan = RdpFile.parse(sb.toString()).plan();
        assertThat(Protocols.describe(plan.requestedProtocols())).isEqualTo(expected);
        for (RdpFile.Used u : plan.used()) {
            if (!u.name().equals("full address")) {
                assertThat(u.effect()).contains("requestedProtocols " + expected);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "0, CONNECT_WITHOUT_WARNING, false",
        "1, DO_NOT_CONNECT,          true",
        "2, WARN,                    false",
        "3, NO_REQUIREMENT,          false",
        "7, NO_REQUIREMENT,          false",
    })
    void authenticationLevel(int level, ServerAuthPolicy policy, boolean aborts) {
        Plan plan = RdpFile.parse("full address:s:h\nauthentication level:i:" + level + "\n").plan();
        assertThat(plan.serverAuth()).isEqualTo(policy);
        assertThat(plan.certFailureAborts()).isEqualTo(aborts);
        boolean documented = level <= 3;
        assertThat(plan.used().stream().anyMatch(u -> u.name().equals("authentication level"))).isEqualTo(documented);
        assertThat(plan.ignored().stream().anyMatch(i -> i.name().equals("authentication level")))
                .isEqualTo(!documented);
    }

    @Test
    void authenticationLevelAbsentIsTheDocumentedDefault() {
        Plan plan = RdpFile.parse("full address:s:h\n").plan();
        assertThat(plan.serverAuth()).isEqualTo(ServerAuthPolicy.NO_REQUIREMENT);
        assertThat(plan.certFailureAborts()).isFalse();
    }

    @Test
    void utf8WithAndWithoutBomAndPlainAscii() {
        String text = "full address:s:h\u00f6st.example\nusername:s:j\u00fcrgen@corp.example\ndomain:s:\n";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] bom = new byte[utf8.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(utf8, 0, bom, 3, utf8.length);

        RdpFile plain = RdpFile.parse(utf8);
        RdpFile withBom = RdpFile.parse(bom);
        assertThat(plain.encoding()).isEqualTo("UTF-8");
        assertThat(withBom.encoding()).isEqualTo("UTF-8 with BOM");
        for (RdpFile f : List.of(plain, withBom)) {
            Plan p = f.plan();
            assertThat(p.target().host()).isEqualTo("h\u00f6st.example");
            assertThat(p.account()).hasValueSatisfying(a -> {
                assertThat(a.user()).isEqualTo("j\u00fcrgen@corp.example");
                assertThat(a.domain()).isEmpty();
                assertThat(a.spec()).isEqualTo("j\u00fcrgen@corp.example");
            });
            assertThat(f.problems()).isEmpty();
        }
        RdpFile ascii = RdpFile.parse("full address:s:a.example\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(ascii.encoding()).isEqualTo("ASCII");
        assertThat(ascii.plan().target().host()).isEqualTo("a.example");
    }

    @Test
    void utf16WithoutBomAndUtf16BigEndian() {
        RdpFile le = RdpFile.parse("full address:s:le.example\r\n".getBytes(StandardCharsets.UTF_16LE));
        assertThat(le.encoding()).isEqualTo("UTF-16LE without BOM");
        assertThat(le.plan().target().host()).isEqualTo("le.example");
        byte[] be = "\uFEFFfull address:s:be.example\r\n".getBytes(StandardCharsets.UTF_16BE);
        RdpFile bigEndian = RdpFile.parse(be);
        assertThat(bigEndian.encoding()).isEqualTo("UTF-16BE with BOM");
        assertThat(bigEndian.plan().target().host()).isEqualTo("be.example");
    }

    @Test
    void ansiFileThatIsNotUtf8IsReadAsWindows1252() {
        byte[] bytes = "full address:s:h\nusername:s:CORP\\j\u00fcrgen\n".getBytes(StandardCharsets.ISO_8859_1);
        RdpFile file = RdpFile.parse(bytes);
        assertThat(file.encoding()).startsWith("not UTF-8");
        assertThat(file.plan().account().orElseThrow().user()).isEqualTo("j\u00fcrgen");
    }

    @Test
    void malformedLinesAreReportedByLineAndDoNotAbort() {
        String text = String.join("\r\n",
                "screen mode id:i:2",           // 1
                "this is not a setting",        // 2
                "",                             // 3
                "full address:x:nowhere",       // 4
                "server port:i:33a9",           // 5
                "name:s",                       // 6
                "/gateway:g:gw.example",        // 7
                ":s:no name",                   // 8
                "password 51:b:ABC",            // 9  odd hex
                "password 51:i:hunter2",        // 10 wrong type for a secret, value not echoed
                "   ",                          // 11
                "full address:s:late.example",  // 12
                "SERVER PORT:I:3391") + "\r\n"; // 13
        RdpFile file = RdpFile.parse(text);
        assertThat(file.problems()).extracting(RdpFile.Problem::line, RdpFile.Problem::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2, ProblemKind.MALFORMED),
                org.assertj.core.groups.Tuple.tuple(3, ProblemKind.BLANK),
                org.assertj.core.groups.Tuple.tuple(4, ProblemKind.UNKNOWN_TYPE),
                org.assertj.core.groups.Tuple.tuple(5, ProblemKind.BAD_VALUE),
                org.assertj.core.groups.Tuple.tuple(6, ProblemKind.MALFORMED),
                org.assertj.core.groups.Tuple.tuple(7, ProblemKind.MALFORMED),
                org.assertj.core.groups.Tuple.tuple(8, ProblemKind.MALFORMED),
                org.assertj.core.groups.Tuple.tuple(9, ProblemKind.BAD_VALUE),
                org.assertj.core.groups.Tuple.tuple(10, ProblemKind.BAD_VALUE),
                org.assertj.core.groups.Tuple.tuple(11, ProblemKind.BLANK));
        assertThat(file.problems().get(5).message()).contains("FreeRDP command-line option");
        assertThat(file.problems().get(3).message()).contains("'33a9'");
        assertThat(file.problems().toString()).doesNotContain("hunter2").doesNotContain("this is not");
        assertThat(file.entries()).extracting(RdpFile.Entry::name)
                .containsExactly("screen mode id", "full address", "server port");
        Plan plan = file.plan();
        assertThat(plan.target().toString()).isEqualTo("late.example:3391");
        assertThat(plan.problems()).isEqualTo(file.problems());
        assertThat(plan.toString()).endsWith("10 problem lines]");
    }

    @Test
    void laterDuplicateWinsAndIsReported() {
        RdpFile file = RdpFile.parse("Full Address:s:first.example\nusername:s:bob\nFULL ADDRESS:s:second.example\n"
                + "password 51:b:" + PASSWORD_BLOB + "\npassword 51:b:" + PASSWORD_BLOB.toLowerCase() + "\n");
        assertThat(file.problems()).hasSize(2);
        assertThat(file.problems().get(0)).satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.DUPLICATE);
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).contains("'full address'").contains("line 1").contains("later value (line 3) wins");
        });
        assertThat(file.problems().get(1).line()).isEqualTo(5);
        assertThat(file.entries()).extracting(RdpFile.Entry::name, RdpFile.Entry::line).containsExactly(
                org.assertj.core.groups.Tuple.tuple("username", 2),
                org.assertj.core.groups.Tuple.tuple("full address", 3),
                org.assertj.core.groups.Tuple.tuple("password 51", 5));
        Plan plan = file.plan();
        assertThat(plan.target().host()).isEqualTo("second.example");
        assertThat(allOutput(file, plan)).doesNotContainIgnoringCase("D08C9DDF");
    }

    @ParameterizedTest
    @CsvSource({
        "'[fe80::1]:3390',       fe80::1,        3390, '[fe80::1]:3390'",
        "'[2001:db8::5]',        2001:db8::5,    3389, '[2001:db8::5]:3389'",
        "'2001:db8::5',          2001:db8::5,    3389, '[2001:db8::5]:3389'",
        "'192.0.2.7:3391',       192.0.2.7,      3391, '192.0.2.7:3391'",
        "' rds1.corp.example ', rds1.corp.example, 3389, 'rds1.corp.example:3389'",
    })
    void fullAddressForms(String address, String host, int port, String shown) {
        Plan plan = RdpFile.parse("full address:s:" + address + "\n").plan();
        assertThat(plan.target().host()).isEqualTo(host);
        assertThat(plan.target().port()).isEqualTo(port);
        assertThat(plan.target().toString()).isEqualTo(shown);
    }

    @Test
    void ipv6Gateway() {
        Plan plan = RdpFile.parse("full address:s:[2001:db8::10]\ngatewayhostname:s:[2001:db8::1]:8443\n"
                + "gatewayusagemethod:i:1\n").plan();
        assertThat(plan.gateway()).hasValueSatisfying(g -> {
            assertThat(g.host()).isEqualTo("2001:db8::1");
            assertThat(g.port()).isEqualTo(8443);
            assertThat(g.toString()).startsWith("Gateway[[2001:db8::1]:8443, ALWAYS");
        });
        assertThat(plan.used()).filteredOn(u -> u.name().equals("gatewayhostname")).singleElement()
                .satisfies(u -> assertThat(u.effect()).isEqualTo("RD Gateway [2001:db8::1]:8443"));
    }

    @ParameterizedTest
    @CsvSource({"'[fe80::1'", "'host:99999'", "'host:abc'", "':3389'", "'[]:3389'"})
    void badFullAddressIsAClearError(String address) {
        RdpFile file = RdpFile.parse("full address:s:" + address + "\n");
        assertThatThrownBy(file::plan).isInstanceOf(RdpFileException.class)
                .hasMessageContaining("'full address' on line 1 is not a host[:port]");
    }

    @Test
    void noFullAddressIsAClearError() {
        RdpFile file = RdpFile.parse("username:s:bob\nfull address:s:\n");
        assertThatThrownBy(file::plan).isInstanceOf(RdpFileException.class)
                .hasMessageContaining("no 'full address'");
    }

    @Test
    void serverPortOverridesThePortInTheAddress() {
        Plan plan = RdpFile.parse("full address:s:h.example:3390\nserver port:i:3399\n").plan();
        assertThat(plan.target().port()).isEqualTo(3399);
        assertThat(plan.used()).filteredOn(u -> u.name().equals("server port")).singleElement()
                .satisfies(u -> assertThat(u.effect()).contains("overrides the port 3390"));
        Plan bad = RdpFile.parse("full address:s:h.example\nserver port:i:0\n").plan();
        assertThat(bad.target().port()).isEqualTo(3389);
        assertThat(bad.ignored()).extracting(RdpFile.Ignored::name).containsExactly("server port");
    }

    @Test
    void explicitDomainWinsOverTheUserNamePrefix() {
        Plan plan = RdpFile.parse("full address:s:h\nusername:s:OLD\\carol\ndomain:s:NEW\n").plan();
        assertThat(plan.account()).hasValueSatisfying(a -> {
            assertThat(a.user()).isEqualTo("carol");
            assertThat(a.domain()).isEqualTo("NEW");
            assertThat(a.spec()).isEqualTo("NEW\\carol");
        });
        assertThat(plan.used()).filteredOn(u -> u.name().equals("domain")).singleElement()
                .satisfies(u -> assertThat(u.effect()).contains("overrides 'OLD'"));
        Plan upn = RdpFile.parse("full address:s:h\nusername:s:dave@corp.example\ndomain:s:CORP\n").plan();
        assertThat(upn.account().orElseThrow().spec()).isEqualTo("CORP\\dave@corp.example");
        Plan local = RdpFile.parse("full address:s:h\nusername:s:.\\admin\n").plan();
        assertThat(local.account().orElseThrow().domain()).isEqualTo(".");
    }

    @Test
    void clearTextPasswordIsNeverKeptOrShown() {
        RdpFile file = RdpFile.parse("full address:s:h\nusername:s:eve\npassword:s:Hunter2!\n"
                + "gatewaypassword:s:Gw-Secret-9\n");
        Plan plan = file.plan();
        assertThat(plan.ignored()).filteredOn(i -> i.name().contains("password")).hasSize(2)
                .allSatisfy(i -> assertThat(i.reason()).startsWith("secret"));
        assertThat(allOutput(file, plan)).doesNotContain("Hunter2").doesNotContain("Gw-Secret");
        assertThat(file.string("password")).isEmpty();
    }

    @Test
    void loadBalanceInfoForms() {
        Plan cookie = RdpFile.parse("full address:s:h\nloadbalanceinfo:s:Cookie: msts=3640205228.15629.0000\n").plan();
        assertThat(cookie.routingToken().orElseThrow().value()).isEqualTo("Cookie: msts=3640205228.15629.0000");
        assertThat(cookie.used()).filteredOn(u -> u.name().equals("loadbalanceinfo")).singleElement()
                .satisfies(u -> assertThat(u.effect()).contains("Cookie: msts="));
        Plan literalCrLf = RdpFile.parse("full address:s:h\nloadbalanceinfo:s:tsv://MS Terminal Services Plugin.1.C\\r\\n\n")
                .plan();
        assertThat(literalCrLf.routingToken().orElseThrow().value()).isEqualTo("tsv://MS Terminal Services Plugin.1.C");
        Plan wide = RdpFile.parse("full address:s:h\nloadbalanceinfo:s:tsv://\u4e2d\n").plan();
        assertThat(wide.routingToken()).isEmpty();
        assertThat(wide.ignored()).extracting(RdpFile.Ignored::name).containsExactly("loadbalanceinfo");
    }

    @Test
    void filesOverOneMebibyteAreRefused(@TempDir Path dir) throws Exception {
        byte[] big = new byte[RdpFile.MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) 'a');
        assertThatThrownBy(() -> RdpFile.parse(big)).isInstanceOf(RdpFileException.class)
                .hasMessageContaining("1048577 bytes").hasMessageContaining("over 1 MiB");
        Path p = dir.resolve("big.rdp");
        Files.write(p, big);
        assertThatThrownBy(() -> RdpFile.parse(p)).isInstanceOf(RdpFileException.class)
                .hasMessageContaining("big.rdp is 1048577 bytes").hasMessageContaining("refused");

        // exactly 1 MiB is accepted: the last of many settings is still read
        StringBuilder sb = new StringBuilder();
        String filler = "winposstr:s:0,3,0,0,800,600\r\n";
        String last = "full address:s:edge.example\r\n";
        while (sb.length() + filler.length() + last.length() <= RdpFile.MAX_BYTES) {
            sb.append(filler);
        }
        while (sb.length() + last.length() < RdpFile.MAX_BYTES) {
            sb.append(' ');
        }
        sb.append(last);
        byte[] edge = sb.toString().getBytes(StandardCharsets.US_ASCII);
        assertThat(edge).hasSize(RdpFile.MAX_BYTES);
        Path q = dir.resolve("edge.rdp");
        Files.write(q, edge);
        RdpFile file = RdpFile.parse(q);
        assertThat(file.plan().target().host()).isEqualTo("edge.example");
        assertThat(file.problems()).extracting(RdpFile.Problem::kind).containsOnly(ProblemKind.DUPLICATE);
    }

    @Test
    void unreadablePathIsAClearError(@TempDir Path dir) {
        Path missing = dir.resolve("missing.rdp");
        assertThatThrownBy(() -> RdpFile.parse(missing)).isInstanceOf(RdpFileException.class)
                .hasMessageContaining("cannot read .rdp file").hasMessageContaining("missing.rdp");
    }

    @Test
    void parsesTheFixtureFileFromDisk() throws Exception {
        Path fixture = fixture("rdweb-gateway-paa.rdp");
        byte[] bytes = Files.readAllBytes(fixture);
        assertThat(bytes[0]).isEqualTo((byte) 0xFF);
        assertThat(bytes[1]).isEqualTo((byte) 0xFE);
        RdpFile file = RdpFile.parse(fixture);
        Plan plan = file.plan();
        assertThat(plan.target().toString()).isEqualTo("rdsh01.lab.example:3389");
        assertThat(plan.gateway().orElseThrow().auth()).contains(GatewayAuth.COOKIE_PAA);
        assertThat(plan.routingToken().orElseThrow().value()).isEqualTo("tsv://MS Terminal Services Plugin.1.Lab");
        assertThat(allOutput(file, plan)).doesNotContain("lab-token-not-a-secret");
    }

    static Path fixture(String name) {
        return Path.of("..", "testdata", "fixtures", "rdpfile", name);
    }
}
