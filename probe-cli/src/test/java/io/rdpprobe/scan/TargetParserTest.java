package io.rdpprobe.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetParserTest {
    @TempDir
    Path dir;

    private static List<String> names(TargetParser p) {
        return p.targets().stream().map(t -> t.target().toString()).toList();
    }

    @Test
    void hostsPortsAndIpv6Literals() {
        TargetParser p = new TargetParser(3389).add("rds1.corp.example").add("10.0.0.5:3390").add("[2001:DB8:0::1]:3391")
                .add("2001:db8::2").add("rds-02:4000");
        assertThat(names(p)).containsExactly("rds1.corp.example:3389", "10.0.0.5:3390", "[2001:db8::1]:3391",
                "[2001:db8::2]:3389", "rds-02:4000");
    }

    @Test
    void ipv4CidrIncludesEveryAddressOfTheBlock() {
        TargetParser p = new TargetParser(3389).add("192.168.7.9/30");
        assertThat(names(p)).containsExactly("192.168.7.8:3389", "192.168.7.9:3389", "192.168.7.10:3389", "192.168.7.11:3389");
        assertThat(new TargetParser(3389).add("10.1.0.0/16").targets()).hasSize(65536);
        assertThat(names(new TargetParser(3389).add("10.0.0.0/24:3390"))).hasSize(256).first().isEqualTo("10.0.0.0:3390");
        assertThat(names(new TargetParser(3389).add("10.0.0.1/32"))).containsExactly("10.0.0.1:3389");
    }

    @Test
    void ipv6CidrAndRanges() {
        assertThat(names(new TargetParser(3389).add("2001:db8::/126"))).containsExactly("[2001:db8::]:3389",
                "[2001:db8::1]:3389", "[2001:db8::2]:3389", "[2001:db8::3]:3389");
        assertThat(names(new TargetParser(3389).add("[2001:db8::fe-2001:db8::101]:3390"))).containsExactly(
                "[2001:db8::fe]:3390", "[2001:db8::ff]:3390", "[2001:db8::100]:3390", "[2001:db8::101]:3390");
    }

    @Test
    void ipv4RangesFullAndLastOctet() {
        assertThat(names(new TargetParser(3389).add("10.0.0.254-10.0.1.1"))).containsExactly("10.0.0.254:3389",
                "10.0.0.255:3389", "10.0.1.0:3389", "10.0.1.1:3389");
        assertThat(names(new TargetParser(3389).add("10.0.0.1-3:3390"))).containsExactly("10.0.0.1:3390", "10.0.0.2:3390",
                "10.0.0.3:3390");
    }

    @Test
    void duplicatesAreKeptOnceInFirstSeenOrder() {
        TargetParser p = new TargetParser(3389).add("10.0.0.2").add("10.0.0.1-3").add("10.0.0.2:3389").add("RDS1")
                .add("rds1:3389");
        assertThat(names(p)).containsExactly("10.0.0.2:3389", "10.0.0.1:3389", "10.0.0.3:3389", "RDS1:3389");
        assertThat(p.duplicates()).isEqualTo(3);
    }

    @Test
    void badItemsAreUsageErrorsNamingTheItem() {
        assertThatThrownBy(() -> new TargetParser(3389).add("10.0.0.0/33")).hasMessageContaining("argv '10.0.0.0/33'")
                .hasMessageContaining("prefix length 33 out of range 0-32");
        assertThatThrownBy(() -> new TargetParser(3389).add("10.0.0.9-10.0.0.1")).hasMessageContaining("ends before it starts");
        assertThatThrownBy(() -> new TargetParser(3389).add("10.0.0.1-300")).hasMessageContaining("not an octet");
        assertThatThrownBy(() -> new TargetParser(3389).add("10.0.0.0/8")).hasMessageContaining("16777216 addresses")
                .hasMessageContaining("at most 1048576");
        assertThatThrownBy(() -> new TargetParser(3389).add("2001:db8::/64")).hasMessageContaining("18446744073709551616 addresses");
        assertThatThrownBy(() -> new TargetParser(3389).add("host:99999")).hasMessageContaining("port");
        assertThatThrownBy(() -> new TargetParser(3389).add("300.1.1.1/24")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> new TargetParser(3389).add("a b")).hasMessageContaining("neither a host name nor an address");
    }

    @Test
    void targetsFileWithCommentsAndBlankLines() throws Exception {
        Path f = dir.resolve("hosts.txt");
        Files.writeString(f, "# session hosts\n\nrds1\n10.0.0.0/31   # two\n  [::1]:3390\n10.0.0.1\n", StandardCharsets.UTF_8);
        TargetParser p = new TargetParser(3389).addFile(f);
        assertThat(names(p)).containsExactly("rds1:3389", "10.0.0.0:3389", "10.0.0.1:3389", "[::1]:3390");
        assertThat(p.duplicates()).isEqualTo(1);
        assertThat(p.targets().get(1).origin()).isEqualTo(f + ":4");
        Files.writeString(f, "rds1\n10.0.0.0/40\n");
        assertThatThrownBy(() -> new TargetParser(3389).addFile(f)).hasMessageStartingWith(f + ":2: ");
    }

    @Test
    void csvWithPerTargetOptions() throws Exception {
        Path f = dir.resolve("fleet.csv");
        Files.writeString(f, "\uFEFFTarget,port,user,password-env,gateway\n"
                + "rds1,,CORP\\alice,ALICE_PW,rdg.corp.example\n"
                + "\"10.0.0.7\",3390,,,\n"
                + "10.0.1.0/31,,,,rdg2:8443\n", StandardCharsets.UTF_8);
        List<ScanTarget> ts = new TargetParser(3389).addCsv(f).targets();
        assertThat(ts).hasSize(4);
        assertThat(ts.get(0)).extracting(ScanTarget::host, ScanTarget::port, ScanTarget::user, ScanTarget::passwordEnv,
                ScanTarget::gateway).containsExactly("rds1", 3389, "CORP\\alice", "ALICE_PW", "rdg.corp.example:443");
        assertThat(ts.get(1)).extracting(ScanTarget::host, ScanTarget::port, ScanTarget::gateway)
                .containsExactly("10.0.0.7", 3390, null);
        assertThat(ts.get(3)).extracting(ScanTarget::host, ScanTarget::gateway).containsExactly("10.0.1.1", "rdg2:8443");
        // the same host through another gateway is another target
        assertThat(ts.get(0).key()).isEqualTo("rds1:3389 via rdg.corp.example:443");
    }

    @Test
    void csvErrorsNeverEchoAPasswordTypedIntoTheWrongColumn() throws Exception {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "target,user,password-env\nrds1,alice,S3cr3t!pw\n");
        assertThatThrownBy(() -> new TargetParser(3389).addCsv(f)).hasMessageContaining(f + ":2")
                .hasMessageContaining("not an environment variable name").hasMessageNotContaining("S3cr3t");
        Files.writeString(f, "target,password\nrds1,S3cr3t\n");
        assertThatThrownBy(() -> new TargetParser(3389).addCsv(f)).hasMessageContaining("unknown column 'password'")
                .hasMessageNotContaining("S3cr3t");
        Files.writeString(f, "port,user\n3389,alice\n");
        assertThatThrownBy(() -> new TargetParser(3389).addCsv(f)).hasMessageContaining("no 'target' column");
        Files.writeString(f, "target\n\"rds1\n");
        assertThatThrownBy(() -> new TargetParser(3389).addCsv(f)).hasMessageContaining("unterminated quoted field");
    }

    @Test
    void theScanGatewayAppliesToTargetsWithoutTheirOwn() {
        List<ScanTarget> ts = new TargetParser(3389, TargetParser.gateway("rdg", "--gateway")).add("ts1").targets();
        assertThat(ts.get(0).gateway()).isEqualTo("rdg:443");
        assertThat(TargetParser.gateway("[2001:db8::9]:8443", "x")).isEqualTo("[2001:db8::9]:8443");
    }
}
