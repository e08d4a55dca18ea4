package io.rdpprobe.cli.rdpfile;

import io.rdpprobe.cli.rdpfile.RdpFile.Account;
import io.rdpprobe.cli.rdpfile.RdpFile.Entry;
import io.rdpprobe.cli.rdpfile.RdpFile.Gateway;
import io.rdpprobe.cli.rdpfile.RdpFile.GatewayAuth;
import io.rdpprobe.cli.rdpfile.RdpFile.GatewayUsage;
import io.rdpprobe.cli.rdpfile.RdpFile.Ignored;
import io.rdpprobe.cli.rdpfile.RdpFile.Plan;
import io.rdpprobe.cli.rdpfile.RdpFile.ServerAuthPolicy;
import io.rdpprobe.cli.rdpfile.RdpFile.Used;
import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.protocol.x224.CrToken;
import io.rdpprobe.protocol.x224.Protocols;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the settings of an {@link RdpFile} into a {@link Plan}. The meaning of each value, and where it comes
 * from:
 *
 * <ul>
 *   <li>Microsoft, "Supported Remote Desktop RDP file settings" (rdp-files.md): full address, alternate full
 *       address, username, domain, gatewayhostname, gatewayusagemethod 0-4, gatewayprofileusagemethod 0/1,
 *       gatewaycredentialssource, promptcredentialonce, authentication level 0-3 (default 3),
 *       enablecredsspsupport (default 1).
 *   <li>Microsoft, IMsRdpClientTransportSettings::GatewayUsageMethod / GatewayCredsSource and
 *       IMsRdpClientNonScriptable3::NegotiateSecurityLayer: the TSC_PROXY_MODE_* and TSC_PROXY_CREDS_MODE_*
 *       names; "negotiate security layer" 0 means "do not negotiate: use NLA", not legacy RDP security.
 *   <li>FreeRDP client/common/file.c and libfreerdp/common/settings.c (facts, no code): alternate full address
 *       wins over full address as in mstsc; server port is applied after full address; an explicit domain wins
 *       over the DOMAIN\ prefix of username; gatewayhostname takes host[:port] with 443 by default;
 *       gatewayusagemethod 3 and 4 leave the gateway off; loadbalanceinfo becomes the routing token that
 *       nego.c sends verbatim with CR LF instead of the mstshash cookie; with security-layer negotiation off
 *       only the highest enabled protocol is requested.
 *   <li>gatewaycredentialssource 5 with gatewayaccesstoken = PAA cookie: Microsoft's RD Gateway pluggable
 *       authentication sample and the rdpgw project's generated files.
 * </ul>
 */
final class PlanBuilder {
    private final RdpFile file;
    private final List<Used> used = new ArrayList<>();
    private final List<Ignored> ignored = new ArrayList<>();
    private final Set<String> handled = new HashSet<>();

    private PlanBuilder(RdpFile file) {
        this.file = file;
    }

    static Plan build(RdpFile file) {
        return new PlanBuilder(file).build();
    }

    private Plan build() {
        Target target = target();
        Optional<Account> account = account();
        Optional<Gateway> gateway = gateway();
        int protocols = protocols();
        ServerAuthPolicy serverAuth = serverAuth();
        Optional<CrToken.RoutingToken> token = routingToken();
        for (Entry e : file.entries()) {
            if (!handled.contains(e.name())) {
                ignored.add(new Ignored(e.name(), e.line(), reasonFor(e)));
            }
        }
        used.sort((a, b) -> Integer.compare(a.line(), b.line()));
        ignored.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return new Plan(target, account, gateway, protocols, serverAuth, token, used, ignored, file.problems());
    }

    // ------------------------------------------------------------------------------------------ target

    private Target target() {
        Optional<Entry> full = nonEmptyString("full address");
        Optional<Entry> alternate = nonEmptyString("alternate full address");
        Optional<Entry> chosen = alternate.isPresent() ? alternate : full;
        if (chosen.isEmpty()) {
            throw new RdpFileException("the .rdp file has no 'full address' (the one required setting): "
                    + "nothing to probe");
        }
        Entry addr = chosen.get();
        HostPort hp;
        try {
            hp = HostPort.parse(addr.value());
        } catch (IllegalArgumentException e) {
            throw new RdpFileException("'" + addr.name() + "' on line " + addr.line() + " is not a host[:port]: "
                    + e.getMessage());
        }
        if (alternate.isPresent() && full.isPresent()) {
            ignore(full.get(), "overridden by 'alternate full address' (line " + alternate.get().line()
                    + "), which mstsc prefers");
        }
        int port = hp.port() != null ? hp.port() : Target.DEFAULT_PORT;
        String portFrom = hp.port() != null ? "port from the address" : "default port 3389";
        Optional<Entry> serverPort = file.entry("server port");
        if (serverPort.isPresent()) {
            Entry sp = serverPort.get();
            Integer v = intValue(sp);
            if (v == null || v < 1 || v > 65535) {
                ignore(sp, "not a port number (1-65535)");
            } else {
                String note = hp.port() != null && hp.port() != v.intValue()
                        ? "; it overrides the port " + hp.port() + " in '" + addr.name() + "' (applied after it, as"
                                + " FreeRDP does)"
                        : "";
                use(sp, "target port " + v + note);
                port = v;
                portFrom = "port from 'server port'";
            }
        }
        Target t = new Target(hp.host(), port);
        use(addr, "target " + t + " (" + portFrom + ")");
        return t;
    }

    // ------------------------------------------------------------------------------------------ account

    private Optional<Account> account() {
        Optional<Entry> userEntry = file.entry("username");
        Optional<Entry> domainEntry = file.entry("domain");
        String explicitDomain = domainEntry.filter(e -> e.type() == 's').map(Entry::value).orElse("");
        if (userEntry.isEmpty() || userEntry.get().type() != 's' || userEntry.get().value().isEmpty()) {
            userEntry.ifPresent(e -> ignore(e, "empty: no account to use"));
            domainEntry.ifPresent(e -> ignore(e, "no username to go with it"));
            return Optional.empty();
        }
        Entry ue = userEntry.get();
        String spec = ue.value();
        String user;
        String domain;
        String shape;
        int bs = spec.indexOf('\\');
        if (bs >= 0) {
            user = spec.substring(bs + 1);
            domain = spec.substring(0, bs);
            shape = "DOMAIN\\user";
        } else {
            user = spec;
            domain = "";
            shape = spec.indexOf('@') > 0 ? "UPN, kept whole as the user name" : "user name";
        }
        if (!explicitDomain.isEmpty()) {
            Entry de = domainEntry.get();
            if (!domain.isEmpty() && !domain.equalsIgnoreCase(explicitDomain)) {
                use(de, "domain " + explicitDomain + " (overrides '" + domain + "' from username, as FreeRDP does)");
            } else {
                use(de, "domain " + explicitDomain);
            }
            domain = explicitDomain;
        } else {
            domainEntry.ifPresent(e -> ignore(e, "empty"));
        }
        String probeSpec = domain.isEmpty() ? user : domain + "\\" + user;
        use(ue, "logon account " + probeSpec + " (" + shape + "); the password is never taken from the file");
        return Optional.of(new Account(user, domain, probeSpec));
    }

    // ------------------------------------------------------------------------------------------ gateway

    private Optional<Gateway> gateway() {
        Optional<Entry> host = nonEmptyString("gatewayhostname");
        Optional<Entry> usageEntry = file.entry("gatewayusagemethod");
        Optional<Entry> profile = file.entry("gatewayprofileusagemethod");
        Optional<Entry> creds = file.entry("gatewaycredentialssource");
        Optional<Entry> once = file.entry("promptcredentialonce");
        Optional<Entry> token = file.entry(RdpFile.GATEWAY_ACCESS_TOKEN);
        Integer usage = usageEntry.map(this::intValue).orElse(null);

        String noGateway = null;
        GatewayUsage mode = null;
        boolean bypassLocal = false;
        if (usageEntry.isPresent() && usage == null) {
            noGateway = "gatewayusagemethod is not an integer";
        } else if (usage == null) {
            noGateway = host.isPresent() ? "there is no gatewayusagemethod, whose documented default is 0 (don't use"
                    + " an RD Gateway)" : null;
        } else {
            switch (usage) {
                case 0 -> noGateway = "gatewayusagemethod 0 (TSC_PROXY_MODE_NONE_DIRECT): don't use an RD Gateway";
                case 1 -> mode = GatewayUsage.ALWAYS;
                case 2 -> {
                    mode = GatewayUsage.IF_DIRECT_FAILS;
                    bypassLocal = true;
                }
                case 3 -> noGateway = "gatewayusagemethod 3 (TSC_PROXY_MODE_DEFAULT): use the client's default "
                        + "(group policy) RD Gateway settings, which the file does not carry; FreeRDP leaves the "
                        + "gateway off too";
                case 4 -> noGateway = "gatewayusagemethod 4 (TSC_PROXY_MODE_NONE_DETECT): don't use an RD Gateway"
                        + " (bypass for local addresses)";
                default -> noGateway = "gatewayusagemethod " + usage + " is not a documented value (0-4)";
            }
        }
        if (mode != null && host.isEmpty()) {
            noGateway = "gatewayusagemethod " + usage + " asks for an RD Gateway but the file names none "
                    + "(gatewayhostname)";
        }
        HostPort hp = null;
        if (noGateway == null && host.isPresent()) {
            try {
                hp = HostPort.parse(host.get().value());
            } catch (IllegalArgumentException e) {
                noGateway = "gatewayhostname is not a host[:port]: " + e.getMessage();
            }
        }
        if (noGateway != null || mode == null || hp == null) {
            String why = noGateway != null ? noGateway : "no RD Gateway in the file";
            if (usageEntry.isPresent() && usage != null && usage >= 0 && usage <= 4 && mode == null) {
                use(usageEntry.get(), "direct connection, no RD Gateway: " + why);
            } else {
                usageEntry.ifPresent(e -> ignore(e, "no RD Gateway used: " + why));
            }
            host.ifPresent(e -> ignore(e, "no RD Gateway used: " + why));
            file.entry("gatewayhostname").filter(e -> host.isEmpty()).ifPresent(e -> ignore(e, "empty"));
            for (Optional<Entry> o : List.of(profile, creds, once)) {
                o.ifPresent(e -> ignore(e, "no RD Gateway used"));
            }
            token.ifPresent(e -> ignore(e, "secret (PAA token), never shown; no RD Gateway used"));
            return Optional.empty();
        }

        int port = hp.port() != null ? hp.port() : 443;
        String hostText = (hp.host().indexOf(':') >= 0 ? "[" + hp.host() + "]" : hp.host()) + ":" + port;
        use(host.get(), "RD Gateway " + hostText + (hp.port() == null ? " (default port 443)" : ""));
        use(usageEntry.get(), mode == GatewayUsage.ALWAYS
                ? "always through the RD Gateway (TSC_PROXY_MODE_DIRECT)"
                : "through the RD Gateway only if a direct connection fails (TSC_PROXY_MODE_DETECT; bypass for "
                        + "local addresses)");

        profile.ifPresent(e -> {
            Integer v = intValue(e);
            if (v != null && v == 1) {
                use(e, "explicit gateway settings from this file (TSC_PROXY_PROFILE_MODE_EXPLICIT)");
            } else if (v != null && v == 0) {
                use(e, "0 = the administrator's default profile: mstsc may apply policy gateway settings "
                        + "instead; the probe uses the file's");
            } else {
                ignore(e, "not a documented value (0 or 1)");
            }
        });

        Optional<GatewayAuth> auth = Optional.empty();
        if (creds.isPresent()) {
            Integer v = intValue(creds.get());
            auth = v == null ? Optional.empty() : GatewayAuth.of(v);
            if (auth.isPresent()) {
                use(creds.get(), "gateway authentication: " + auth.get().meaning);
            } else {
                ignore(creds.get(), "not a known gatewaycredentialssource value (0-5)");
            }
        }

        boolean same = true; // promptcredentialonce's documented default is 1
        if (once.isPresent()) {
            Integer v = intValue(once.get());
            if (v == null) {
                ignore(once.get(), "not an integer");
            } else {
                same = v != 0;
                use(once.get(), same ? "the target's credentials are also used for the gateway"
                        : "the gateway and the target get separate credentials");
            }
        }

        Optional<Secret> accessToken = Optional.empty();
        if (token.isPresent()) {
            Entry te = token.get();
            accessToken = file.keptSecret(RdpFile.GATEWAY_ACCESS_TOKEN);
            if (accessToken.isEmpty()) {
                ignore(te, "secret (PAA token), never shown; empty or not a string");
            } else {
                String note = auth.filter(a -> a == GatewayAuth.COOKIE_PAA).isPresent() ? ""
                        : " (gatewaycredentialssource is not 5, but it is kept, as FreeRDP keeps it)";
                used.add(new Used(te.name(), te.line(), secretShown(te),
                        "PAA token for TUNNEL_CREATE (HTTP_EXTENDED_AUTH_PAA), held as a secret" + note));
                handled.add(te.name());
            }
        } else if (auth.filter(a -> a == GatewayAuth.COOKIE_PAA).isPresent()) {
            // say so on the credentials-source line: the probe needs a token from elsewhere
            Entry ce = creds.get();
            used.removeIf(u -> u.name().equals(ce.name()));
            used.add(new Used(ce.name(), ce.line(), ce.value(), "gateway authentication: " + GatewayAuth.COOKIE_PAA
                    .meaning + "; the file has no gatewayaccesstoken, so a token must come from elsewhere"));
        }
        return Optional.of(new Gateway(hp.host(), port, mode, bypassLocal, auth, same, accessToken));
    }

    // ------------------------------------------------------------------------------------------ protocols

    private int protocols() {
        Optional<Entry> credssp = file.entry("enablecredsspsupport");
        Optional<Entry> negotiate = file.entry("negotiate security layer");
        Integer c = credssp.map(this::intValue).orElse(null);
        Integer n = negotiate.map(this::intValue).orElse(null);
        credssp.filter(e -> c == null).ifPresent(e -> ignore(e, "not an integer; the default 1 applies"));
        negotiate.filter(e -> n == null).ifPresent(e -> ignore(e, "not an integer; the default 1 applies"));
        boolean nla = c == null || c != 0;
        boolean negotiates = n == null || n != 0;
        int mask;
        String why;
        if (negotiates && nla) {
            mask = Protocols.SSL | Protocols.HYBRID | Protocols.HYBRID_EX;
            why = "negotiate TLS or NLA, as mstsc does";
        } else if (negotiates) {
            mask = Protocols.SSL;
            why = "CredSSP off: request TLS only (the server may still pick Standard RDP Security)";
        } else if (nla) {
            mask = Protocols.HYBRID | Protocols.HYBRID_EX;
            why = "no security-layer negotiation: NLA only (IMsRdpClientNonScriptable3::NegotiateSecurityLayer;"
                    + " FreeRDP requests only its highest enabled protocol)";
        } else {
            mask = Protocols.SSL;
            why = "no negotiation and CredSSP off: the highest remaining protocol, TLS, only (as FreeRDP does)";
        }
        String effect = "requestedProtocols " + Protocols.describe(mask) + ": " + why;
        credssp.filter(e -> c != null).ifPresent(e -> use(e, (nla ? "CredSSP (NLA) allowed" : "CredSSP (NLA) off")
                + (c != 0 && c != 1 ? " (non-zero counts as 1)" : "") + "; " + effect));
        negotiate.filter(e -> n != null).ifPresent(e -> use(e, (negotiates ? "security layer negotiated"
                : "security layer not negotiated") + (n != 0 && n != 1 ? " (non-zero counts as 1)" : "")
                + "; " + effect));
        return mask;
    }

    // ------------------------------------------------------------------------------------------ server auth

    private ServerAuthPolicy serverAuth() {
        Optional<Entry> level = file.entry("authentication level");
        if (level.isEmpty()) {
            return ServerAuthPolicy.NO_REQUIREMENT;
        }
        Integer v = intValue(level.get());
        for (ServerAuthPolicy p : ServerAuthPolicy.values()) {
            if (v != null && p.value == v) {
                use(level.get(), p.meaning + (p == ServerAuthPolicy.DO_NOT_CONNECT
                        ? ": a certificate that fails verification stops the probe (as --strict-cert)"
                        : ": a certificate problem is reported and the probe goes on"));
                return p;
            }
        }
        ignore(level.get(), "not a documented value (0-3); the default 3 (no requirement) applies");
        return ServerAuthPolicy.NO_REQUIREMENT;
    }

    // ------------------------------------------------------------------------------------------ routing token

    private Optional<CrToken.RoutingToken> routingToken() {
        Optional<Entry> lb = nonEmptyString("loadbalanceinfo");
        file.entry("loadbalanceinfo").filter(e -> lb.isEmpty()).ifPresent(e -> ignore(e, "empty"));
        if (lb.isEmpty()) {
            return Optional.empty();
        }
        Entry e = lb.get();
        String v = e.value();
        if (v.endsWith("\\r\\n")) {
            v = v.substring(0, v.length() - 4); // a literal "\r\n" some generators append; CR LF is added anyway
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) > 0xff || v.charAt(i) < 0x20) {
                ignore(e, "has a character that cannot go into the single-byte X.224 routing token");
                return Optional.empty();
            }
        }
        String kind = v.regionMatches(true, 0, "tsv://", 0, 6)
                ? "an RD Connection Broker collection or pool (tsv://)"
                : v.startsWith("Cookie: msts=") ? "a broker's server redirection cookie (Cookie: msts=)"
                : "an opaque load-balancing token";
        use(e, "X.224 routing token for " + kind + ", sent as written plus CR LF instead of the "
                + "'Cookie: mstshash=' cookie (MS-RDPBCGR 2.2.1.1)");
        return Optional.of(new CrToken.RoutingToken(v));
    }

    // ------------------------------------------------------------------------------------------ the rest

    private static String reasonFor(Entry e) {
        String n = e.name();
        if (e.secret()) {
            return n.contains("password")
                    ? "secret: never decoded or shown; the probe takes a password only from --password-env, "
                            + "--password-file or --password-stdin"
                    : "secret, never shown";
        }
        if (n.equals("use redirection server name")) {
            return "applies to a Connection Broker's Server Redirection PDU after logon, which the probe does "
                    + "not follow";
        }
        if (n.equals("pcb")) {
            return "preconnection PDU (e.g. a Hyper-V VM id): not supported by the probe";
        }
        if (n.equals("kdcproxyname") || n.equals("rdgiskdcproxy")) {
            return "Kerberos KDC proxy: not supported (the probe authenticates with NTLM)";
        }
        if (n.equals("enablerdsaadauth")) {
            return "Microsoft Entra ID (RDSAAD) authentication: not supported by the probe";
        }
        if (n.equals("signature") || n.equals("signscope")) {
            return "the publisher's signature of the file: not verified by the probe";
        }
        if (n.equals("prompt for credentials") || n.equals("promptcredentialonce")) {
            return "a client prompt: the probe never prompts";
        }
        if (n.startsWith("remoteapplication") || n.equals("alternate shell") || n.equals("shell working directory")) {
            return "what runs in the session after logon: not relevant to a handshake probe";
        }
        if (n.startsWith("redirect") || n.endsWith("toredirect") || n.startsWith("audio")) {
            return "device redirection: not relevant to a handshake probe";
        }
        return "not relevant to a handshake probe";
    }

    private Optional<Entry> nonEmptyString(String name) {
        return file.entry(name).filter(e -> e.type() == 's' && !e.secret() && !e.value().isEmpty());
    }

    private Integer intValue(Entry e) {
        if (e.type() != 'i' || e.secret()) {
            return null;
        }
        return Integer.parseInt(e.value());
    }

    private void use(Entry e, String effect) {
        used.removeIf(u -> u.name().equals(e.name()));
        ignored.removeIf(i -> i.name().equals(e.name()));
        used.add(new Used(e.name(), e.line(), e.secret() ? secretShown(e) : e.value(), effect));
        handled.add(e.name());
    }

    private void ignore(Entry e, String reason) {
        if (handled.contains(e.name())) {
            return;
        }
        ignored.add(new Ignored(e.name(), e.line(), reason));
        handled.add(e.name());
    }

    private static String secretShown(Entry e) {
        return "<secret, " + e.valueLength() + " chars, not shown>";
    }

    /** host, host:port, [v6], [v6]:port, or a bare IPv6 literal (two or more colons, no port). */
    record HostPort(String host, Integer port) {
        static HostPort parse(String spec) {
            String s = spec.strip();
            if (s.isEmpty()) {
                throw new IllegalArgumentException("empty");
            }
            if (s.startsWith("[")) {
                int end = s.indexOf(']');
                if (end < 0) {
                    throw new IllegalArgumentException("missing ']'");
                }
                String host = s.substring(1, end);
                String rest = s.substring(end + 1);
                if (host.isEmpty()) {
                    throw new IllegalArgumentException("empty host");
                }
                if (rest.isEmpty()) {
                    return new HostPort(host, null);
                }
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("unexpected text after ']'");
                }
                return new HostPort(host, port(rest.substring(1)));
            }
            int first = s.indexOf(':');
            if (first < 0) {
                return new HostPort(s, null);
            }
            if (first != s.lastIndexOf(':')) {
                return new HostPort(s, null); // a bare IPv6 literal
            }
            if (first == 0) {
                throw new IllegalArgumentException("empty host");
            }
            return new HostPort(s.substring(0, first), port(s.substring(first + 1)));
        }

        private static int port(String p) {
            if (!p.matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("bad port '" + p + "'");
            }
            int v = Integer.parseInt(p);
            if (v < 1 || v > 65535) {
                throw new IllegalArgumentException("port " + v + " out of range");
            }
            return v;
        }
    }
}
