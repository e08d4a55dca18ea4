package io.rdpprobe.capture;

import io.rdpprobe.capture.RdpConnection.Side;
import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.SessionCauses;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.model.Verdict;
import io.rdpprobe.probe.session.ServerDisconnect;
import io.rdpprobe.protocol.tls.CipherSuites;
import io.rdpprobe.protocol.tls.TlsVersions;
import io.rdpprobe.protocol.x224.ConnectionRequest;
import io.rdpprobe.protocol.x224.CrToken;
import io.rdpprobe.protocol.x224.NegotiationResponse;
import io.rdpprobe.protocol.x224.Protocols;
import io.rdpprobe.probe.tls.CertificateAnalysis;
import io.rdpprobe.probe.tls.CertificateAnalyzer;
import io.rdpprobe.probe.tls.TrustSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what one {@link RdpConnection} showed into the probe's stage {@link Report}: the stages in order, each OK,
 * FAILED (with the cause the capture shows), SKIPPED (does not apply) or NOT_REACHED (not visible, or the capture
 * ends first). Timestamps are capture times.
 */
final class ReportBuilder {
    /** TLS application records both ways after which an encrypted CredSSP exchange is taken as passed. */
    static final int CREDSSP_RECORDS = 12;

    private final RdpConnection c;
    private final List<StageResult> stages = new ArrayList<>();
    private boolean stopped;

    private ReportBuilder(RdpConnection c) {
        this.c = c;
    }

    static Report build(RdpConnection c) {
        return new ReportBuilder(c).build();
    }

    private Report build() {
        tcp();
        x224();
        boolean tlsPath = c.selectedProtocol > 0;
        if (tlsPath) {
            tls();
            credssp();
            Stage stoppedAfter = c.probeStoppedAfter();
            for (Stage s : new Stage[] {Stage.MCS, Stage.SECURITY_EXCHANGE, Stage.LICENSING, Stage.ACTIVATION}) {
                if (!stopped && stoppedAfter != null && stoppedAfter.ordinal() < s.ordinal() && c.closedBy == Side.CLIENT) {
                    add(new StageResult(s, Status.NOT_REACHED, 0, Map.of(), null, "not tried: " + c.probeStop, false));
                    continue;
                }
                add(stopped ? StageResult.notReached(s)
                        : new StageResult(s, Status.NOT_REACHED, 0, Map.of(), null, "inside TLS: not visible in the capture without the session keys", false));
            }
        } else {
            if (!stopped) {
                add(StageResult.skipped(Stage.TLS, "Standard RDP Security: no TLS"));
                add(StageResult.skipped(Stage.CREDSSP, "Standard RDP Security: no CredSSP"));
            } else {
                add(StageResult.notReached(Stage.TLS));
                add(StageResult.notReached(Stage.CREDSSP));
            }
            mcs();
            securityExchange();
            licensing();
            if (!stopped) {
                add(new StageResult(Stage.ACTIVATION, Status.NOT_REACHED, 0, Map.of(), null,
                        "Demand Active is RC4-encrypted under Standard RDP Security: not visible", false));
            } else {
                add(StageResult.notReached(Stage.ACTIVATION));
            }
        }
        return new Report(target(), stages, Verdict.from(stages),
                List.of(new io.rdpprobe.probe.model.CaptureSection(captureSection())));
    }

    String target() {
        return c.client + " -> " + c.server;
    }

    private void add(StageResult r) {
        stages.add(r);
        if (r.status() == Status.FAILED || (r.status() == Status.NOT_REACHED && r.stage() != Stage.ACTIVATION)) {
            stopped = true;
        }
    }

    private static long ms(long from, long to) {
        return from < 0 || to < 0 ? 0 : Math.max(0, (to - from) / 1_000_000L);
    }

    private static String at(long ts) {
        return Instant.ofEpochSecond(0, ts).toString();
    }

    /**
     * The client closed and the capture carries rdp-probe's stop marker: the probe's own reason, not a guess about the
     * client. Stopped by design: the stages up to the marked one are OK as the probe saw them, the rest NOT_REACHED (not
     * tried); gave up: the client's close, explained by the probe's own verdict. Null without a marker.
     */
    private StageResult probeStopped(Stage st, long since, Map<String, Object> ev, String waitingFor) {
        if (c.closedBy != Side.CLIENT || c.probeStop == null) {
            return null;
        }
        ev.put("closedBy", "client (rdp-probe)");
        ev.put("close", c.closeKind);
        ev.put("probeMarker", c.probeStop);
        Stage after = c.probeStoppedAfter();
        if (after == null) {
            return StageResult.failed(st, ms(since, c.tClose), ev, CaptureCauses.CLIENT_CLOSED, "rdp-probe closed the "
                    + "connection (" + c.closeKind + ") while waiting for " + waitingFor + ": " + c.probeStop);
        }
        if (st.ordinal() <= after.ordinal()) {
            return StageResult.ok(st, ms(since, c.tClose), ev, "per the probe's marker in the capture: " + c.probeStop);
        }
        return new StageResult(st, Status.NOT_REACHED, 0, ev, null, "not tried: " + c.probeStop, false);
    }

    /** A stage that did not complete: the close (who, how, after what) or the end of the capture says why. */
    private StageResult incomplete(Stage st, long since, Map<String, Object> ev, String waitingFor, Side awaited) {
        StageResult marked = probeStopped(st, since, ev, waitingFor);
        if (marked != null) {
            return marked;
        }
        long lostBytes = awaited == null ? c.lost[0] + c.lost[1] : c.lost[awaited.ordinal()];
        String lostNote = lostBytes > 0 ? "; capture lost " + lostBytes + " bytes" : "";
        if (c.closedBy != null) {
            ev.put("closedBy", c.closedBy.lower());
            ev.put("close", c.closeKind);
            if (c.closeAfter != null) ev.put("closedAfter", c.closeAfter);
            Cause cause;
            if (c.closedBy == Side.SERVER) {
                cause = "RST".equals(c.closeKind) ? Causes.CONNECTION_RESET : Causes.CONNECTION_CLOSED;
            } else {
                cause = "RST".equals(c.closeKind) ? CaptureCauses.CLIENT_RESET : CaptureCauses.CLIENT_CLOSED;
            }
            String summary = "the " + c.closedBy.lower() + " closed the connection (" + c.closeKind + ")"
                    + (c.closeAfter != null ? " after " + c.closeAfter : "") + " while waiting for " + waitingFor + lostNote;
            return StageResult.failed(st, ms(since, c.tClose), ev, cause, summary);
        }
        return new StageResult(st, Status.NOT_REACHED, 0, ev, null, "the capture ends while waiting for " + waitingFor + lostNote, false);
    }

    /**
     * The server ended the connection in a session stage (an MCS Disconnect Provider Ultimatum, a close, or both):
     * the same verdict as the live probe's ({@link ServerDisconnect}).
     */
    private StageResult serverDisconnect(Stage st, long since, Map<String, Object> ev, String waitingFor) {
        io.rdpprobe.protocol.mcs.DisconnectReason reason = c.disconnectUltimatum && c.ultimatumReason >= 0
                ? new io.rdpprobe.protocol.mcs.DisconnectReason(c.ultimatumReason) : null;
        String close = c.closedBy == Side.SERVER ? c.closeKind : null;
        ServerDisconnect.Judgement j = ServerDisconnect.judge(waitingFor, reason, close);
        ev.putAll(j.evidence());
        if (c.closedBy != null) {
            ev.put("closedBy", c.closedBy.lower());
            if (c.closeAfter != null) ev.put("closedAfter", c.closeAfter);
        }
        if (c.disconnectUltimatum) ev.put("disconnectProviderUltimatum", at(c.tUltimatum));
        long end = c.disconnectUltimatum ? c.tUltimatum : c.tClose;
        return StageResult.failed(st, ms(since, end), ev, j.cause(), j.summary());
    }

    // ---- TCP ---------------------------------------------------------------------------------------------
    private void tcp() {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("client", c.client.toString());
        ev.put("server", c.server.toString());
        ev.put("startedAt", at(c.synSeen ? c.tSyn : c.firstSeen));
        if (!c.synSeen) {
            ev.put("handshake", "not in the capture");
            add(StageResult.ok(Stage.TCP, 0, ev, "connection already open when the capture started (no SYN seen)"));
            return;
        }
        if (c.refused) {
            ev.put("handshake", "SYN answered by RST");
            add(StageResult.failed(Stage.TCP, ms(c.tSyn, c.tClose), ev, Causes.CONNECTION_REFUSED,
                    "the server answered the SYN with a reset"));
            return;
        }
        if (c.tSynAck < 0) {
            if (c.s2c.delivered() > 0) {
                ev.put("handshake", "SYN seen, SYN+ACK not in the capture");
                add(StageResult.ok(Stage.TCP, 0, ev, "SYN+ACK missing from the capture, but the server sent data"));
                return;
            }
            ev.put("handshake", "SYN without answer");
            add(StageResult.inferredFailure(Stage.TCP, ms(c.tSyn, c.lastSeen), ev, Causes.CONNECT_TIMEOUT,
                    "no SYN+ACK in the capture"));
            return;
        }
        ev.put("handshake", "SYN, SYN+ACK");
        ProxyPreamble px = c.proxy();
        if (px == null) {
            add(StageResult.ok(Stage.TCP, ms(c.tSyn, c.tSynAck), ev, "connected"));
            return;
        }
        // The TCP connection goes to a proxy; the RDP stream starts after its handshake.
        ev.put("proxy", px.kind);
        if (px.destination != null) ev.put("proxyDestination", px.destination);
        if (px.authentication != null) ev.put("proxyAuthentication", px.authentication);
        if (px.reply != null) ev.put("proxyReply", px.reply);
        if (px.abandoned != null) ev.put("proxyNote", px.abandoned);
        String via = "the " + px.kind + " proxy " + c.server;
        if (px.refused) {
            add(StageResult.failed(Stage.TCP, ms(c.tSyn, px.tReply), ev, CaptureCauses.PROXY_REFUSED,
                    via + " refused to connect to " + (px.destination == null ? "the destination" : px.destination) + ": " + px.reply));
            return;
        }
        if (!px.completed) {
            add(incomplete(Stage.TCP, c.tSyn, ev, "the end of the " + px.kind + " proxy handshake"
                    + (px.abandoned != null ? " (" + px.abandoned + ")" : ""), null));
            return;
        }
        add(StageResult.ok(Stage.TCP, ms(c.tSyn, px.tReply), ev, "connected through " + via + " to " + px.destination));
    }

    // ---- X224 --------------------------------------------------------------------------------------------
    private void x224() {
        if (stopped) {
            add(StageResult.notReached(Stage.X224));
            return;
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ConnectionRequest cr = c.cr;
        if (c.tCr >= 0) ev.put("startedAt", at(c.tCr));
        if (cr != null) {
            if (cr.token() instanceof CrToken.Cookie ck) ev.put("cookie", ck.identifier());
            if (cr.token() instanceof CrToken.RoutingToken rt) ev.put("routingToken", rt.value());
            ev.put("requestedProtocols", Protocols.describe(cr.requestedProtocols()));
            if (cr.negotiation() == null) ev.put("negotiation", "legacy request without RDP_NEG_REQ");
            else if (!cr.negotiation().flagNames().isEmpty()) ev.put("requestFlags", cr.negotiation().flagNames());
            if (cr.correlation() != null) ev.put("correlationInfo", true);
        }
        if (c.crError != null) ev.put("clientError", c.crError);
        if (!c.synSeen && cr == null && c.cc == null && c.tCr < 0) {
            add(new StageResult(Stage.X224, Status.NOT_REACHED, 0, ev, null,
                    "the capture starts after the X.224 negotiation (the connection was already open)", false));
            return;
        }
        if (c.ccError != null) {
            ev.put("error", c.ccError.getMessage());
            add(StageResult.failed(Stage.X224, ms(c.tCr, c.tCc), ev, Causes.MALFORMED_RESPONSE,
                    "the server's X.224 Connection Confirm is malformed: " + c.ccError.getMessage()));
            return;
        }
        if (c.serverRefusal != null) {
            ev.put("serverReply", c.serverRefusal);
            add(StageResult.failed(Stage.X224, ms(c.tCr, c.tCc), ev,
                    c.serverRefusal.startsWith("X.224 Disconnect") ? Causes.X224_DISCONNECT : Causes.X224_ERROR, c.serverRefusal));
            return;
        }
        if (c.failure != null) {
            ev.put("failureCode", c.failure.failureCode().toString());
            add(StageResult.failed(Stage.X224, ms(c.tCr, c.tCc), ev, Causes.forFailureCode(c.failure.failureCode()),
                    "the server refused the negotiation with RDP_NEG_FAILURE " + c.failure.failureCode().name() + ": "
                            + c.failure.failureCode().meaning()));
            return;
        }
        if (c.cc != null) {
            ev.put("selectedProtocol", Protocols.name(c.selectedProtocol));
            if (c.cc.negotiation() instanceof NegotiationResponse r) {
                if (!r.flagNames().isEmpty()) ev.put("responseFlags", r.flagNames());
            } else {
                ev.put("negotiation", "bare Connection Confirm (no RDP_NEG_RSP)");
            }
            if (cr == null && c.crError != null) {
                add(StageResult.failed(Stage.X224, ms(c.tCr, c.tCc), ev, CaptureCauses.MALFORMED_REQUEST, c.crError));
                return;
            }
            String sel = Protocols.name(c.selectedProtocol);
            if (cr != null && c.selectedProtocol != 0 && (cr.requestedProtocols() & c.selectedProtocol) == 0) {
                add(StageResult.warning(Stage.X224, ms(c.tCr, c.tCc), ev, Causes.PROTOCOL_NOT_REQUESTED,
                        "the server selected " + sel + ", which the client did not request"));
                return;
            }
            add(StageResult.ok(Stage.X224, ms(c.tCr, c.tCc), ev, "the server selected " + sel));
            return;
        }
        if (cr == null && c.crError != null) {
            add(StageResult.failed(Stage.X224, 0, ev, CaptureCauses.MALFORMED_REQUEST, c.crError));
            return;
        }
        if (cr == null) {
            add(incomplete(Stage.X224, c.firstSeen, ev, "the client's X.224 Connection Request", Side.CLIENT));
            return;
        }
        add(incomplete(Stage.X224, c.tCr, ev, "the server's X.224 Connection Confirm", Side.SERVER));
    }

    // ---- TLS ---------------------------------------------------------------------------------------------
    private void tls() {
        if (stopped) {
            add(StageResult.notReached(Stage.TLS));
            return;
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        if (c.tClientHello >= 0) ev.put("startedAt", at(c.tClientHello));
        if (c.clientHello != null) {
            ev.put("clientMaxVersion", TlsVersions.name(c.clientHello.maxVersion()));
            ev.put("cipherSuitesOffered", c.clientHello.cipherSuites().size());
            if (c.clientHello.serverName() != null) ev.put("sni", c.clientHello.serverName());
        }
        if (c.serverHello != null) {
            ev.put("version", TlsVersions.name(c.serverHello.version()));
            ev.put("cipherSuite", CipherSuites.name(c.serverHello.cipherSuite()));
        }
        if (c.certificates != null) {
            List<Object> chain = new ArrayList<>();
            for (byte[] der : c.certificates) {
                chain.add(CertificateInfo.describe(der));
            }
            ev.put("certificates", chain);
        } else if (c.serverHello != null && c.serverHello.version() == TlsVersions.TLS13) {
            ev.put("certificates", "encrypted (TLS 1.3)");
        }
        if (!c.alerts.isEmpty()) ev.put("alerts", List.copyOf(c.alerts));
        if (c.tlsError != null) ev.put("error", c.tlsError);
        if (c.fatalAlert != null) {
            add(StageResult.failed(Stage.TLS, ms(c.tClientHello, c.tAlert), ev, io.rdpprobe.probe.model.TlsCauses.TLS_ALERT,
                    "the " + c.fatalAlertFrom.lower() + " sent a fatal TLS alert: " + c.fatalAlert.descriptionName()));
            return;
        }
        if (c.tlsError != null && c.tlsError.startsWith("server")) {
            add(StageResult.failed(Stage.TLS, ms(c.tClientHello, c.tServerHello), ev, Causes.MALFORMED_RESPONSE,
                    "the server's TLS handshake is malformed: " + c.tlsError));
            return;
        }
        if (c.tTlsDone >= 0 && c.serverHello != null) {
            add(StageResult.ok(Stage.TLS, ms(c.tClientHello, c.tTlsDone), ev,
                    TlsVersions.name(c.serverHello.version()) + " " + CipherSuites.name(c.serverHello.cipherSuite())));
            return;
        }
        add(incomplete(Stage.TLS, c.tClientHello >= 0 ? c.tClientHello : c.tCc, ev,
                c.clientHello == null ? "the client's TLS ClientHello" : "the TLS handshake to complete", null));
    }

    private void credssp() {
        if (stopped) {
            add(StageResult.notReached(Stage.CREDSSP));
            return;
        }
        if (!Protocols.usesCredSsp(c.selectedProtocol)) {
            add(StageResult.skipped(Stage.CREDSSP, Protocols.name(c.selectedProtocol) + " selected: no CredSSP"));
            return;
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        if (c.tFirstApp[0] >= 0) ev.put("startedAt", at(c.tFirstApp[0]));
        ev.put("clientRecords", c.appRecords[0]);
        ev.put("serverRecords", c.appRecords[1]);
        ev.put("clientBytes", c.appBytes[0]);
        ev.put("serverBytes", c.appBytes[1]);
        long total = c.appRecords[0] + c.appRecords[1];
        if (total > CREDSSP_RECORDS) {
            add(StageResult.ok(Stage.CREDSSP, 0, ev, "encrypted; " + total
                    + " TLS records followed, so authentication most likely passed (not decrypted)"));
            return;
        }
        StageResult marked = probeStopped(Stage.CREDSSP, c.tFirstApp[0] >= 0 ? c.tFirstApp[0] : c.tTlsDone, ev,
                "the end of the encrypted CredSSP exchange");
        if (marked != null) {
            add(marked);
            return;
        }
        if (c.closedBy != null) {
            StageResult r = incomplete(Stage.CREDSSP, c.tFirstApp[0] >= 0 ? c.tFirstApp[0] : c.tTlsDone, ev,
                    "the end of the encrypted CredSSP exchange", null);
            String summary = "the " + c.closedBy.lower() + " closed the connection (" + c.closeKind
                    + ") during the encrypted CredSSP exchange, after " + c.appRecords[0] + " client and " + c.appRecords[1]
                    + " server TLS records" + (c.closedBy == Side.SERVER
                    ? "; NLA failures (wrong password, missing logon right, locked account) end like this"
                    : "; the client gave up (credential prompt cancelled, or its own NLA check failed)");
            add(new StageResult(r.stage(), r.status(), r.elapsedMs(), r.evidence(), r.cause(), summary, true));
            return;
        }
        add(incomplete(Stage.CREDSSP, c.tTlsDone, ev, "the end of the encrypted CredSSP exchange", null));
    }

    // ---- Standard RDP Security ---------------------------------------------------------------------------
    private void mcs() {
        if (stopped) {
            add(StageResult.notReached(Stage.MCS));
            return;
        }
        GccFields g = c.gcc;
        Map<String, Object> ev = new LinkedHashMap<>();
        if (c.tConnectInitial >= 0) {
            ev.put("startedAt", at(c.tConnectInitial));
            ev.put("client", g.clientEvidence());
        }
        if (g.serverResponseSeen) {
            ev.put("server", g.serverEvidence());
        }
        if (g.decodeError != null) ev.put("error", g.decodeError);
        if (c.tConnectInitial < 0) {
            add(incomplete(Stage.MCS, c.tCc, ev, "the client's MCS Connect-Initial", Side.CLIENT));
            return;
        }
        if (!g.serverResponseSeen) {
            if (c.disconnectUltimatum || c.closedBy == Side.SERVER) {
                add(serverDisconnect(Stage.MCS, c.tConnectInitial, ev, "the MCS Connect-Response"));
                return;
            }
            add(incomplete(Stage.MCS, c.tConnectInitial, ev, "the server's MCS Connect-Response", Side.SERVER));
            return;
        }
        if (g.decodeError != null && g.decodeError.startsWith("server")) {
            add(StageResult.failed(Stage.MCS, ms(c.tConnectInitial, c.tConnectResponse), ev, Causes.MALFORMED_RESPONSE,
                    "the server's MCS Connect-Response is malformed: " + g.decodeError));
            return;
        }
        if (g.mcsResult > 0) {
            io.rdpprobe.probe.model.Cause cause = SessionCauses.mcsRejected(new io.rdpprobe.protocol.mcs.McsResult(g.mcsResult));
            add(StageResult.failed(Stage.MCS, ms(c.tConnectInitial, c.tConnectResponse), ev, cause, cause.title()));
            return;
        }
        if (g.gccResult > 0) {
            add(StageResult.failed(Stage.MCS, ms(c.tConnectInitial, c.tConnectResponse), ev, SessionCauses.GCC_CONFERENCE_REJECTED,
                    "the server rejected the GCC conference create request (result " + g.gccResult + ")"));
            return;
        }
        String enc = g.encryptionMethod >= 0 ? ", " + new io.rdpprobe.protocol.gcc.EncryptionLevel((int) g.encryptionLevel).name()
                + " / " + new io.rdpprobe.protocol.gcc.EncryptionMethod((int) g.encryptionMethod).name() : "";
        String summary = "conference created" + enc;
        CertificateAnalysis.Finding worst = serverCertificateChain(g, ev);
        if (worst != null) {
            int n = ((List<?>) ev.get("certificateFindings")).size();
            add(StageResult.warning(Stage.MCS, ms(c.tConnectInitial, c.tConnectResponse), ev, worst.cause(),
                    summary + "; server certificate chain: " + worst.detail() + (n > 1 ? " (+" + (n - 1) + " more finding(s))" : "")));
            return;
        }
        add(StageResult.ok(Stage.MCS, ms(c.tConnectInitial, c.tConnectResponse), ev, summary));
    }

    /** No trust anchors in a capture: the chain is judged for dates, keys and signatures, and reported as untrusted. */
    private static final TrustSettings NO_ANCHORS = new TrustSettings(List.of(), java.util.Set.of(), false);

    /**
     * The X.509 chain of the Server Security Data (Standard RDP Security), analysed certificate by certificate with
     * the TLS stage's {@link CertificateAnalyzer}, its dates judged at the capture time of the Connect-Response (when
     * the server presented it). Returns the most severe finding, or null.
     */
    private CertificateAnalysis.Finding serverCertificateChain(GccFields g, Map<String, Object> ev) {
        if (g.certChain == null || g.certChain.isEmpty()) {
            return null;
        }
        Instant at = Instant.ofEpochSecond(0, c.tConnectResponse);
        CertificateAnalysis ca = CertificateAnalyzer.analyzeStandardSecurityChain(g.certChain, at, NO_ANCHORS);
        ev.put("serverCertificates", ca.certificates());
        ev.put("serverCertificateOrder", "the server's certificate first (on the wire it is the last of "
                + g.certChain.size() + ", MS-RDPBCGR 2.2.1.4.3.1.2)");
        ev.put("certificatesJudgedAt", at.toString() + " (capture time of the Connect-Response)");
        List<String> findings = new ArrayList<>();
        for (CertificateAnalysis.Finding f : ca.findings()) {
            findings.add(f.cause().code() + ": " + f.detail());
        }
        ev.put("certificateFindings", findings);
        return ca.mostSevere();
    }

    private void securityExchange() {
        if (stopped) {
            add(StageResult.notReached(Stage.SECURITY_EXCHANGE));
            return;
        }
        GccFields g = c.gcc;
        if (g.encryptionMethod == 0 && g.encryptionLevel == 0) {
            add(StageResult.skipped(Stage.SECURITY_EXCHANGE, "the server chose no encryption"));
            return;
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        if (c.tSecurityExchange >= 0) {
            ev.put("startedAt", at(c.tSecurityExchange));
            if (c.tClientInfo >= 0) ev.put("clientInfoAt", at(c.tClientInfo));
            add(StageResult.ok(Stage.SECURITY_EXCHANGE, ms(c.tConnectResponse, c.tSecurityExchange), ev,
                    "the client sent its encrypted client random"));
            return;
        }
        add(incomplete(Stage.SECURITY_EXCHANGE, c.tConnectResponse, ev, "the client's Security Exchange PDU", Side.CLIENT));
    }

    private void licensing() {
        if (stopped) {
            add(StageResult.notReached(Stage.LICENSING));
            return;
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        if (c.errorInfo >= 0) ev.put("errorInfo", new io.rdpprobe.protocol.errors.ErrorInfo((int) c.errorInfo).toString());
        if (c.disconnectUltimatum) ev.put("disconnectProviderUltimatum", at(c.tUltimatum));
        if (c.errorInfo >= 0) {
            io.rdpprobe.probe.model.Cause cause = SessionCauses.forErrorInfo(
                    new io.rdpprobe.protocol.errors.ErrorInfo((int) c.errorInfo), "FIN".equals(c.closeKind) || "RST".equals(c.closeKind));
            add(StageResult.failed(Stage.LICENSING, ms(c.tSecurityExchange, c.tErrorInfo), ev, cause, cause.title()));
            return;
        }
        if (c.licensePdu != null && c.licensePdu.errorMessage() != null && !c.licensePdu.isValidClient()) {
            ev.put("startedAt", at(c.tLicense));
            ev.put("license", c.license);
            io.rdpprobe.probe.model.Cause cause = SessionCauses.forLicenseError(c.licensePdu.errorMessage().errorCode(),
                    c.licensePdu.errorMessage().stateTransition());
            add(StageResult.failed(Stage.LICENSING, ms(c.tSecurityExchange, c.tLicense), ev, cause, cause.title()));
            return;
        }
        if (c.disconnectUltimatum && c.license == null) {
            StageResult r = serverDisconnect(Stage.LICENSING, c.tSecurityExchange >= 0 ? c.tSecurityExchange : c.tConnectResponse,
                    ev, "a licensing PDU");
            add(new StageResult(r.stage(), r.status(), r.elapsedMs(), r.evidence(), r.cause(), r.summary()
                    + (c.encryptedPdus[1] > 0 ? "; under Standard RDP Security a Set Error Info with its reason, if the "
                    + "server sent one, is encrypted" : ""), r.inferred()));
            return;
        }
        if (c.license != null) {
            ev.put("startedAt", at(c.tLicense));
            ev.put("license", c.license);
            add(StageResult.ok(Stage.LICENSING, ms(c.tSecurityExchange, c.tLicense), ev, "licensing PDU: " + c.license));
            return;
        }
        if (c.closedBy == Side.SERVER && c.encryptedPdus[1] == 0 && c.tClientInfo >= 0) {
            add(serverDisconnect(Stage.LICENSING, c.tClientInfo, ev, "a licensing PDU"));
            return;
        }
        add(new StageResult(Stage.LICENSING, Status.NOT_REACHED, 0, ev, null,
                c.encryptedPdus[1] > 0 ? "RC4-encrypted: not visible" : "no licensing PDU in the capture", false));
    }

    private Map<String, Object> captureSection() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connection", c.probeOwn ? "rdp-probe's own connection (marked in the capture)" : "capture connection");
        m.put("heading", (c.probeOwn ? "rdp-probe's own connection " : "capture connection ") + c.client + " -> " + c.server
                + " (client -> server)");
        if (c.probeStop != null) m.put("probeMarker", c.probeStop);
        m.put("firstPacket", at(c.firstSeen));
        m.put("lastPacket", at(c.lastSeen));
        m.put("clientBytes", c.c2s.delivered());
        m.put("serverBytes", c.s2c.delivered());
        if (c.lost[0] + c.lost[1] > 0) {
            m.put("lostBytes", Map.of("client", c.lost[0], "server", c.lost[1]));
        }
        long rt = c.c2s.retransmitted() + c.s2c.retransmitted();
        if (rt > 0) m.put("retransmittedBytes", rt);
        if (c.closedBy != null) {
            Map<String, Object> close = new LinkedHashMap<>();
            close.put("by", c.closedBy.lower());
            close.put("how", c.closeKind);
            close.put("at", at(c.tClose));
            if (c.closeAfter != null) close.put("after", c.closeAfter);
            m.put("close", close);
        } else {
            m.put("close", "still open when the capture ends");
        }
        if (c.lastPdu != null) m.put("lastPdu", c.lastPdu);
        List<String> notes = new ArrayList<>(c.notes.subList(0, Math.min(20, c.notes.size())));
        if (c.lateSegments > 0) {
            Map<String, Object> late = new LinkedHashMap<>();
            late.put("segments", c.lateSegments);
            late.put("fromClient", c.lateBy[0]);
            late.put("fromServer", c.lateBy[1]);
            late.put("payloadBytes", c.lateBytes);
            late.put("first", at(c.tFirstLate));
            late.put("last", at(c.tLastLate));
            m.put("lateSegments", late);
            notes.add(c.lateSegments + " segment(s) (" + c.lateBytes + " payload bytes; " + c.lateBy[0] + " from the client, "
                    + c.lateBy[1] + " from the server) arrived after the " + c.closeKind + " without a new SYN, the last "
                    + ms(c.tClose, c.tLastLate) + " ms after it: late segments of this connection, not decoded");
        }
        if (!notes.isEmpty()) m.put("notes", notes);
        return m;
    }
}
