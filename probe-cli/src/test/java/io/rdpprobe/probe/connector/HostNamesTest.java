package io.rdpprobe.probe.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Issue 18 finding 6: one address text for IPv6, RFC 5952 compressed and bracketed with a port. */
class HostNamesTest {
    private static String v6(String literal) throws Exception {
        return HostNames.address(InetAddress.getByName(literal));
    }

    @Test
    void ipv6IsPrintedInTheRfc5952Form() throws Exception {
        assertThat(v6("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(v6("::")).isEqualTo("::");
        assertThat(v6("2001:DB8:0:0:0:0:2:1")).isEqualTo("2001:db8::2:1");
        assertThat(v6("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1"); // one zero group stays
        assertThat(v6("2001:0:0:1:0:0:0:1")).isEqualTo("2001:0:0:1::1"); // the longest run
        assertThat(v6("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1"); // the first of equal runs
        assertThat(v6("fe80:0:0:0:0:0:0:1%1")).isEqualTo("fe80::1%1");
        assertThat(HostNames.address(InetAddress.getByName("127.0.0.1"))).isEqualTo("127.0.0.1");
    }

    @Test
    void endpointsBracketIpv6AndReadableErrorsUseThem() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 34101);
        assertThat(HostNames.endpoint(v6)).isEqualTo("[::1]:34101");
        assertThat(HostNames.endpoint(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 3389))).isEqualTo("127.0.0.1:3389");
        assertThat(HostNames.readableError("Connection refused: /[0:0:0:0:0:0:0:1]:34101", v6))
                .isEqualTo("Connection refused: [::1]:34101");
        assertThat(HostNames.readableError("Connection refused: /0:0:0:0:0:0:0:1:34101", v6))
                .isEqualTo("Connection refused: [::1]:34101");
    }
}
