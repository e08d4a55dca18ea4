package io.rdpprobe.probe.kerberos;

import io.rdpprobe.probe.credssp.Secret;

/**
 * What the KERBEROS stage needs. {@code kdcHost} null: look the KDC up with DNS SRV {@code _kerberos._tcp.REALM}.
 * {@code spnForm} says where the SPN came from ("TERMSRV/<host as given>", "--spn", "IP address: no SPN"), for the report.
 * The password is the caller's {@link Secret}; it is never copied into a String.
 */
public record KerberosSettings(AuthMode mode, String realm, String user, Secret password, String kdcHost, int kdcPort,
                               String spn, String spnForm, long timeoutMillis) {
    public static final int DEFAULT_PORT = 88;
    /** RFC 4120 / MS-KILE default maximum tolerance for clock skew. */
    public static final long SKEW_LIMIT_SECONDS = 300;

    public KerberosSettings {
        if (realm == null || realm.isEmpty()) throw new IllegalArgumentException("realm required");
        if (user == null || user.isEmpty()) throw new IllegalArgumentException("user required");
    }

    public String principal() {
        return user + "@" + realm;
    }

    /** "TERMSRV/host@REALM". */
    public String spnPrincipal() {
        return spn.contains("@") ? spn : spn + "@" + realm;
    }
}
