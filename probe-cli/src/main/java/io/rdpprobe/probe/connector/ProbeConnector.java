package io.rdpprobe.probe.connector;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.tpkt.FrameKind;
import io.rdpprobe.protocol.tpkt.FrameProbe;
import io.rdpprobe.protocol.tpkt.TpktHeader;
import io.rdpprobe.protocol.x224.ConnectionConfirm;
import io.rdpprobe.protocol.x224.ConnectionRequest;
import io.rdpprobe.protocol.x224.CrToken;
import io.rdpprobe.protocol.x224.DisconnectRequest;
import io.rdpprobe.protocol.x224.ErrorTpdu;
import io.rdpprobe.protocol.x224.NegotiationFailure;
import io.rdpprobe.protocol.x224.NegotiationResponse;
import io.rdpprobe.protocol.x224.Protocols;
import io.rdpprobe.protocol.x224.X224Tpdu;
import io.rdpprobe.probe.model.TlsCauses;
import io.rdpprobe.probe.model.CredSspCauses;
import io.rdpprobe.probe.credssp.CredSspClient;
import io.rdpprobe.probe.credssp.CredSspOptions;
import io.rdpprobe.probe.credssp.CredSspSettings;
import io.rdpprobe.probe.credssp.Outcome;
import io.rdpprobe.probe.credssp.RandomSource;
import io.rdpprobe.probe.credssp.Step;
import io.rdpprobe.probe.session.LogonInfo;
import io.rdpprobe.probe.session.SessionSequence;
import io.rdpprobe.probe.session.SessionSettings;
import io.rdpprobe.probe.tls.CertificateAnalysis;
import io.rdpprobe.probe.tls.CertificateAnalyzer;
import io.rdpprobe.probe.tls.TlsOutcome;
import io.rdpprobe.probe.tls.TlsVersions;
import io.rdpprobe.protocol.codec.Wire;
import java.time.Instant;
import java.util.ArrayList;
import org.bouncycastle.tls.AlertDescription;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sans-IO probe state machine. It knows which stage the connection is in, what to send next and
 * what each reply means; it never touches a socket or a clock. A driver (the Netty handler, or a test)
 * feeds it events with the current {@code System.nanoTime()} and acts on the returned {@link Action}.
 *
 * <pre>
 *   dnsResolved / dnsFailed          DNS
 *   tcpConnected / tcpFailed         TCP
 *   onConnected  -> writes X.224 CR  X224   (AwaitConnectionConfirm)
 *   onData / onClosed / onDeadline   ... until DONE or START_TLS
 * </pre>
 */
public final class ProbeConnector {
    private final ProbeSettings settings;
    private final List<StageResult> results = new ArrayList<>();
    private Stage stage = Stage.DNS;
    private long stageStartNanos;
    private long deadlineNanos = Long.MAX_VALUE;
    private boolean done;
    private long receivedInStage;
    private ConnectionConfirm confirm;
    private int selectedProtocol = -1;
    private String host;
    private boolean viaGateway;
    private byte[] serverPublicKey;
    private TlsOutcome tlsOutcome;
    private boolean certTrusted;
    private CredSspClient credssp;
    private boolean delegationRefused;
    private long wallOffsetMillis;
    private SessionSequence session;
    private ByteBuf pendingOut;
    private byte[] connectResponseFrame;
    private StageResult sessionTimeout;
    private final java.security.SecureRandom secureRandom = new java.security.SecureRandom();

    public ProbeConnector(ProbeSettings settings) {
        this.settings = settings;
    }

    public ProbeSettings settings() {
        return settings;
    }

    /** The stage in progress (or the last one, when done). */
    public Stage stage() {
        return stage;
    }

    public boolean isDone() {
        return done;
    }

    /** When the current stage times out, in the driver's nanoTime; Long.MAX_VALUE when nothing is pending. */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /** The selected protocol from the Connection Confirm, or -1 before it. */
    public int selectedProtocol() {
        return selectedProtocol;
    }

    public ConnectionConfirm connectionConfirm() {
        return confirm;
    }

    public List<StageResult> results() {
        return List.copyOf(results);
    }

    // ---- DNS and TCP: the driver does the I/O and reports here -------------------------------------

    public void dnsResolved(String host, List<String> addresses, boolean literal, long elapsedMs) {
        if (!viaGateway) {
            this.host = host;
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("host", host);
        ev.put("addresses", addresses);
        if (literal) {
            ev.put("literal", true);
        }
        results.add(StageResult.ok(Stage.DNS, elapsedMs, ev,
                literal ? host + " is an address literal" : host + " -> " + String.join(", ", addresses)));
        stage = Stage.TCP;
    }

    public void dnsFailed(String host, String detail, long elapsedMs) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("host", host);
        ev.put("error", detail);
        fail(Stage.DNS, elapsedMs, ev, Causes.DNS_NOT_FOUND, "cannot resolve " + host + ": " + detail);
    }

    public void tcpConnected(String local, String remote, long elapsedMs) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("remote", remote);
        ev.put("local", local);
        results.add(StageResult.ok(Stage.TCP, elapsedMs, ev, "connected to " + remote));
    }

    public void tcpFailed(TcpFailure kind, String remote, String detail, long elapsedMs) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("remote", remote);
        ev.put("error", detail);
        Cause cause = switch (kind) {
            case REFUSED -> Causes.CONNECTION_REFUSED;
            case TIMEOUT -> Causes.CONNECT_TIMEOUT;
            case UNREACHABLE, OTHER -> Causes.HOST_UNREACHABLE;
        };
        String summary = switch (kind) {
            case REFUSED -> "connection refused by " + remote + " (TCP RST in answer to SYN)";
            case TIMEOUT -> "no answer from " + remote + " within " + settings.stageTimeoutMillis() + " ms";
            case UNREACHABLE -> remote + " is unreachable: " + detail;
            case OTHER -> "cannot connect to " + remote + ": " + detail;
        };
        fail(Stage.TCP, elapsedMs, ev, cause, summary);
    }

    // ---- RD Gateway: the gateway's stages run below the driver and report here -----------------------

    /**
     * The probe goes through an RD Gateway: DNS and TCP reach the gateway, and {@code targetHost} is the
     * name the target's stages use (SNI, certificate name check, SPN). Call before {@link #dnsResolved}.
     */
    public void viaGateway(String targetHost) {
        this.viaGateway = true;
        this.host = targetHost;
    }

    public boolean isViaGateway() {
        return viaGateway;
    }

    /**
     * A stage that ran outside this connector (the RD Gateway's). A FAILED result ends the probe at that
     * stage, exactly as a failure of the connector's own stages does.
     */
    public void externalStage(StageResult r) {
        if (done) {
            return;
        }
        if (r.status() == Status.FAILED) {
            stage = r.stage();
            results.add(r);
            done = true;
            deadlineNanos = Long.MAX_VALUE;
        } else {
            results.add(r);
        }
    }

    // ---- X224 ----------------------------------------------------------------------------------------

    /** The TCP connection is up: write the Connection Request and start the X224 stage. */
    public Action onConnected(long nowNanos, ByteBuf out) {
        if (done) {
            return Action.DONE;
        }
        startStage(Stage.X224, nowNanos);
        connectionRequest().encode(out);
        return Action.WAIT;
    }

    /** The CR this probe sends. */
    public ConnectionRequest connectionRequest() {
        CrToken token = settings.token();
        return settings.requestedProtocols() == null
                ? ConnectionRequest.legacy(token)
                : ConnectionRequest.of(token, settings.requestedProtocols());
    }

    /**
     * Bytes arrived. The connector reads what it can from {@code in} and leaves the rest for the next call.
     */
    public Action onData(ByteBuf in, long nowNanos, ByteBuf out) {
        if (done) {
            return Action.DONE;
        }
        if (stage == Stage.X224) {
            return onX224Data(in, nowNanos, out);
        }
        if (session != null) {
            return onSessionData(in, nowNanos, out);
        }
        if (stage == Stage.CREDSSP && credssp != null) {
            pendingOut = out;
            try {
                return onCredSspData(in, nowNanos, out);
            } finally {
                pendingOut = null;
            }
        }
        // bytes in a stage this connector does not own (e.g. while the driver runs TLS) are not expected
        return Action.WAIT;
    }

    private Action onX224Data(ByteBuf in, long nowNanos, ByteBuf out) {
        receivedInStage = in.readableBytes();
        FrameKind kind = FrameProbe.classify(in);
        if (kind == FrameKind.NEED_MORE) {
            return Action.WAIT;
        }
        if (kind != FrameKind.TPKT) {
            Map<String, Object> ev = receivedEvidence(in);
            String guess = Peek.guessService(in);
            if (guess != null) {
                ev.put("looksLike", guess);
            }
            fail(Stage.X224, elapsedMs(nowNanos), ev, Causes.NOT_RDP,
                    "the reply to the X.224 Connection Request is not TPKT (first byte "
                            + String.format("0x%02x", in.getUnsignedByte(in.readerIndex())) + ")"
                            + (guess != null ? ": it looks like " + guess : ""));
            return Action.DONE;
        }
        int frameLength;
        try {
            frameLength = TpktHeader.frameLength(in);
        } catch (DecodeException e) {
            return malformed(in, nowNanos, e);
        }
        if (frameLength == FrameProbe.NEED_MORE) {
            return Action.WAIT;
        }
        if (frameLength > settings.maxX224Frame()) {
            Map<String, Object> ev = receivedEvidence(in);
            ev.put("announcedLength", frameLength);
            ev.put("limit", settings.maxX224Frame());
            fail(Stage.X224, elapsedMs(nowNanos), ev, Causes.MALFORMED_RESPONSE,
                    "the reply announces a " + frameLength + "-byte TPKT; an X.224 Connection Confirm is 11 or 19 bytes"
                            + " (received " + in.readableBytes() + ")");
            return Action.DONE;
        }
        if (in.readableBytes() < frameLength) {
            return Action.WAIT;
        }
        ByteBuf frame = in.slice(in.readerIndex(), frameLength);
        String rawHex = ByteBufUtil.hexDump(frame);
        X224Tpdu tpdu;
        try {
            tpdu = X224Tpdu.decode(frame);
        } catch (DecodeException e) {
            return malformed(in, nowNanos, e);
        }
        in.skipBytes(frameLength);
        return onX224Tpdu(tpdu, rawHex, nowNanos, out);
    }

    private Action onX224Tpdu(X224Tpdu tpdu, String rawHex, long nowNanos, ByteBuf out) {
        long elapsed = elapsedMs(nowNanos);
        Map<String, Object> ev = new LinkedHashMap<>();
        Integer requested = settings.requestedProtocols();
        ev.put("requested", requested == null ? "none (legacy request without RDP_NEG_REQ)" : Protocols.describe(requested));
        if (tpdu instanceof ConnectionConfirm cc) {
            confirm = cc;
            ev.put("reply", "X.224 Connection Confirm");
            ev.put("dstRef", String.format("0x%04x", cc.dstRef()));
            ev.put("srcRef", String.format("0x%04x", cc.srcRef()));
            if (cc.negotiation() instanceof NegotiationResponse rsp) {
                return onNegotiationResponse(rsp, requested, ev, rawHex, elapsed, nowNanos, out);
            }
            if (cc.negotiation() instanceof NegotiationFailure f) {
                ev.put("failureCode", f.failureCode().name());
                ev.put("failureCodeValue", String.format("0x%08x", f.failureCode().value()));
                ev.put("meaning", f.failureCode().meaning());
                ev.put("raw", rawHex);
                Cause c = Causes.forFailureCode(f.failureCode());
                String summary;
                if (f.failureCode().value() == 5 && (requested == null || (requested & Protocols.HYBRID) == 0)) {
                    summary = "NLA required: the server requires Network Level Authentication (CredSSP) and the request ("
                            + ev.get("requested") + ") did not offer it";
                } else {
                    summary = "the server refused the negotiation with RDP_NEG_FAILURE " + f.failureCode().name()
                            + ": " + f.failureCode().meaning();
                }
                if (settings.credssp().ntlmInfo() && settings.stopAfter() == null) {
                    // --ntlm-info: record the refusal, then try TLS + NTLM anyway on the same connection
                    results.add(StageResult.failed(Stage.X224, elapsed, ev, c, summary
                            + "; --ntlm-info: starting TLS anyway to read the server's NTLM CHALLENGE"));
                    selectedProtocol = Protocols.HYBRID;
                    startStage(Stage.TLS, nowNanos);
                    return Action.START_TLS;
                }
                fail(Stage.X224, elapsed, ev, c, summary);
                return Action.DONE;
            }
            // bare CC: no negotiation data
            selectedProtocol = Protocols.RDP;
            ev.put("selected", "RDP");
            ev.put("negotiation", "none (bare Connection Confirm)");
            ev.put("raw", rawHex);
            if (requested != null) {
                warn(Stage.X224, elapsed, ev, Causes.NEGOTIATION_IGNORED,
                        "the server answered the RDP_NEG_REQ with a bare Connection Confirm: it ignored the request and "
                                + "uses Standard RDP Security");
            } else {
                results.add(StageResult.ok(Stage.X224, elapsed, ev,
                        "legacy Connection Confirm: Standard RDP Security (no negotiation requested)"));
            }
            return afterX224(nowNanos, out);
        }
        ev.put("raw", rawHex);
        if (tpdu instanceof DisconnectRequest dr) {
            ev.put("reply", "X.224 Disconnect Request");
            ev.put("reason", dr.reasonName());
            fail(Stage.X224, elapsed, ev, Causes.X224_DISCONNECT,
                    "the server answered with an X.224 Disconnect Request (" + dr.reasonName() + ")");
            return Action.DONE;
        }
        if (tpdu instanceof ErrorTpdu er) {
            ev.put("reply", "X.224 TPDU Error");
            ev.put("rejectCause", er.causeName());
            fail(Stage.X224, elapsed, ev, Causes.X224_ERROR,
                    "the server answered with an X.224 TPDU Error (" + er.causeName() + ")");
            return Action.DONE;
        }
        ev.put("reply", tpdu.getClass().getSimpleName());
        fail(Stage.X224, elapsed, ev, Causes.MALFORMED_RESPONSE,
                "the server answered the Connection Request with an unexpected X.224 "
                        + tpdu.getClass().getSimpleName() + " instead of a Connection Confirm");
        return Action.DONE;
    }

    private Action onNegotiationResponse(NegotiationResponse rsp, Integer requested, Map<String, Object> ev,
                                         String rawHex, long elapsed, long nowNanos, ByteBuf out) {
        selectedProtocol = rsp.selectedProtocol();
        String sel = Protocols.name(rsp.selectedProtocol());
        ev.put("selected", sel);
        ev.put("serverFlags", rsp.flagNames());
        ev.put("raw", rawHex);
        int req = requested == null ? Protocols.RDP : requested;
        boolean requestedIt = rsp.selectedProtocol() == Protocols.RDP
                ? req == Protocols.RDP
                : Integer.bitCount(rsp.selectedProtocol()) == 1 && (req & rsp.selectedProtocol()) == rsp.selectedProtocol();
        if (!requestedIt) {
            String summary = rsp.selectedProtocol() == Protocols.RDP
                    ? "the server selected RDP (Standard RDP Security) although the request was " + Protocols.describe(req)
                    + ": it ignores the client's request instead of refusing with SSL_NOT_ALLOWED_BY_SERVER"
                    : "the server selected " + sel + ", which was not requested (" + Protocols.describe(req) + ")";
            warn(Stage.X224, elapsed, ev, Causes.PROTOCOL_NOT_REQUESTED, summary);
        } else {
            results.add(StageResult.ok(Stage.X224, elapsed, ev, "selected " + sel + " (requested "
                    + Protocols.describe(req) + ")"));
        }
        return afterX224(nowNanos, out);
    }

    private Action afterX224(long nowNanos, ByteBuf out) {
        deadlineNanos = Long.MAX_VALUE;
        if (settings.stopAfter() == Stage.X224) {
            done = true;
            return Action.DONE;
        }
        if (Protocols.usesTls(selectedProtocol)) {
            startStage(Stage.TLS, nowNanos);
            return Action.START_TLS;
        }
        return startSession(nowNanos, out, null);
    }

    // ---- TLS -----------------------------------------------------------------------------------------

    /** The SNI to send: the probed name, never an address literal. */
    public String tlsServerName() {
        if (host == null || !settings.tls().sendSni() || HostNames.isAddressLiteral(host)) {
            return null;
        }
        return host;
    }

    /** The leaf certificate's public key (RSAPublicKey DER for RSA), which CredSSP binds to; null before TLS. */
    public byte[] serverPublicKey() {
        return serverPublicKey == null ? null : serverPublicKey.clone();
    }

    public TlsOutcome tlsOutcome() {
        return tlsOutcome;
    }

    /**
     * The TLS handshake finished, failed, was closed, or stalled past the deadline.
     *
     * @param now the wall clock, for certificate validity
     */
    public Action onTlsOutcome(TlsOutcome o, long nowNanos, Instant now, ByteBuf out) {
        if (done) {
            return Action.DONE;
        }
        wallOffsetMillis = now.toEpochMilli() - nowNanos / 1_000_000L;
        tlsOutcome = o;
        long elapsed = elapsedMs(nowNanos);
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("offered", o.offeredVersions());
        ev.put("sni", o.sni() == null ? "none (address literal)" : o.sni());
        ev.put("bytesReceived", o.bytesReceived());
        if (o.notTls()) {
            ev.put("firstBytes", o.firstBytes());
            fail(Stage.TLS, elapsed, ev, TlsCauses.NOT_TLS, "the server answered the ClientHello with non-TLS bytes ("
                    + o.firstBytes() + ")" + (o.firstBytes() != null && o.firstBytes().startsWith("0300")
                    ? ": a TPKT, so it never switched to TLS" : ""));
            return Action.DONE;
        }
        if (!o.complete()) {
            return tlsFailed(o, ev, elapsed);
        }
        ev.put("version", "TLS " + o.version());
        ev.put("cipherSuite", o.suiteName());
        ev.put("handshakeMs", o.handshakeMs());
        CertificateAnalysis ca = CertificateAnalyzer.analyze(o.chain(), host == null ? "" : host, now, settings.tls().trust());
        serverPublicKey = ca.serverPublicKey();
        certTrusted = ca.trusted();
        ev.put("certificates", ca.certificates());
        if (ca.leafSha256() != null) {
            ev.put("leafSha256", ca.leafSha256());
        }
        if (serverPublicKey != null) {
            ev.put("serverPublicKey", Wire.hex(serverPublicKey));
        }
        ev.put("trusted", ca.trusted());
        List<String> findings = new ArrayList<>();
        for (CertificateAnalysis.Finding f : ca.findings()) {
            findings.add(f.cause().code() + ": " + f.detail());
        }
        boolean deprecated = TlsVersions.deprecated(o.version());
        if (deprecated) {
            findings.add(TlsCauses.TLS_DEPRECATED_VERSION.code() + ": negotiated TLS " + o.version());
        }
        ev.put("findings", findings);
        CertificateAnalysis.Finding worst = ca.mostSevere();
        if (worst != null && (worst.fatal() || settings.tls().trust().strict())) {
            fail(Stage.TLS, elapsed, ev, worst.cause(), worst.detail()
                    + (worst.fatal() ? "" : " (fatal because of --strict-cert)"));
            return Action.DONE;
        }
        String base = "TLS " + o.version() + ", " + o.suiteName();
        if (worst != null) {
            warn(Stage.TLS, elapsed, ev, worst.cause(), base + "; " + worst.detail()
                    + (ca.findings().size() > 1 ? " (+" + (ca.findings().size() - 1) + " more finding(s))" : ""));
        } else if (deprecated) {
            warn(Stage.TLS, elapsed, ev, TlsCauses.TLS_DEPRECATED_VERSION, base + ": TLS " + o.version() + " is deprecated");
        } else {
            results.add(StageResult.ok(Stage.TLS, elapsed, ev, base + ", certificate trusted"));
        }
        deadlineNanos = Long.MAX_VALUE;
        if (settings.stopAfter() == Stage.TLS) {
            done = true;
            return Action.DONE;
        }
        if (Protocols.usesCredSsp(selectedProtocol)) {
            return startCredSsp(nowNanos, out);
        }
        return startSession(nowNanos, out, null);
    }

    // ---- CREDSSP -------------------------------------------------------------------------------------

    private long wallMillis(long nowNanos) {
        return wallOffsetMillis + nowNanos / 1_000_000L;
    }

    private Action startCredSsp(long nowNanos, ByteBuf out) {
        startStage(Stage.CREDSSP, nowNanos);
        CredSspSettings cs = settings.credssp();
        CredSspOptions opts = cs.options().withHybridEx(selectedProtocol == Protocols.HYBRID_EX);
        if (opts.delegate() && !certTrusted) {
            opts = opts.withDelegate(false);
            delegationRefused = true;
        }
        if (cs.credentials() != null && serverPublicKey == null) {
            fail(Stage.CREDSSP, 0, new LinkedHashMap<>(), TlsCauses.NO_CERTIFICATE,
                    "cannot authenticate: no server public key from the TLS stage");
            return Action.DONE;
        }
        credssp = new CredSspClient(cs.credentials(), serverPublicKey, "TERMSRV/" + (host == null ? "" : host), opts,
                RandomSource.secure());
        out.writeBytes(credssp.start(wallMillis(nowNanos)));
        return Action.WAIT;
    }

    private Action onCredSspData(ByteBuf in, long nowNanos, ByteBuf out) {
        while (!done) {
            int n;
            try {
                n = credssp.frameLength(in);
            } catch (DecodeException e) {
                Map<String, Object> ev = receivedEvidence(in);
                ev.put("error", e.getMessage());
                fail(Stage.CREDSSP, elapsedMs(nowNanos), ev, CredSspCauses.CREDSSP_MALFORMED,
                        "the server's CredSSP reply is not a TSRequest: " + e.getMessage());
                return Action.DONE;
            }
            if (n < 0 || in.readableBytes() < n) {
                return Action.WAIT;
            }
            byte[] frame = new byte[n];
            in.readBytes(frame);
            Step s = credssp.onMessage(frame, wallMillis(nowNanos));
            if (s.send() != null) {
                out.writeBytes(s.send());
            }
            if (s.outcome() != null) {
                return finishCredSsp(s.outcome(), nowNanos);
            }
        }
        return Action.DONE;
    }

    private Action finishCredSsp(Outcome o, long nowNanos) {
        StageResult r = o.toStageResult(elapsedMs(nowNanos));
        deadlineNanos = Long.MAX_VALUE;
        if (r.status() == Status.FAILED) {
            stage = Stage.CREDSSP;
            results.add(r);
            done = true;
            return Action.DONE;
        }
        if (delegationRefused) {
            Map<String, Object> ev = new LinkedHashMap<>(r.evidence());
            ev.put("delegation", "refused: certificate not trusted or pinned");
            r = new StageResult(Stage.CREDSSP, Status.WARNING, r.elapsedMs(), ev, CredSspCauses.DELEGATION_REFUSED,
                    (r.summary() == null ? "" : r.summary() + "; ") + "credentials were NOT delegated because the server "
                            + "certificate is not trusted: pin it with --trust-cert or pass --ca", false);
        }
        results.add(r);
        CredSspSettings cs = settings.credssp();
        if (cs.credentials() != null && cs.options().delegate() && !delegationRefused && settings.stopAfter() != Stage.CREDSSP) {
            var c = cs.credentials();
            return startSession(nowNanos, pendingOut, new LogonInfo(c.domain(), c.user()));
        }
        // Without delegation the probe stops here: the credentials are proven and were not handed over.
        done = true;
        return Action.DONE;
    }

    // ---- MCS, SECURITY_EXCHANGE, LICENSING, ACTIVATION ------------------------------------------------

    private Action startSession(long nowNanos, ByteBuf out, LogonInfo logon) {
        if (settings.stopAfter() != null && settings.stopAfter().ordinal() < Stage.MCS.ordinal()) {
            done = true;
            return Action.DONE;
        }
        startStage(Stage.MCS, nowNanos);
        int requested = settings.requestedProtocols() == null ? Protocols.RDP : settings.requestedProtocols();
        SessionSettings ss = settings.session() != null ? settings.session() : SessionSettings.defaults("rdp-probe");
        session = new SessionSequence(selectedProtocol, requested, ss, secureRandom::nextBytes, logon);
        return applySession(session.start(nowNanos / 1_000_000L), nowNanos, out);
    }

    private Action onSessionData(ByteBuf in, long nowNanos, ByteBuf out) {
        while (!done && in.isReadable()) {
            int n;
            try {
                n = FrameProbe.frameLength(in);
            } catch (DecodeException e) {
                return applySession(session.receive(in.readSlice(in.readableBytes()), nowNanos / 1_000_000L), nowNanos, out);
            }
            if (n == FrameProbe.NEED_MORE || in.readableBytes() < n) {
                return Action.WAIT;
            }
            ByteBuf frame = in.readSlice(n);
            if (connectResponseFrame == null) {
                connectResponseFrame = io.netty.buffer.ByteBufUtil.getBytes(frame);
                if (settings.stopAfter() == Stage.MCS) {
                    finishSession();
                    return Action.DONE;
                }
            }
            Action a = applySession(session.receive(frame, nowNanos / 1_000_000L), nowNanos, out);
            if (a == Action.DONE) {
                return a;
            }
        }
        return done ? Action.DONE : Action.WAIT;
    }

    private Action applySession(SessionSequence.Step st, long nowNanos, ByteBuf out) {
        for (byte[] frame : st.outbound()) {
            out.writeBytes(frame);
        }
        if (st.close() || session.isDone()) {
            finishSession();
            return Action.DONE;
        }
        Stage now = session.currentStage();
        if (now != stage) {
            startStage(now, nowNanos); // a fresh deadline for each stage
        }
        return Action.WAIT;
    }

    private void finishSession() {
        for (StageResult r : session.results()) {
            if (sessionTimeout != null && r.stage() == sessionTimeout.stage()) {
                results.add(sessionTimeout);
            } else if (r.status() != Status.NOT_REACHED) {
                results.add(r);
            }
        }
        StageResult last = null;
        for (StageResult r : results) {
            if (r.status() != Status.NOT_REACHED && r.status() != Status.SKIPPED) {
                last = r;
            }
        }
        if (last != null) {
            stage = last.stage();
        }
        done = true;
        deadlineNanos = Long.MAX_VALUE;
    }

    /** The first frame the server sent in the MCS stage (its Connect Response), for encryption enumeration. */
    public byte[] connectResponseFrame() {
        return connectResponseFrame == null ? null : connectResponseFrame.clone();
    }

    private boolean inSession() {
        return session != null && !done;
    }

    /** A fatal TLS alert arrived after the handshake (Windows 2008 R2 answers a bad password with alert 80). */
    public Action onTlsAlert(int description, long nowNanos) {
        if (done) {
            return Action.DONE;
        }
        if (stage == Stage.CREDSSP && credssp != null) {
            Outcome o = credssp.onTlsAlert(description, wallMillis(nowNanos));
            if (o != null) {
                return finishCredSsp(o, nowNanos);
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("alert", AlertDescription.getName((short) description) + " (" + description + ")");
        fail(stage, elapsedMs(nowNanos), ev, TlsCauses.TLS_ALERT, "the server sent the TLS alert "
                + AlertDescription.getName((short) description) + " during " + stage);
        return Action.DONE;
    }

    private Action tlsFailed(TlsOutcome o, Map<String, Object> ev, long elapsed) {
        if (o.error() != null) {
            ev.put("error", o.error());
        }
        if (o.alertReceived() != null) {
            int a = o.alertReceived();
            ev.put("alert", AlertDescription.getName((short) a) + " (" + a + ")");
            ev.put("alertFrom", "server");
            if (a == AlertDescription.protocol_version) {
                fail(Stage.TLS, elapsed, ev, TlsCauses.TLS_VERSION_MISMATCH, "the server rejected the offered TLS versions "
                        + o.offeredVersions() + " with a protocol_version alert");
            } else {
                fail(Stage.TLS, elapsed, ev, TlsCauses.TLS_ALERT, "the server sent the fatal alert "
                        + AlertDescription.getName((short) a) + " (" + a + ") during the handshake");
            }
            return Action.DONE;
        }
        if (o.alertSent() != null) {
            int a = o.alertSent();
            ev.put("alert", AlertDescription.getName((short) a) + " (" + a + ")");
            ev.put("alertFrom", "client (rdp-probe)");
            fail(Stage.TLS, elapsed, ev, TlsCauses.TLS_ALERT, "the probe aborted the handshake with "
                    + AlertDescription.getName((short) a) + " (" + a + ")"
                    + (o.alertSentMessage() != null ? ": " + o.alertSentMessage() : ""));
            return Action.DONE;
        }
        if (o.stalled()) {
            ev.put("timeoutMs", settings.stageTimeoutMillis());
            if (o.firstBytes() != null) {
                ev.put("firstBytes", o.firstBytes());
            }
            String what = o.bytesReceived() == 0
                    ? "no bytes arrived after the ClientHello"
                    : "the server's flight stopped after " + o.bytesReceived() + " byte(s)";
            fail(Stage.TLS, elapsed, ev, TlsCauses.TLS_HANDSHAKE_STALLED, what + " within " + settings.stageTimeoutMillis()
                    + " ms; path-MTU black holes and middleboxes cause this");
            return Action.DONE;
        }
        if (o.closed() || o.reset()) {
            ev.put("how", o.reset() ? "RST" : "FIN");
            String when = o.bytesReceived() == 0 ? "right after the ClientHello" : "after " + o.bytesReceived() + " byte(s) of handshake";
            fail(Stage.TLS, elapsed, ev, o.reset() ? Causes.CONNECTION_RESET : Causes.CONNECTION_CLOSED,
                    "the server " + (o.reset() ? "reset" : "closed") + " the connection " + when
                            + (o.bytesReceived() == 0 ? " (a TLS version or cipher mismatch is likely; see the retry)" : ""));
            return Action.DONE;
        }
        fail(Stage.TLS, elapsed, ev, TlsCauses.TLS_ALERT, "the TLS handshake failed: " + o.error());
        return Action.DONE;
    }

    private Action malformed(ByteBuf in, long nowNanos, DecodeException e) {
        Map<String, Object> ev = receivedEvidence(in);
        ev.put("layer", e.layer().name());
        ev.put("field", e.field());
        ev.put("offset", e.offset());
        ev.put("error", e.getMessage());
        fail(stage, elapsedMs(nowNanos), ev, Causes.MALFORMED_RESPONSE,
                "the server's reply is not a valid X.224 PDU: " + e.getMessage());
        return Action.DONE;
    }

    private Map<String, Object> receivedEvidence(ByteBuf in) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("bytesReceived", in.readableBytes());
        ev.put("firstBytes", Peek.hexPrefix(in, 32));
        String text = Peek.printable(in, 64);
        if (text != null) {
            ev.put("text", text);
        }
        return ev;
    }

    /** The probe's own code failed (a bug): say so rather than blame the server. */
    public Action onInternalError(Throwable t, long nowNanos) {
        if (done) {
            return Action.DONE;
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("exception", t.getClass().getName() + ": " + t.getMessage());
        StackTraceElement[] st = t.getStackTrace();
        if (st.length > 0) {
            ev.put("at", st[0].toString());
        }
        if (session != null) {
            session.closed(nowNanos / 1_000_000L);
        }
        fail(stage, elapsedMs(nowNanos), ev, Causes.PROBE_INTERNAL_ERROR, "internal error in " + stage + ": " + t);
        return Action.DONE;
    }

    /** The peer closed (FIN) or reset the connection. */
    public Action onClosed(boolean reset, ByteBuf pending, long nowNanos) {
        if (done) {
            return Action.DONE;
        }
        if (inSession()) {
            session.closed(nowNanos / 1_000_000L);
            finishSession();
            return Action.DONE;
        }
        if (stage == Stage.CREDSSP && credssp != null) {
            Outcome o = credssp.onClosed(wallMillis(nowNanos));
            if (o != null) {
                return finishCredSsp(o, nowNanos);
            }
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        int pendingBytes = pending == null ? 0 : pending.readableBytes();
        ev.put("closedBy", "server");
        ev.put("how", reset ? "RST" : "FIN");
        ev.put("bytesReceived", pendingBytes);
        if (pendingBytes > 0) {
            ev.put("firstBytes", Peek.hexPrefix(pending, 32));
        }
        String what = switch (stage) {
            case X224 -> pendingBytes == 0
                    ? "without answering the X.224 Connection Request"
                    : "after sending " + pendingBytes + " byte(s) of an incomplete X.224 reply";
            default -> "during " + stage;
        };
        fail(stage, elapsedMs(nowNanos), ev, reset ? Causes.CONNECTION_RESET : Causes.CONNECTION_CLOSED,
                "the server " + (reset ? "reset" : "closed") + " the connection " + what);
        return Action.DONE;
    }

    /** The stage's deadline passed. */
    public Action onDeadline(ByteBuf pending, long nowNanos) {
        if (done) {
            return Action.DONE;
        }
        int pendingBytes = pending == null ? 0 : pending.readableBytes();
        if (inSession()) {
            Stage s = session.currentStage();
            Map<String, Object> tev = new LinkedHashMap<>();
            tev.put("timeoutMs", settings.stageTimeoutMillis());
            tev.put("sessionState", session.state().name());
            tev.put("bytesPending", pendingBytes);
            Cause c = s == Stage.LICENSING ? Causes.SERVER_STALLED.withClientError(io.rdpprobe.probe.model.ClientError.of(0x908))
                    : Causes.SERVER_STALLED;
            sessionTimeout = StageResult.failed(s, elapsedMs(nowNanos), tev, c, "no reply from the server in " + s
                    + " (waiting in " + session.state() + ") within " + settings.stageTimeoutMillis() + " ms");
            finishSession();
            return Action.DONE;
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("timeoutMs", settings.stageTimeoutMillis());
        ev.put("bytesReceived", pendingBytes);
        if (pendingBytes == 0) {
            String what = stage == Stage.CREDSSP
                    ? "no CredSSP reply (state " + credssp.state() + ")"
                    : "no reply to the X.224 Connection Request";
            fail(stage, elapsedMs(nowNanos), ev, stage == Stage.X224 ? Causes.NO_RESPONSE : Causes.SERVER_STALLED,
                    what + " within " + settings.stageTimeoutMillis() + " ms");
        } else {
            ev.put("firstBytes", Peek.hexPrefix(pending, 32));
            String announced = "";
            if (pendingBytes >= 4 && pending.getUnsignedByte(pending.readerIndex()) == 3) {
                int len = pending.getUnsignedShort(pending.readerIndex() + 2);
                ev.put("announcedLength", len);
                announced = " of the " + len + " announced";
            }
            fail(stage, elapsedMs(nowNanos), ev, Causes.TRUNCATED_RESPONSE,
                    "received " + pendingBytes + " byte(s)" + announced + ", then nothing for "
                            + settings.stageTimeoutMillis() + " ms");
        }
        return Action.DONE;
    }

    // ---- bookkeeping ---------------------------------------------------------------------------------

    private void startStage(Stage s, long nowNanos) {
        stage = s;
        stageStartNanos = nowNanos;
        receivedInStage = 0;
        deadlineNanos = nowNanos + settings.stageTimeoutMillis() * 1_000_000L;
    }

    private long elapsedMs(long nowNanos) {
        return Math.max(0, (nowNanos - stageStartNanos) / 1_000_000L);
    }

    private void fail(Stage s, long elapsedMs, Map<String, Object> ev, Cause cause, String summary) {
        stage = s;
        results.add(StageResult.failed(s, elapsedMs, ev, cause, summary));
        done = true;
        deadlineNanos = Long.MAX_VALUE;
    }

    private void warn(Stage s, long elapsedMs, Map<String, Object> ev, Cause cause, String summary) {
        results.add(StageResult.warning(s, elapsedMs, ev, cause, summary));
    }

    /** Stages this probe would have run after the current results, for NOT_REACHED padding. */
    List<Stage> plannedStages() {
        List<Stage> plan = new ArrayList<>(List.of(Stage.DNS, Stage.TCP));
        if (viaGateway) {
            plan.addAll(List.of(Stage.GATEWAY_TLS, Stage.GATEWAY_HTTP, Stage.GATEWAY_TUNNEL, Stage.GATEWAY_CHANNEL));
        }
        plan.add(Stage.X224);
        Integer req = settings.requestedProtocols();
        boolean tlsLikely = selectedProtocol >= 0 ? Protocols.usesTls(selectedProtocol) : req != null && req != Protocols.RDP;
        if (settings.stopAfter() != Stage.X224 && tlsLikely) {
            plan.add(Stage.TLS);
            boolean nlaLikely = selectedProtocol >= 0 ? Protocols.usesCredSsp(selectedProtocol)
                    : req != null && (req & (Protocols.HYBRID | Protocols.HYBRID_EX)) != 0;
            if (settings.stopAfter() != Stage.TLS && nlaLikely) {
                plan.add(Stage.CREDSSP);
            }
        }
        boolean sessionPlanned = session != null || (settings.stopAfter() == null
                && (selectedProtocol < 0 ? !(req != null && (req & (Protocols.HYBRID | Protocols.HYBRID_EX)) != 0
                        && (req & Protocols.SSL) == 0) || settings.credssp().options().delegate()
                        : !Protocols.usesCredSsp(selectedProtocol) || settings.credssp().options().delegate()));
        if (sessionPlanned) {
            plan.add(Stage.MCS);
            if (selectedProtocol == Protocols.RDP || (selectedProtocol < 0 && req != null && req == Protocols.RDP)) {
                plan.add(Stage.SECURITY_EXCHANGE);
            }
            plan.add(Stage.LICENSING);
            plan.add(Stage.ACTIVATION);
        }
        return plan;
    }

    /** The report: every stage run, then NOT_REACHED for planned stages after a failure. */
    public Report report(String target) {
        List<StageResult> all = new ArrayList<>(results);
        boolean failed = all.stream().anyMatch(r -> r.status() == Status.FAILED);
        if (failed) {
            List<Stage> plan = plannedStages();
            Stage failedAt = all.stream().filter(r -> r.status() == Status.FAILED).findFirst().orElseThrow().stage();
            int from = plan.indexOf(failedAt);
            for (int i = from + 1; i < plan.size() && from >= 0; i++) {
                Stage s = plan.get(i);
                if (all.stream().noneMatch(r -> r.stage() == s)) {
                    all.add(StageResult.notReached(s));
                }
            }
        }
        return new Report(target, all);
    }
}
