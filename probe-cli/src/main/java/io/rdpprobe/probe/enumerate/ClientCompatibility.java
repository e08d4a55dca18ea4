package io.rdpprobe.probe.enumerate;

import io.rdpprobe.probe.model.ClientsSection;
import io.rdpprobe.probe.model.ClientsSection.Row;
import io.rdpprobe.probe.model.CredSspCauses;
import io.rdpprobe.probe.model.EnumerationSection;
import io.rdpprobe.probe.model.TlsVersionsSection;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code --enumerate}: which client families can connect, from what the server accepted (the security-protocol
 * requests, the TLS versions, the CredSSP version its TSRequest carried). Every fact about a client is one row of
 * {@link #CLIENTS}, with its source in a comment; what is an inference is marked so and the verdict says it.
 */
public final class ClientCompatibility {

    /**
     * What a client family can do.
     *
     * @param standardSecurity it can run Standard RDP Security (PROTOCOL_RDP) when the server selects it
     * @param ssl              it can run TLS-only Enhanced RDP Security (PROTOCOL_SSL)
     * @param hybrid           it can run CredSSP/NLA with NTLM (PROTOCOL_HYBRID)
     * @param tls              the TLS versions it offers for RDP
     * @param oracleMitigated  true: it speaks CredSSP 6 and by default refuses a server below 6 (CVE-2018-0886 policy
     *                         Mitigated); false: it connects to such a server; null: not known
     * @param credSspPatched   it speaks CredSSP 6 (a server with 'Force Updated Clients' accepts it)
     * @param inferred         some of the row's facts are inferences, not documented ones (the note says which)
     */
    public record Client(String name, boolean standardSecurity, boolean ssl, boolean hybrid, Set<String> tls,
                         Boolean oracleMitigated, boolean credSspPatched, boolean inferred, String note) {}

    private static final Set<String> TLS_10_12 = Set.of("1.0", "1.1", "1.2");
    private static final Set<String> TLS_12_13 = Set.of("1.2", "1.3");

    /** The client families, one row each. */
    public static final List<Client> CLIENTS = List.of(
            // KB3080079 ("Update to add RDS support for TLS 1.1 and TLS 1.2 in Windows 7 SP1 and Windows Server 2008 R2
            // SP1"): without it mstsc/RDS on Windows 7 speak TLS 1.0 only. NLA since RDC 6.0 (KB951608 for XP SP3; built
            // into 7). Inference: a machine that lacks KB3080079 (2015) also lacks the 2018 CredSSP update (KB4093492,
            // May 2018 rollup KB4103718), so it speaks CredSSP below 6 and does not refuse old servers.
            new Client("mstsc, Windows 7 SP1 without KB3080079", true, true, true, Set.of("1.0"), false, false, true,
                    "TLS 1.0 only; CredSSP below 6 assumed (no 2018 update)"),
            // KB3080079 adds TLS 1.1/1.2. Inference: a Windows 7 patched that far has the May 2018 rollup (KB4103718),
            // which speaks CredSSP 6 and defaults to 'Mitigated' (KB4093492).
            new Client("mstsc, Windows 7 SP1 with KB3080079", true, true, true, TLS_10_12, true, true, true,
                    "TLS 1.0-1.2; CredSSP 6 with the 2018 rollup assumed"),
            // Windows 10/11 schannel: TLS 1.0-1.2 for RDP (TLS 1.3 in Windows 11's schannel; whether mstsc uses it for
            // RDP is not documented: not counted). Every supported build has the CVE-2018-0886 fix and 'Mitigated'
            // (KB4093492: Windows 10 1803 shipped with it).
            new Client("mstsc, Windows 10/11", true, true, true, TLS_10_12, true, true, false,
                    "TLS 1.0-1.2; CredSSP 6, refuses CredSSP < 6 servers (policy Mitigated)"),
            // Windows Server 2012 R2: schannel TLS 1.0-1.2 natively; CredSSP fix in KB4103725 (May 2018 rollup).
            new Client("mstsc, Windows Server 2012 R2", true, true, true, TLS_10_12, true, true, false,
                    "TLS 1.0-1.2; CredSSP 6 with KB4103725"),
            // Microsoft Remote Desktop app (macOS 10.x, iOS, Android): NLA with NTLM and TLS 1.2 (release notes). Whether
            // it refuses CredSSP < 6 servers and whether it runs Standard RDP Security are not documented: inferred
            // (it connects to RDP-security hosts in practice; no oracle refusal reported).
            new Client("Microsoft Remote Desktop app (macOS/iOS/Android)", true, true, true, Set.of("1.2"), null, true, true,
                    "TLS 1.2; CredSSP policy not documented"),
            // FreeRDP 2.x (libfreerdp/core/nla.c: TSRequest version 6 since 2.0.0; it does not refuse a lower server
            // version). TLS through OpenSSL; on OpenSSL 3 (Debian 12, Ubuntu 22.04+) TLS 1.0/1.1 need security level 0,
            // so 1.2/1.3 in practice (measured: lab xfreerdp 2.11 negotiates TLS 1.3 with xrdp).
            new Client("FreeRDP 2 (xfreerdp/wlfreerdp)", true, true, true, TLS_12_13, false, true, false,
                    "TLS 1.2/1.3 on OpenSSL 3; CredSSP 6, no oracle refusal"),
            // FreeRDP 3.x: as 2.x; /tls:seclevel:0 re-enables TLS 1.0/1.1 (FreeRDP 3 /help).
            new Client("FreeRDP 3 (xfreerdp/sdl-freerdp)", true, true, true, TLS_12_13, false, true, false,
                    "TLS 1.2/1.3 (TLS 1.0/1.1 only with /tls:seclevel:0)"),
            // Remmina's RDP plugin is libfreerdp (2.x or 3.x by distribution): the FreeRDP rows apply.
            new Client("Remmina (FreeRDP underneath)", true, true, true, TLS_12_13, false, true, false,
                    "as the FreeRDP it is built on"),
            // Thin clients whose image pairs with xrdp servers usually ship rdesktop 1.8 (TLS via GnuTLS, CredSSP only
            // with Kerberos, no NTLM) or an old FreeRDP: modelled as rdesktop 1.8. Inference.
            new Client("xrdp-era thin clients (rdesktop 1.8)", true, true, false, TLS_10_12, false, false, true,
                    "Standard RDP Security and TLS; no NLA with NTLM"));

    private ClientCompatibility() {}

    /**
     * @param main     the main probe (its CREDSSP stage's {@code serverCredSspVersion}, when NLA ran)
     * @param requests the security-protocol enumeration
     * @param tls      the TLS version table, or null when TLS was not reached
     */
    public static ClientsSection assess(Report main, Enumeration requests, TlsVersionsSection tls) {
        Integer credSsp = null;
        for (StageResult s : main.stages()) {
            if (s.stage() == Stage.CREDSSP && s.evidence().get("serverCredSspVersion") instanceof Number n) {
                credSsp = n.intValue();
            }
        }
        Set<String> serverTls = null;
        if (tls != null) {
            serverTls = new java.util.TreeSet<>();
            for (TlsVersionsSection.Row r : tls.rows()) {
                if (r.accepted()) {
                    serverTls.add(r.version());
                }
            }
        }
        List<Row> out = new ArrayList<>();
        for (Client c : CLIENTS) {
            out.add(assess(c, requests, serverTls, credSsp));
        }
        return new ClientsSection(credSsp, out);
    }

    static Row assess(Client c, Enumeration e, Set<String> serverTls, Integer credSsp) {
        // what the server selects for the request this client sends; on a refusal the client falls back a level
        // (mstsc and FreeRDP retry with PROTOCOL_RDP after SSL_NOT_ALLOWED_BY_SERVER; MS-RDPBCGR 3.2.5.3.2)
        List<String> tries = new ArrayList<>();
        if (c.hybrid()) {
            tries.add("SSL|HYBRID");
        } else if (c.ssl()) {
            tries.add("SSL");
        }
        if (c.standardSecurity()) {
            tries.add("RDP");
        }
        String lastRefusal = null;
        for (String label : tries) {
            EnumerationSection.Row r = find(e, label);
            if (r == null) {
                continue;
            }
            if (r.selected() == null) {
                lastRefusal = label + " refused: " + (r.failureCode() != null ? r.failureCode() : r.outcome());
                continue;
            }
            return onSelected(c, r.selected(), label, serverTls, credSsp);
        }
        if (lastRefusal == null) {
            return new Row(c.name(), "unknown", null, "the enumeration has no answer for this client's request", c.inferred(), null);
        }
        String why = lastRefusal;
        if (lastRefusal.contains("HYBRID_REQUIRED_BY_SERVER") && !c.hybrid()) {
            why += ": the server requires NLA, which this client cannot do with NTLM";
        }
        return new Row(c.name(), "no", null, why, c.inferred(), null);
    }

    private static Row onSelected(Client c, String selected, String request, Set<String> serverTls, Integer credSsp) {
        String via = selected + " (requested " + request + ")";
        switch (selected) {
            case "RDP" -> {
                return c.standardSecurity()
                        ? new Row(c.name(), "yes", via, "Standard RDP Security (no TLS, no NLA): works, but weak",
                        c.inferred(), null)
                        : new Row(c.name(), "no", via, "the server selects Standard RDP Security, which this client lacks",
                        c.inferred(), null);
            }
            case "SSL", "HYBRID", "HYBRID_EX" -> {
                if (serverTls == null) {
                    return new Row(c.name(), "unknown", via, "the TLS versions were not enumerated", c.inferred(), null);
                }
                Set<String> common = new java.util.TreeSet<>(serverTls);
                common.retainAll(c.tls());
                if (common.isEmpty()) {
                    return new Row(c.name(), "no", via, "no common TLS version: the server accepts " + join(serverTls)
                            + ", the client offers " + join(c.tls()), c.inferred(), "TLS_VERSION_MISMATCH");
                }
                String tlsPart = "TLS " + join(common);
                if (selected.equals("SSL")) {
                    return new Row(c.name(), "yes", via, tlsPart, c.inferred(), null);
                }
                if (credSsp == null) {
                    return new Row(c.name(), "yes", via, tlsPart + "; the server's CredSSP version was not seen",
                            c.inferred(), null);
                }
                if (credSsp < 6 && Boolean.TRUE.equals(c.oracleMitigated())) {
                    return new Row(c.name(), "no", via, tlsPart + "; the server speaks CredSSP " + credSsp
                            + " (below 6: no CVE-2018-0886 update) and this client's default policy 'Mitigated' refuses it",
                            c.inferred(), CredSspCauses.CREDSSP_ENCRYPTION_ORACLE.code());
                }
                if (credSsp < 6 && c.oracleMitigated() == null) {
                    return new Row(c.name(), "unknown", via, tlsPart + "; the server speaks CredSSP " + credSsp
                            + " and whether this client refuses that is not documented", true,
                            CredSspCauses.CREDSSP_ENCRYPTION_ORACLE.code());
                }
                String policy = !c.credSspPatched() && credSsp >= 6
                        ? "; unless the server's policy is 'Force Updated Clients' (not visible from the client), which "
                        + "refuses this unpatched CredSSP" : "";
                return new Row(c.name(), "yes", via, tlsPart + ", CredSSP " + credSsp + policy, c.inferred() || !policy.isEmpty(),
                        null);
            }
            default -> {
                return new Row(c.name(), "unknown", via, "the server selected " + selected, c.inferred(), null);
            }
        }
    }

    private static EnumerationSection.Row find(Enumeration e, String label) {
        return e.rows().stream().filter(r -> r.request().equals(label)).findFirst().orElse(null);
    }

    private static String join(Set<String> s) {
        return String.join("/", new java.util.TreeSet<>(s));
    }
}
