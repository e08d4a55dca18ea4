package io.rdpprobe.demo.gateway;

import io.rdpprobe.demo.DemoCertificate;
import io.rdpprobe.protocol.rdg.Capabilities;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The embedded RD Gateway's configuration. Start from {@link #defaults} and change with the {@code with...}
 * methods.
 *
 * @param certificate        the gateway's TLS certificate and key
 * @param authSchemes        the HTTP schemes offered in WWW-Authenticate, in this order
 * @param accounts           who may authenticate over HTTP (NTLM, Negotiate, Basic)
 * @param paaTokens          accepted PAA tokens (HTTP_EXTENDED_AUTH_PAA cookies) and the user each one stands for;
 *                           empty = PAA off. Secrets: never printed
 * @param capAllowedUsers    RD CAP: users (user or DOMAIN\\user, case-insensitive) allowed to tunnel; null = all
 * @param rapAllowed         RD RAP: {@code name:port} pairs, the name as the client sends it; null = all
 * @param resolver           resource name to TCP address
 * @param maxConnections     concurrent tunnels; more get E_PROXY_MAXCONNECTIONSREACHED
 * @param idleTimeoutMinutes reported in TUNNEL_AUTH_RESPONSE (0 = none)
 * @param redirectionFlags   HTTP_TUNNEL_REDIR_FLAGS reported in TUNNEL_AUTH_RESPONSE
 * @param consentMessage     sent in TUNNEL_RESPONSE (consent to sign), or null
 * @param serviceMessage     the text of the SERVICE_MESSAGE fault
 * @param websocket          answer a WebSocket upgrade with 101 (else 200: the legacy transport)
 * @param legacy             accept the two-connection RDG_OUT_DATA/RDG_IN_DATA transport
 * @param fault              how the gateway misbehaves
 * @param connectTimeout     the gateway's connect to the target
 * @param realm              the Basic realm
 * @param names              the NetBIOS domain, computer and DNS domain of the NTLM CHALLENGE
 * @param log                request lines, headers (Authorization redacted) and RDG packets, or null
 */
public record GatewayConfig(DemoCertificate certificate, List<GatewayAuth> authSchemes, List<GatewayAccount> accounts,
                            Map<String, String> paaTokens, Set<String> capAllowedUsers, Set<String> rapAllowed,
                            TargetResolver resolver, int maxConnections, long idleTimeoutMinutes, long redirectionFlags,
                            String consentMessage, String serviceMessage, boolean websocket, boolean legacy,
                            GatewayFault fault, Duration connectTimeout, String realm, NtlmNames names,
                            Consumer<String> log) {

    /** The names a Windows gateway's NTLM CHALLENGE announces (MS-NLMP 2.2.2.1 AV pairs). */
    public record NtlmNames(String netbiosDomain, String computer, String dnsDomain) {}

    /** HTTP_TUNNEL_REDIR_FLAGS ENABLE_ALL. */
    public static final long REDIRECT_ENABLE_ALL = 0x80000000L;
    /** What the gateway supports of HTTP_CAPABILITY_TYPE (2.2.5.3.9). */
    public static final long SERVER_CAPS = Capabilities.IDLE_TIMEOUT | Capabilities.MESSAGING_SERVICE_MSG
            | Capabilities.MESSAGING_CONSENT_SIGN;

    public GatewayConfig {
        authSchemes = List.copyOf(authSchemes);
        accounts = List.copyOf(accounts);
        paaTokens = Map.copyOf(paaTokens);
        capAllowedUsers = capAllowedUsers == null ? null
                : capAllowedUsers.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        rapAllowed = rapAllowed == null ? null
                : rapAllowed.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections >= 0");
        }
    }

    /**
     * NTLM, Negotiate and Basic offered, the given accounts, no PAA, every user and target allowed, targets by DNS,
     * 100 tunnels, idle timeout 30 min, ENABLE_ALL redirection, both transports, no fault.
     */
    public static GatewayConfig defaults(DemoCertificate certificate, GatewayAccount... accounts) {
        return new GatewayConfig(certificate, List.of(GatewayAuth.NTLM, GatewayAuth.NEGOTIATE, GatewayAuth.BASIC),
                List.of(accounts), Map.of(), null, null, TargetResolver.dns(), 100, 30, REDIRECT_ENABLE_ALL, null,
                "This RD Gateway (rdp-probe demo) will be down for maintenance at 23:00.", true, true,
                GatewayFault.NONE, Duration.ofSeconds(5), "rdp-probe-gateway",
                new NtlmNames("DEMO", "RDP-PROBE-GW", "demo.invalid"), null);
    }

    public GatewayConfig withAuthSchemes(GatewayAuth... schemes) {
        return new GatewayConfig(certificate, List.of(schemes), accounts, paaTokens, capAllowedUsers, rapAllowed, resolver,
                maxConnections, idleTimeoutMinutes, redirectionFlags, consentMessage, serviceMessage, websocket, legacy,
                fault, connectTimeout, realm, names, log);
    }

    public GatewayConfig withAccounts(GatewayAccount... a) {
        return new GatewayConfig(certificate, authSchemes, List.of(a), paaTokens, capAllowedUsers, rapAllowed, resolver,
                maxConnections, idleTimeoutMinutes, redirectionFlags, consentMessage, serviceMessage, websocket, legacy,
                fault, connectTimeout, realm, names, log);
    }

    /** Accept {@code token} as a PAA cookie standing for {@code user} (for the CAP). */
    public GatewayConfig withPaaToken(String token, String user) {
        Map<String, String> m = new java.util.HashMap<>(paaTokens);
        m.put(token, user);
        return new GatewayConfig(certificate, authSchemes, accounts, m, capAllowedUsers, rapAllowed, resolver,
                maxConnections, idleTimeoutMinutes, redirectionFlags, consentMessage, serviceMessage, websocket, legacy,
                fault, connectTimeout, realm, names, log);
    }

    public GatewayConfig withCap(Set<String> allowedUsers) {
        return new GatewayConfig(certificate, authSchemes, accounts, paaTokens, allowedUsers, rapAllowed, resolver,
                maxConnections, idleTimeoutMinutes, redirectionFlags, consentMessage, serviceMessage, websocket, legacy,
                fault, connectTimeout, realm, names, log);
    }

    public GatewayConfig withRap(Set<String> allowedNamePorts) {
        return new GatewayConfig(certificate, authSchemes, accounts, paaTokens, capAllowedUsers, allowedNamePorts, resolver,
                maxConnections, idleTimeoutMinutes, redirectionFlags, consentMessage, serviceMessage, websocket, legacy,
                fault, connectTimeout, realm, names, log);
    }

    public GatewayConfig withResolver(TargetResolver r) {
        return new GatewayConfig(certificate, authSchemes, accounts, paaTokens, capAllowedUsers, rapAllowed, r,
                maxConnections, idleTimeoutMinutes, redirectionFlags, consentMessage, serviceMessage, websocket, legacy,
                fault, connectTimeout, realm, names, log);
    }

    public GatewayConfig withMaxConnections(int n) {
        return new GatewayConfig(certificate, authSchemes, accounts, paaTokens, capAllowedUsers, rapAllowed, resolver,
                n, idleTimeoutMinutes, redirectionFlags, consentMessage, serviceMessage, websocket, legacy,
                fault, connectTimeout, realm, names, log);
    }

    public GatewayConfig withPolicyReport(long idleMinutes, long redirFlags) {
        return new GatewayConfig(certificate, authSchemes, accounts, paaTokens, capAllowedUsers, rapAllowed, resolver,
                maxConnections, idleMinutes, redirFlags, consentMessage, serviceMessage, websocket, legacy,
                fault, connectTimeout, realm, names, log);
    }

    public GatewayConfig withMessages(String consent, String service) {
        return new GatewayConfig(certificate, authSchemes, accounts, paaTokens, capAllowedUsers, rapAllowed, resolver,
                maxConnections, idleTimeoutMinutes, redirectionFlags, consent, service, websocket, legacy,
                fault, connectTimeout, realm, names, log);
    }

    public GatewayConfig withTransports(boolean ws, boolean twoChannel) {
        return new GatewayConfig(certificate, authSchemes, accounts, paaTokens, capAllowedUsers, rapAllowed, resolver,
                maxConnections, idleTimeoutMinutes, redirectionFlags, consentMessage, serviceMessage, ws, twoChannel,
                fault, connectTimeout, realm, names, log);
    }

    public GatewayConfig withFault(GatewayFault f) {
        return new GatewayConfig(certificate, authSchemes, accounts, paaTokens, capAllowedUsers, rapAllowed, resolver,
                maxConnections, idleTimeoutMinutes, redirectionFlags, consentMessage, serviceMessage, websocket, legacy,
                f, connectTimeout, realm, names, log);
    }

    public GatewayConfig withConnectTimeout(Duration d) {
        return new GatewayConfig(certificate, authSchemes, accounts, paaTokens, capAllowedUsers, rapAllowed, resolver,
                maxConnections, idleTimeoutMinutes, redirectionFlags, consentMessage, serviceMessage, websocket, legacy,
                fault, d, realm, names, log);
    }

    public GatewayConfig withLog(Consumer<String> l) {
        return new GatewayConfig(certificate, authSchemes, accounts, paaTokens, capAllowedUsers, rapAllowed, resolver,
                maxConnections, idleTimeoutMinutes, redirectionFlags, consentMessage, serviceMessage, websocket, legacy,
                fault, connectTimeout, realm, names, l);
    }

    /** The account a client's user and domain name, or null. */
    GatewayAccount account(String user, String domain) {
        for (GatewayAccount a : accounts) {
            if (a.matches(user, domain)) {
                return a;
            }
        }
        return null;
    }

    /** RD CAP: whether {@code user} (as authenticated, e.g. DOMAIN\\user) may create a tunnel. */
    boolean capAllows(String qualifiedUser) {
        if (capAllowedUsers == null) {
            return true;
        }
        String q = qualifiedUser.toLowerCase(Locale.ROOT);
        String bare = q.contains("\\") ? q.substring(q.indexOf('\\') + 1) : q;
        return capAllowedUsers.contains(q) || capAllowedUsers.contains(bare);
    }

    /** RD RAP: whether the name, exactly as the client sent it, and port are an allowed resource. */
    boolean rapAllows(String name, int port) {
        return rapAllowed == null || rapAllowed.contains(name.toLowerCase(Locale.ROOT) + ":" + port);
    }

    /** No tokens, accounts' passwords or the certificate's key. */
    @Override
    public String toString() {
        return "GatewayConfig[schemes=" + authSchemes + ", accounts=" + accounts + ", paaTokens=" + paaTokens.size()
                + ", cap=" + capAllowedUsers + ", rap=" + rapAllowed + ", maxConnections=" + maxConnections
                + ", websocket=" + websocket + ", legacy=" + legacy + ", fault=" + fault + "]";
    }
}
