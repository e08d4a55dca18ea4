package io.rdpprobe.probe.connector;

/** Host name helpers shared by the runner (DNS), the TLS stage (SNI) and the certificate name check. */
public final class HostNames {
    private HostNames() {}

    /** An IPv4 or IPv6 address literal: no DNS lookup, no SNI, matched against IP SANs. */
    public static boolean isAddressLiteral(String host) {
        return host.matches("[0-9.]+") || host.indexOf(':') >= 0;
    }
}
