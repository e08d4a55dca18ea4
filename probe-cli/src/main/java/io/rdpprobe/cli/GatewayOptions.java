package io.rdpprobe.cli;

import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.credssp.Credentials;
import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.gateway.GatewaySettings;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.probe.tls.TlsSettings;
import io.rdpprobe.probe.tls.TrustSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The RD Gateway options of {@code probe} and {@code demo}. Secrets come from the environment, a file or stdin. */
public final class GatewayOptions {
    @Option(names = "--gateway", paramLabel = "HOST[:PORT]",
            description = "Probe the target through this RD Gateway (MS-TSGU HTTP transport; default port 443). DNS and "
                    + "TCP then go to the gateway, followed by GATEWAY_TLS, GATEWAY_HTTP, GATEWAY_TUNNEL and GATEWAY_CHANNEL; "
                    + "the target's stages run through the tunnel.")
    String gateway;

    @Option(names = "--gateway-user", paramLabel = "USER",
            description = "Gateway account (DOMAIN\\user, user@domain or user). Without it the target's --user and password "
                    + "are used, as mstsc's 'use my RD Gateway credentials for the remote computer' does.")
    String user;

    @Option(names = "--gateway-domain", paramLabel = "DOMAIN", description = "Gateway account domain.")
    String domain;

    @Option(names = "--gateway-password-env", paramLabel = "NAME", description = "Gateway password from environment variable NAME.")
    String passwordEnv;

    @Option(names = "--gateway-password-file", paramLabel = "FILE", description = "Gateway password from the first line of FILE.")
    Path passwordFile;

    @Option(names = "--gateway-password-stdin", description = "Gateway password from the first line of standard input.")
    boolean passwordStdin;

    @Option(names = "--gateway-auth", paramLabel = "SCHEME", defaultValue = "auto",
            description = "HTTP authentication at the gateway: auto (from its WWW-Authenticate list: NTLM, then "
                    + "Negotiate, then Basic), ntlm, negotiate or basic. Default: ${DEFAULT-VALUE}.")
    String auth;

    @Option(names = "--gateway-token-env", paramLabel = "NAME",
            description = "A PAA access token (web single sign-on) from environment variable NAME; sent as the PAA "
                    + "cookie in TUNNEL_CREATE, as xfreerdp /gat: does. A token is a secret.")
    String tokenEnv;

    @Option(names = "--gateway-token-file", paramLabel = "FILE", description = "The PAA access token from the first line of FILE.")
    Path tokenFile;

    @Option(names = "--gateway-transport", paramLabel = "KIND", defaultValue = "auto",
            description = "auto (WebSocket first; a gateway that answers the upgrade with 200 gets the two-connection "
                    + "transport, as mstsc does), websocket, or http (RDG_OUT_DATA + RDG_IN_DATA). Default: ${DEFAULT-VALUE}.")
    String transport;

    @Option(names = "--gateway-trust-cert", paramLabel = "SHA256",
            description = "Trust the gateway certificate with this SHA-256 fingerprint (repeatable).")
    List<String> pins = new ArrayList<>();

    @Option(names = "--gateway-ca", paramLabel = "FILE", description = "Also trust the CA certificate(s) in this file for the gateway.")
    Path caFile;

    /** A PAA token taken from an .rdp file's gatewayaccesstoken (the command line's token options win). */
    Secret fileToken;

    /** --gateway-transport's value (probe and demo). */
    static GatewaySettings.Transport parseTransport(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "auto" -> GatewaySettings.Transport.AUTO;
            case "websocket", "ws" -> GatewaySettings.Transport.WEBSOCKET;
            case "http", "legacy" -> GatewaySettings.Transport.HTTP;
            default -> throw new IllegalArgumentException("Invalid value for option '--gateway-transport': '" + v
                    + "' (use auto, websocket or http)");
        };
    }

    public boolean enabled() {
        return gateway != null;
    }

    /**
     * The gateway settings for probing {@code target}; null without --gateway.
     *
     * @param targetCredentials the target's credentials (used when no gateway account is given), or null
     */
    GatewaySettings settings(Target target, ProbeSettings probe, Credentials targetCredentials, boolean targetUsesStdin) {
        if (gateway == null) {
            if (user != null || passwordEnv != null || passwordFile != null || passwordStdin || tokenEnv != null
                    || tokenFile != null) {
                throw new IllegalArgumentException("the --gateway-* credentials need --gateway HOST[:PORT]");
            }
            return null;
        }
        Target gw;
        try {
            gw = Target.parse(gateway, null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--gateway " + gateway + ": " + e.getMessage());
        }
        String g = gateway.trim();
        boolean explicitPort = g.startsWith("[") ? g.contains("]:") : g.indexOf(':') >= 0 && g.indexOf(':') == g.lastIndexOf(':');
        int gwPort = explicitPort ? gw.port() : GatewaySettings.DEFAULT_PORT;
        GatewaySettings.Transport tr = parseTransport(transport);
        GatewaySettings.AuthMode am = switch (auth.toLowerCase(Locale.ROOT)) {
            case "auto" -> GatewaySettings.AuthMode.AUTO;
            case "ntlm" -> GatewaySettings.AuthMode.NTLM;
            case "negotiate" -> GatewaySettings.AuthMode.NEGOTIATE;
            case "basic" -> GatewaySettings.AuthMode.BASIC;
            default -> throw new IllegalArgumentException("--gateway-auth takes auto, ntlm, negotiate or basic, not '" + auth + "'");
        };
        int sources = (passwordEnv != null ? 1 : 0) + (passwordFile != null ? 1 : 0) + (passwordStdin ? 1 : 0);
        if (sources > 1) {
            throw new IllegalArgumentException("use one of --gateway-password-env, --gateway-password-file, --gateway-password-stdin");
        }
        if (passwordStdin && targetUsesStdin) {
            throw new IllegalArgumentException("--password-stdin and --gateway-password-stdin cannot both read standard input");
        }
        Credentials creds;
        if (user != null) {
            if (sources == 0) {
                throw new IllegalArgumentException("--gateway-user needs --gateway-password-env, --gateway-password-file or "
                        + "--gateway-password-stdin (never on the command line)");
            }
            char[] pw = Passwords.read(passwordEnv, passwordFile, passwordStdin);
            Secret s = Secret.of(pw);
            java.util.Arrays.fill(pw, '\0');
            creds = Credentials.parse(user, s);
            if (domain != null) {
                creds = new Credentials(creds.user(), domain, creds.password());
            }
        } else {
            if (sources > 0) {
                throw new IllegalArgumentException("a gateway password needs --gateway-user");
            }
            creds = targetCredentials;
        }
        if (tokenEnv != null && tokenFile != null) {
            throw new IllegalArgumentException("use one of --gateway-token-env, --gateway-token-file");
        }
        Secret token = fileToken;
        if (tokenEnv != null || tokenFile != null) {
            char[] t = Passwords.read(tokenEnv, tokenFile, false);
            token = Secret.of(t);
            java.util.Arrays.fill(t, '\0');
        }
        TlsSettings tls = probe.tls().withTrust(trust(probe.tls().trust().strict()));
        return new GatewaySettings(gw.host(), gwPort, tr, am, creds, token, tls, target.host(), target.port(), null);
    }

    private TrustSettings trust(boolean strict) {
        return ProbeOptions.trust(caFile, "--gateway-ca", pins, "--gateway-trust-cert", strict);
    }
}
