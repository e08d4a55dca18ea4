package io.rdpprobe.cli;

import io.rdpprobe.probe.credssp.Credentials;
import io.rdpprobe.probe.kerberos.AuthMode;
import io.rdpprobe.probe.kerberos.KerberosSettings;
import io.rdpprobe.probe.netty.Target;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --auth}, {@code --realm}, {@code --kdc}, {@code --spn}: the KERBEROS stage's options. */
final class KerberosOptions {
    @Option(names = "--auth", paramLabel = "MODE", defaultValue = "negotiate",
            description = "negotiate (default, as mstsc: Kerberos first when a KDC is known, NTLM fallback when there is "
                    + "no ticket or the server selects NTLM), kerberos (Kerberos must work, no fallback) or ntlm (no "
                    + "KERBEROS stage, NTLM only). With a ticket, CredSSP sends the AP-REQ in SPNEGO and verifies the AP-REP; "
                    + "the CREDSSP evidence 'mechanism' names what the server chose.")
    String auth;

    @Option(names = "--realm", paramLabel = "REALM",
            description = "Kerberos realm (default: the domain part of --user, upper-cased).")
    String realm;

    @Option(names = "--kdc", paramLabel = "HOST[:PORT]",
            description = "The KDC (port 88 by default). Without it: DNS SRV _kerberos._tcp.REALM, as Windows does.")
    String kdc;

    @Option(names = "--spn", paramLabel = "SPN", description = "Service principal to ask a ticket for (default TERMSRV/<target as given>).")
    String spn;

    /** The stage's settings, or null when it does not run (ntlm, no credentials, or no realm under negotiate). */
    KerberosSettings settings(Target t, Credentials c, long timeoutMillis) {
        AuthMode mode = AuthMode.parse(auth);
        if (mode == AuthMode.NTLM) {
            if (kdc != null || realm != null || spn != null) {
                throw new IllegalArgumentException("--kdc, --realm and --spn need --auth negotiate or kerberos");
            }
            return null;
        }
        if (c == null) {
            if (mode == AuthMode.KERBEROS || kdc != null) {
                throw new IllegalArgumentException("--auth kerberos and --kdc need --user and a password "
                        + "(--password-env NAME, --password-file FILE or --password-stdin)");
            }
            return null;
        }
        String user = c.user();
        String r = realm;
        int at = user.lastIndexOf('@');
        if (at > 0) {
            if (r == null) r = user.substring(at + 1);
            user = user.substring(0, at);
        }
        if (r == null && !c.domain().isEmpty()) {
            r = c.domain();
        }
        if (r == null || r.isEmpty()) {
            if (mode == AuthMode.KERBEROS || kdc != null) {
                throw new IllegalArgumentException("no Kerberos realm: give --realm REALM, or --user user@REALM / DOMAIN\\user");
            }
            return null;
        }
        r = r.toUpperCase(Locale.ROOT);
        String host = null;
        int port = KerberosSettings.DEFAULT_PORT;
        if (kdc != null) {
            Target k = ProbeOptions.option("--kdc", kdc, () -> Target.parse(kdc, null));
            host = k.host();
            port = kdc.trim().matches("^(\\[.*\\]|[^:]*):\\d+$") ? k.port() : KerberosSettings.DEFAULT_PORT;
        }
        String s = spn;
        String form;
        if (s != null) {
            form = "--spn";
        } else {
            s = "TERMSRV/" + t.host();
            form = isAddress(t.host())
                    ? "TERMSRV/<target as given>, an IP address: it has no SPN unless one was registered for it (mstsc then uses NTLM)"
                    : "TERMSRV/<target as given>";
        }
        return new KerberosSettings(mode, r, user, c.password(), host, port, s, form, timeoutMillis);
    }

    private static boolean isAddress(String h) {
        return h.matches("\\d{1,3}(\\.\\d{1,3}){3}") || h.indexOf(':') >= 0;
    }
}
