package io.rdpprobe.probe.kerberos;

import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.KerberosCauses;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.krb.AsReq;
import io.rdpprobe.protocol.krb.EtypeInfo2;
import io.rdpprobe.protocol.krb.KdcReply;
import io.rdpprobe.protocol.krb.KrbError;
import io.rdpprobe.protocol.krb.KrbErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The KERBEROS stage, sans I/O: the driver performs each {@link Action} and feeds back what happened; the
 * sequence decides what it means. Steps, as a Windows client's Negotiate:
 * <ol>
 *   <li>find the KDC: {@code --kdc}, else DNS SRV {@code _kerberos._tcp.REALM};</li>
 *   <li>AS-REQ without pre-authentication, over TCP, then UDP if TCP gets no answer. The KDC's answer costs no
 *       secret: KDC_ERR_PREAUTH_REQUIRED carries its clock (the offset is measured here) and PA-ETYPE-INFO2;
 *       an unknown, locked or expired user is named here;</li>
 *   <li>the password-dependent AS exchange (pre-authentication) and the TGS exchange for the SPN, by the driver's
 *       Kerberos library, whose KRB-ERROR code comes back here and maps through {@link KerberosCauses#forKrbError}.</li>
 * </ol>
 * With {@link AuthMode#NEGOTIATE}, the failures after which mstsc falls back to NTLM (no KDC, KDC unreachable, no
 * SPN) are warnings and the probe goes on to CREDSSP with NTLM; everything else ends the probe here.
 */
public final class KerberosSequence {
    public enum Transport { TCP, UDP }

    public enum KdcFailure { REFUSED, TIMEOUT, UNREACHABLE, OTHER }

    /** What the driver must do next. */
    public sealed interface Action {
        record ResolveSrv(String name) implements Action {}
        record SendAsReq(Transport transport, String host, int port, byte[] request) implements Action {}
        record Login(Transport transport, String host, int port) implements Action {}
        record RequestTicket(String spnPrincipal) implements Action {}
        record Finish(StageResult result) implements Action {}
    }

    /** A ticket as the library reports it (ticketEtype: the clear enc-part etype of the Ticket, if known). */
    public record TicketInfo(String client, String server, int sessionKeyEtype, Integer ticketEtype, Instant authTime,
                             Instant startTime, Instant endTime, Instant renewTill) {}

    sealed interface State {}
    record Start() implements State {}
    record Resolving() implements State {}
    record Probing(Transport transport) implements State {}
    record LoggingIn() implements State {}
    record Ticketing() implements State {}
    record Done(StageResult result) implements State {}

    private final KerberosSettings settings;
    private final int nonce;
    private final LongSupplier nanoClock;
    private final long t0;
    private final Map<String, Object> ev = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private State state = new Start();
    private String host;
    private int port;
    private String tcpFailure;
    private KdcFailure tcpFailureKind;
    private Transport answered;
    private Long offsetMillis;

    /** Etypes offered, strongest first: AES (RFC 3962, RFC 8009), then RC4 (RFC 4757) as Windows still does. */
    static final List<Integer> OFFERED_ETYPES = List.of(18, 17, 20, 19, 23);

    public KerberosSequence(KerberosSettings settings, int nonce, LongSupplier nanoClock) {
        this.settings = settings;
        this.nonce = nonce & 0x7fffffff;
        this.nanoClock = nanoClock;
        this.t0 = nanoClock.getAsLong();
        ev.put("auth", settings.mode().name().toLowerCase(Locale.ROOT));
        ev.put("realm", settings.realm());
        ev.put("client", settings.principal());
        ev.put("spn", settings.spnPrincipal());
        ev.put("spnForm", settings.spnForm());
    }

    public State state() {
        return state;
    }

    public boolean isDone() {
        return state instanceof Done;
    }

    public Action start() {
        if (settings.kdcHost() != null) {
            host = settings.kdcHost();
            port = settings.kdcPort();
            ev.put("kdc", endpoint(host, port));
            ev.put("kdcSource", "--kdc");
            return probe(Transport.TCP);
        }
        state = new Resolving();
        String name = srvName();
        ev.put("kdcSource", "DNS SRV " + name);
        return new Action.ResolveSrv(name);
    }

    String srvName() {
        return "_kerberos._tcp." + settings.realm();
    }

    /** SRV answer, in priority/weight order; empty or {@code detail} non-null when the look-up failed. */
    public Action srvResolved(List<String[]> targets, String detail) {
        expect(Resolving.class);
        if (targets.isEmpty()) {
            String why = srvName() + ": " + (detail == null ? "no SRV records" : detail);
            ev.put("kdcLookup", why);
            if (settings.mode() == AuthMode.NEGOTIATE) {
                return finish(StageResult.skipped(Stage.KERBEROS, "Kerberos not available: no KDC found (" + why
                        + "); the probe goes on with NTLM, as mstsc's Negotiate would"), null);
            }
            return fail(KerberosCauses.KDC_NOT_FOUND, "no KDC for realm " + settings.realm() + " (" + why + ")");
        }
        host = targets.get(0)[0];
        port = Integer.parseInt(targets.get(0)[1]);
        List<String> all = new ArrayList<>();
        for (String[] t : targets) all.add(t[0] + ":" + t[1]);
        ev.put("kdcLookup", srvName() + " -> " + String.join(", ", all));
        ev.put("kdc", endpoint(host, port));
        return probe(Transport.TCP);
    }

    private Action probe(Transport t) {
        state = new Probing(t);
        byte[] req = AsReq.forTgt(settings.user(), settings.realm(), nonce, OFFERED_ETYPES).toBytes();
        return new Action.SendAsReq(t, host, port, req);
    }

    /** The KDC answered the AS-REQ without pre-authentication; {@code sent}/{@code received} are this machine's wall clock. */
    public Action kdcReplied(byte[] reply, Instant sent, Instant received) {
        Probing p = expect(Probing.class);
        answered = p.transport();
        ev.put("transport", answered.name() + (tcpFailure == null ? "" : " (TCP: " + tcpFailure + ")"));
        long rtt = Duration.between(sent, received).toMillis();
        ev.put("kdcRttMs", rtt);
        KdcReply r;
        try {
            r = KdcReply.decode(reply);
        } catch (DecodeException e) {
            ev.put("decodeError", e.getMessage());
            return fail(KerberosCauses.KDC_MALFORMED_REPLY, "the KDC's answer to the AS-REQ is malformed: " + e.getMessage());
        }
        if (r instanceof KdcReply.AsRep asRep) {
            ev.put("preauthRequired", false);
            notes.add("the KDC issued a TGT without pre-authentication: anyone can request an AS-REP for this user and "
                    + "attack the password offline (AS-REP roasting); Active Directory requires pre-authentication by default");
            ev.put("asRepEtype", KrbErrorCode.etype(asRep.encPartEtype()));
            return login();
        }
        KrbError e = ((KdcReply.Error) r).error();
        Instant local = sent.plus(Duration.between(sent, received).dividedBy(2));
        offsetMillis = Duration.between(local, e.serverTime()).toMillis();
        ev.put("kdcTime", e.serverTime().toString());
        ev.put("clockOffsetSeconds", Math.round(offsetMillis / 100.0) / 10.0);
        ev.put("clockOffsetUncertaintyMs", Math.max(1, (rtt + 1) / 2));
        ev.put("krbError", e.errorName() + " (" + e.errorCode() + ")");
        if (e.eText() != null && !e.eText().isEmpty()) ev.put("eText", e.eText());
        if (e.errorCode() != KrbErrorCode.KDC_ERR_PREAUTH_REQUIRED) {
            return krbFailure(e.errorCode(), e.eText(), "AS-REQ");
        }
        ev.put("preauthRequired", true);
        List<String> etypes = new ArrayList<>();
        try {
            for (EtypeInfo2.Entry en : e.etypeInfo2()) {
                etypes.add(KrbErrorCode.etype(en.etype()) + (en.salt() == null ? "" : " salt " + en.salt())
                        + (en.iterations() == null || en.iterations() == 4096 ? "" : " iterations " + en.iterations()));
            }
        } catch (DecodeException x) {
            ev.put("etypeInfo2Error", x.getMessage());
        }
        if (!etypes.isEmpty()) ev.put("preauthEtypes", etypes);
        return login();
    }

    private Action login() {
        state = new LoggingIn();
        return new Action.Login(answered, host, port);
    }

    /** No answer over {@code transport}: TCP falls back to UDP; both failing is the verdict. */
    public Action kdcFailed(KdcFailure kind, String detail) {
        Probing p = expect(Probing.class);
        if (p.transport() == Transport.TCP) {
            tcpFailure = describe(kind) + (detail == null ? "" : ": " + detail);
            tcpFailureKind = kind;
            return probe(Transport.UDP);
        }
        ev.put("tcp", tcpFailure);
        ev.put("udp", describe(kind) + (detail == null ? "" : ": " + detail));
        KdcFailure k = tcpFailureKind == KdcFailure.TIMEOUT || kind == KdcFailure.TIMEOUT ? KdcFailure.TIMEOUT
                : tcpFailureKind == KdcFailure.UNREACHABLE ? KdcFailure.UNREACHABLE : KdcFailure.REFUSED;
        Cause c = switch (k) {
            case TIMEOUT -> KerberosCauses.KDC_TIMEOUT;
            case UNREACHABLE -> KerberosCauses.KDC_UNREACHABLE;
            default -> KerberosCauses.KDC_REFUSED;
        };
        String summary = "KDC " + endpoint(host, port) + " did not answer: TCP " + tcpFailure + "; UDP " + ev.get("udp");
        return fallbackOrFail(c, summary);
    }

    /** The library's pre-authenticated AS exchange gave a TGT. */
    public Action loggedIn(TicketInfo tgt) {
        expect(LoggingIn.class);
        ev.put("tgt", ticket(tgt));
        state = new Ticketing();
        return new Action.RequestTicket(settings.spnPrincipal());
    }

    /**
     * The pre-authenticated AS exchange failed. {@code krbCode} is the KDC's KRB-ERROR code, or -1 when the failure
     * is not a KRB-ERROR ({@code unreachable} then says whether the KDC stopped answering).
     */
    public Action loginFailed(int krbCode, String detail, KdcFailure unreachable) {
        expect(LoggingIn.class);
        if (krbCode < 0) {
            ev.put("loginError", detail);
            if (unreachable != null) {
                Cause c = unreachable == KdcFailure.TIMEOUT ? KerberosCauses.KDC_TIMEOUT : KerberosCauses.KDC_REFUSED;
                return fallbackOrFail(c, "the KDC stopped answering during pre-authentication: " + detail);
            }
            return fail(KerberosCauses.UNKNOWN_KRB_ERROR, "pre-authentication failed: " + detail);
        }
        return krbFailure(krbCode, detail, "pre-authenticated AS-REQ");
    }

    public Action ticketIssued(TicketInfo service) {
        expect(Ticketing.class);
        ev.put("serviceTicket", ticket(service));
        StringBuilder s = new StringBuilder("TGT and service ticket for " + settings.spnPrincipal() + " issued by "
                + ev.get("kdc") + " over " + answered);
        if (service.ticketEtype() != null) s.append(", ticket ").append(KrbErrorCode.etype(service.ticketEtype()));
        if (offsetMillis != null) {
            long secs = Math.round(offsetMillis / 1000.0);
            s.append("; KDC clock ").append(signed(secs)).append(" s");
            if (Math.abs(secs) >= 60) {
                s.append(" (within the ").append(KerberosSettings.SKEW_LIMIT_SECONDS / 60).append("-minute limit, but it "
                        + "leaves ").append(KerberosSettings.SKEW_LIMIT_SECONDS - Math.abs(secs)).append(" s: check time sync)");
                notes.add("the KDC's clock is " + signed(secs) + " s off this machine's: accepted (limit "
                        + KerberosSettings.SKEW_LIMIT_SECONDS + " s), but a drift beyond the limit breaks Kerberos logons");
            }
        }
        notes.add("the CREDSSP stage sends the AP-REQ for " + settings.spnPrincipal() + " in SPNEGO (Kerberos first"
                + (settings.mode() == AuthMode.NEGOTIATE ? ", NTLM offered as the fallback" : ", no NTLM") + "): the server's "
                + "Kerberos acceptor is tested there");
        return finish(StageResult.ok(Stage.KERBEROS, elapsed(), withNotes(), s.toString()), null);
    }

    public Action ticketFailed(int krbCode, String detail) {
        expect(Ticketing.class);
        if (krbCode < 0) {
            ev.put("tgsError", detail);
            return fail(KerberosCauses.UNKNOWN_KRB_ERROR, "the TGS exchange for " + settings.spnPrincipal() + " failed: " + detail);
        }
        return krbFailure(krbCode, detail, "TGS-REQ");
    }

    // ---- interpretation ---------------------------------------------------------------------------------

    private Action krbFailure(int code, String detail, String step) {
        Cause c = KerberosCauses.forKrbError(code);
        ev.put("failedStep", step);
        if (detail != null && !detail.isEmpty()) ev.putIfAbsent("kdcMessage", detail);
        String summary = switch (code) {
            case KrbErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN -> "the KDC does not know " + settings.principal();
            case KrbErrorCode.KDC_ERR_CLIENT_REVOKED -> settings.principal() + " is locked out or disabled (the KDC revoked its credentials)";
            case KrbErrorCode.KDC_ERR_KEY_EXPIRED -> "the password of " + settings.principal() + " has expired";
            case KrbErrorCode.KDC_ERR_PREAUTH_FAILED -> "wrong password for " + settings.principal()
                    + " (the KDC could not decrypt the pre-authentication timestamp)";
            case KrbErrorCode.KRB_AP_ERR_BAD_INTEGRITY -> "wrong password for " + settings.principal()
                    + " (the KDC's reply does not decrypt with the password's key)";
            case KrbErrorCode.KDC_ERR_ETYPE_NOSUPP -> "no common encryption type for " + settings.principal() + " (offered "
                    + String.join(", ", OFFERED_ETYPES.stream().map(KrbErrorCode::etype).toList()) + ")";
            case KrbErrorCode.KRB_AP_ERR_SKEW -> skewSummary();
            case KrbErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN -> "the KDC has no SPN " + settings.spnPrincipal()
                    + " (" + settings.spnForm() + ")";
            default -> "the KDC refused the " + step + " with " + KrbErrorCode.name(code) + " (" + code + ")";
        };
        if (code == KrbErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN) {
            return fallbackOrFail(c, summary);
        }
        return fail(c, summary);
    }

    private String skewSummary() {
        if (offsetMillis == null) {
            return "the KDC says the clocks differ by more than its limit (its clock was not measured)";
        }
        long secs = Math.round(offsetMillis / 1000.0);
        return "the KDC's clock is " + Math.abs(secs) + " s " + (secs >= 0 ? "ahead of" : "behind") + " this machine's ("
                + signed(secs) + " s, limit " + KerberosSettings.SKEW_LIMIT_SECONDS + " s); a Windows client fails the "
                + "same way (it does not adopt the KDC's time as MIT's kdc_timesync does)";
    }

    /** Negotiate: mstsc falls back to NTLM after this, so it is a warning and the probe goes on. */
    private Action fallbackOrFail(Cause c, String summary) {
        if (settings.mode() == AuthMode.NEGOTIATE) {
            ev.put("ntlmFallback", "mstsc's Negotiate falls back to NTLM here; the CREDSSP stage tests that fallback "
                    + "(it fails where policy restricts NTLM)");
            return finish(StageResult.warning(Stage.KERBEROS, elapsed(), withNotes(), c, summary + "; NTLM fallback: see CREDSSP"), null);
        }
        return fail(c, summary);
    }

    private Action fail(Cause c, String summary) {
        return finish(StageResult.failed(Stage.KERBEROS, elapsed(), withNotes(), c, summary), null);
    }

    private Action finish(StageResult r, Object unused) {
        state = new Done(r);
        return new Action.Finish(r);
    }

    private Map<String, Object> withNotes() {
        Map<String, Object> m = new LinkedHashMap<>(ev);
        if (!notes.isEmpty()) m.put("notes", List.copyOf(notes));
        return m;
    }

    private long elapsed() {
        return (nanoClock.getAsLong() - t0) / 1_000_000;
    }

    @SuppressWarnings("unchecked")
    private <S extends State> S expect(Class<S> k) {
        if (!k.isInstance(state)) {
            throw new IllegalStateException("KERBEROS: event for " + k.getSimpleName() + " in state " + state);
        }
        return (S) state;
    }

    private static Map<String, Object> ticket(TicketInfo t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client", t.client());
        m.put("server", t.server());
        m.put("sessionKey", KrbErrorCode.etype(t.sessionKeyEtype()));
        if (t.ticketEtype() != null) m.put("ticketEtype", KrbErrorCode.etype(t.ticketEtype()));
        if (t.authTime() != null) m.put("authTime", t.authTime().toString());
        if (t.startTime() != null) m.put("startTime", t.startTime().toString());
        if (t.endTime() != null) m.put("endTime", t.endTime().toString());
        if (t.startTime() != null && t.endTime() != null) {
            m.put("lifetime", Duration.between(t.startTime(), t.endTime()).toString().substring(2).toLowerCase(Locale.ROOT));
        }
        if (t.renewTill() != null) m.put("renewTill", t.renewTill().toString());
        return m;
    }

    private static String describe(KdcFailure k) {
        return switch (k) {
            case REFUSED -> "refused";
            case TIMEOUT -> "no answer before the deadline";
            case UNREACHABLE -> "unreachable";
            case OTHER -> "failed";
        };
    }

    private static String signed(long v) {
        return (v >= 0 ? "+" : "") + v;
    }

    private static String endpoint(String h, int p) {
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + p;
    }
}
