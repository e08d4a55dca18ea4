package io.rdpprobe.capture;

import io.rdpprobe.capture.RdpConnection.Side;
import io.rdpprobe.probe.credssp.CredSspReading;
import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.SessionCauses;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.model.Verdict;
import io.rdpprobe.probe.session.ServerDisconnect;
import io.rdpprobe.protocol.codec.Named;
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
        if (c.gateway != null) {
            gateway();
        } else {
            targetStages();
        }
        return new Report(target(), stages, Verdict.from(stages),
                List.of(new io.rdpprobe.probe.model.CaptureSection(captureSection())));
    }

    /**
     * Through an RD Gateway: GATEWAY_TLS from the outer TLS handshake, GATEWAY_HTTP/TUNNEL/CHANNEL from the
     * {@link GatewayObserver} (the live probe's {@link io.rdpprobe.probe.gateway.GatewayReading}), then the target's
     * stages from the tunnelled connection, read as a direct connection's are.
     */
    private void gateway() {
        GatewayObserver g = c.gateway;
        tls(Stage.GATEWAY_TLS);
        for (StageResult r : g.results()) {
            add(r);
        }
        GatewayObserver.Pending p = g.pending();
        if (!stopped && p != null) {
            if (p.afterAuthenticate() && c.closedBy == Side.SERVER) {
                io.rdpprobe.probe.gateway.GatewayReading.Failure f = io.rdpprobe.probe.gateway.GatewayReading.closedAfterAuthenticate();
                Map<String, Object> ev = new LinkedHashMap<>(p.evidence());
                ev.put("closedBy", "gateway (" + c.closeKind + ")");
                add(new StageResult(p.stage(), Status.FAILED, ms(p.since(), c.tClose), ev, f.cause(), f.summary(), f.inferred()));
            } else if (c.closedBy == Side.SERVER && c.probeStop == null) {
                // the gateway's close in a gateway stage: the live sequence's reading (GATEWAY_CLOSED / CONNECTION_RESET)
                io.rdpprobe.probe.gateway.GatewayReading.Failure f = io.rdpprobe.probe.gateway.GatewayReading.closed(
                        "RST".equals(c.closeKind), "while waiting for " + p.waitingFor());
                Map<String, Object> ev = new LinkedHashMap<>(p.evidence());
                ev.put("closedBy", "gateway (" + c.closeKind + ")");
                if (c.closeAfter != null) ev.put("closedAfter", c.closeAfter);
                add(new StageResult(p.stage(), Status.FAILED, ms(p.since(), c.tClose), ev, f.cause(), f.summary(), f.inferred()));
            } else {
                add(incomplete(p.stage(), p.since(), new LinkedHashMap<>(p.evidence()), p.waitingFor(), Side.SERVER));
            }
        }
        for (Stage s : new Stage[] {Stage.GATEWAY_HTTP, Stage.GATEWAY_TUNNEL, Stage.GATEWAY_CHANNEL}) {
            if (stages.stream().noneMatch(r -> r.stage() == s)) {
                add(StageResult.notReached(s));
            }
        }
        if (!stopped && c.inner != null) {
            ReportBuilder in = new ReportBuilder(c.inner);
            in.targetStages();
            for (StageResult r : in.stages) {
                add(r);
            }
            StageResult closed = g.closedDuringTarget();
            if (closed != null) {
                add(closed);
            }
        } else {
            for (Stage s : new Stage[] {Stage.X224, Stage.TLS, Stage.CREDSSP, Stage.MCS, Stage.SECURITY_EXCHANGE,
                    Stage.LICENSING, Stage.ACTIVATION}) {
                add(StageResult.notReached(s));
            }
        }
    }

    /** The target's stages, X224 on: a direct connection's, or the tunnelled one's through a gateway. */
    private void targetStages() {
        x224();
        boolean tlsPath = Protocols.usesTls(c.selectedProtocol());
        if (tlsPath && decryptedSession()) {
            tls(Stage.TLS);
            credssp();
            mcs();
            securityExchange();
            licensing();
            activation();
        } else if (tlsPath) {
            tls(Stage.TLS);
            credssp();
            Stage stoppedAfter = c.probeStoppedAfter();
            for (Stage s : new Stage[] {Stage.MCS, Stage.SECURITY_EXCHANGE, Stage.LICENSING, Stage.ACTIVATION}) {
                if (!stopped && stoppedAfter != null && stoppedAfter.ordinal() < s.ordinal() && c.closedBy == Side.CLIENT) {
                    add(new StageResult(s, Status.NOT_REACHED, 0, Map.of(), null, "not tried: " + c.probeStop, false));
                    continue;
                }
                add(stopped ? StageResult.notReached(s)
                        : new StageResult(s, Status.NOT_REACHED, 0, Map.of(), null, "inside TLS: not visible in the capture without the session keys"
                        + (c.decryption != null ? " (" + notDecrypted() + ")" : ""), false));
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
            activation();
        }
    }

    /** The TLS application data was decrypted (some plaintext came out): the session stages are read from it. */
    private boolean decryptedSession() {
        TlsDecryption d = c.decryption;
        return d != null && d.started() && d.plaintextBytes[0] + d.plaintextBytes[1] > 0;
    }

    /** "not decrypted: NO_SECRET" (per side when they differ), for a result read without decryption. */
    private String notDecrypted() {
        TlsDecryption d = c.decryption;
        if (d == null) {
            return "not decrypted: no secrets given";
        }
        if (d.failure[0] == d.failure[1]) {
            return "not decrypted: " + (d.failure[0] == null ? "no plaintext" : d.failure[0].name());
        }
        return "not decrypted: client " + (d.failure[0] == null ? "-" : d.failure[0].name()) + ", server "
                + (d.failure[1] == null ? "-" : d.failure[1].name());
    }

    /**
     * A stage inside TLS that did not complete while the awaited side's records stopped decrypting: the capture does
     * not show it, and the reason is the decryption's (BAD_RECORD_MAC, GAP, ...). Null when decryption did not fail.
     */
    private StageResult undecrypted(Stage st, Map<String, Object> ev, Side awaited) {
        TlsDecryption d = c.decryption;
        if (d == null || !d.started() || st.ordinal() <= Stage.TLS.ordinal()) {
            return null;
        }
        for (Side s : awaited == null ? Side.values() : new Side[] {awaited}) {
            int i = s.ordinal();
            if (d.failure[i] != null) {
                ev.put("notDecrypted", s.lower() + ": " + d.failure[i].name() + (d.failureDetail[i] != null ? " (" + d.failureDetail[i] + ")" : ""));
                return new StageResult(st, Status.NOT_REACHED, 0, ev, null, "inside TLS: the " + s.lower()
                        + "'s records could not be decrypted from " + (d.tFailure[i] >= 0 ? at(d.tFailure[i]) : "the start")
                        + " on: " + d.failure[i].name(), false);
            }
        }
        return null;
    }

    String target() {
        if (c.gateway != null) {
            return c.client + " -> " + c.server + " (RD Gateway) -> " + (c.gateway.target() == null ? "?" : c.gateway.target());
        }
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
        return io.rdpprobe.report.IsoInstant.format(ts);
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
        StageResult hidden = undecrypted(st, ev, awaited);
        if (hidden != null) {
            return hidden;
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
        SessionObserver o = c.session;
        io.rdpprobe.protocol.mcs.DisconnectReason reason = o.ultimatum != null ? o.ultimatum.reason() : null;
        String close = c.closedBy == Side.SERVER ? c.closeKind : null;
        ServerDisconnect.Judgement j = ServerDisconnect.judge(waitingFor, reason, close);
        ev.putAll(j.evidence());
        if (c.closedBy != null) {
            ev.put("closedBy", c.closedBy.lower());
            if (c.closeAfter != null) ev.put("closedAfter", c.closeAfter);
        }
        if (o.ultimatumSeen) ev.put("disconnectProviderUltimatum", at(o.tUltimatum));
        long end = o.ultimatumSeen ? o.tUltimatum : c.tClose;
        return StageResult.failed(st, ms(since, end), ev, j.cause(), j.summary());
    }

    /** The server ended the connection (an Ultimatum, or its close), as the live sequence's closed() sees it. */
    private boolean serverEnded() {
        return c.session.ultimatumSeen || c.closedBy == Side.SERVER;
    }

    /** A Set Error Info PDU in clear, then the end: the live probe's reading (SessionReading.errorInfo). */
    private StageResult errorInfo(Stage st, long since, Map<String, Object> ev) {
        SessionObserver o = c.session;
        ev.put("errorInfo", o.errorInfo.toString());
        if (o.ultimatumSeen) {
            ev.put("disconnectProviderUltimatum", at(o.tUltimatum));
            if (o.ultimatum != null) ev.put("ultimatum", o.ultimatum.reason().name());
        }
        if (c.closedBy != null) ev.put("close", c.closeKind);
        io.rdpprobe.probe.session.SessionReading.Reading r = io.rdpprobe.probe.session.SessionReading.errorInfo(o.errorInfo,
                o.ultimatumAfterErrorInfo());
        return StageResult.failed(st, ms(since, o.tErrorInfo), ev, r.cause(), r.summary());
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
            if (cr.negotiation() != null && !cr.negotiation().flagNames().isEmpty()) {
                ev.put("requestFlags", cr.negotiation().flagNames());
            }
            if (cr.correlation() != null) ev.put("correlationInfo", true);
        }
        if (c.crError != null) ev.put("clientError", c.crError);
        if (!c.synSeen && cr == null && c.cc == null && c.tCr < 0) {
            add(new StageResult(Stage.X224, Status.NOT_REACHED, 0, ev, null,
                    "the capture starts after the X.224 negotiation (the connection was already open)", false));
            return;
        }
        if (c.ccError != null) {
            ev.put("requested", io.rdpprobe.probe.connector.X224Reading.requestedText(
                    io.rdpprobe.probe.connector.X224Reading.requestedBy(cr)));
            ev.put("error", c.ccError.getMessage());
            add(StageResult.failed(Stage.X224, ms(c.tCr, c.tCc), ev, Causes.MALFORMED_RESPONSE,
                    "the server's X.224 Connection Confirm is malformed: " + c.ccError.getMessage()));
            return;
        }
        io.rdpprobe.probe.connector.X224Reading reading = c.x224();
        if (reading != null) {
            if (cr == null && c.crError != null) {
                add(StageResult.failed(Stage.X224, ms(c.tCr, c.tCc), ev, CaptureCauses.MALFORMED_REQUEST, c.crError));
                return;
            }
            // the live probe's reading of the same reply: one verdict, one set of evidence keys
            add(reading.result(ms(c.tCr, c.tCc), ev));
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
        ev.put("requested", io.rdpprobe.probe.connector.X224Reading.requestedText(
                io.rdpprobe.probe.connector.X224Reading.requestedBy(cr)));
        add(incomplete(Stage.X224, c.tCr, ev, "the server's X.224 Connection Confirm", Side.SERVER));
    }

    // ---- TLS ---------------------------------------------------------------------------------------------
    private void tls(Stage st) {
        if (stopped) {
            add(StageResult.notReached(st));
            return;
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        if (c.tClientHello >= 0) ev.put("startedAt", at(c.tClientHello));
        if (c.clientHello != null) {
            ev.put("clientMaxVersion", tlsVersion(c.clientHello.maxVersion()));
            ev.put("cipherSuitesOffered", c.clientHello.cipherSuites().size());
            if (c.clientHello.serverName() != null) ev.put("sni", c.clientHello.serverName());
        }
        if (c.serverHello != null) {
            ev.put("version", tlsVersion(c.serverHello.version()));
            ev.put("cipherSuite", io.rdpprobe.probe.tls.CipherSuites.name(c.serverHello.cipherSuite()));
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
        if (c.decryption != null && (c.appRecords[0] + c.appRecords[1] > 0 || c.decryption.started())) {
            ev.put("decryption", decryptionLine());
        }
        if (c.fatalAlert != null) {
            add(StageResult.failed(st, ms(c.tClientHello, c.tAlert), ev, io.rdpprobe.probe.model.TlsCauses.TLS_ALERT,
                    "the " + c.fatalAlertFrom.lower() + " sent a fatal TLS alert: " + c.fatalAlert.descriptionName()));
            return;
        }
        if (c.tlsError != null && c.tlsError.startsWith("server")) {
            add(StageResult.failed(st, ms(c.tClientHello, c.tServerHello), ev, Causes.MALFORMED_RESPONSE,
                    "the server's TLS handshake is malformed: " + c.tlsError));
            return;
        }
        if (c.tTlsDone >= 0 && c.serverHello != null) {
            add(StageResult.ok(st, ms(c.tClientHello, c.tTlsDone), ev,
                    tlsVersion(c.serverHello.version()) + ", " + io.rdpprobe.probe.tls.CipherSuites.name(c.serverHello.cipherSuite())));
            return;
        }
        add(incomplete(st, c.tClientHello >= 0 ? c.tClientHello : c.tCc, ev,
                c.clientHello == null ? "the client's TLS ClientHello" : "the TLS handshake to complete", null));
    }

    /** The live probe's form of a TLS version ("TLS 1.2"), from the wire value. */
    private static String tlsVersion(int wire) {
        return io.rdpprobe.probe.tls.TlsVersions.label(io.rdpprobe.probe.tls.TlsVersions.name(wire));
    }

    private void credssp() {
        if (stopped) {
            add(StageResult.notReached(Stage.CREDSSP));
            return;
        }
        if (!Protocols.usesCredSsp(c.selectedProtocol())) {
            add(StageResult.skipped(Stage.CREDSSP, Protocols.name(c.selectedProtocol()) + " selected: no CredSSP"));
            return;
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        if (c.credssp != null && c.credssp.seen()) {
            add(credsspDecrypted(ev));
            return;
        }
        if (c.decryption != null) ev.put("decryption", notDecrypted());
        if (c.tFirstApp[0] >= 0) ev.put("startedAt", at(c.tFirstApp[0]));
        ev.put("clientRecords", c.appRecords[0]);
        ev.put("serverRecords", c.appRecords[1]);
        ev.put("clientBytes", c.appBytes[0]);
        ev.put("serverBytes", c.appBytes[1]);
        long total = c.appRecords[0] + c.appRecords[1];
        StageResult silent = credsspSilence(ev);
        if (silent != null) {
            add(silent);
            return;
        }
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

    /**
     * The server went silent (closed, or sent a TLS alert) after one of the client's CredSSP messages and before
     * answering it: the live probe's reading ({@link CredSspReading#silence}) of that phase. The phase is inferred
     * from the order of the encrypted records (the n-th run of client records is the n-th CredSSP message), so the
     * result is marked inferred and the evidence says how it was read. Null when the records do not show that.
     */
    private StageResult credsspSilence(Map<String, Object> ev) {
        if (c.probeStop != null && c.closedBy == Side.CLIENT) {
            return null;
        }
        boolean closed = c.closedBy == Side.SERVER;
        boolean alert = c.serverAlertAfterLastFlight;
        if ((!closed && !alert) || c.serverAnsweredLastFlight) {
            return null;
        }
        CredSspReading.Phase phase = switch (c.clientFlights) {
            case 1 -> CredSspReading.Phase.NEGOTIATE;
            case 2 -> CredSspReading.Phase.AUTHENTICATE;
            case 3 -> c.selectedProtocol() == Protocols.HYBRID_EX ? CredSspReading.Phase.CREDENTIALS : null;
            default -> null;
        };
        if (phase == null) {
            return null;
        }
        long end = c.tClose >= 0 ? c.tClose : c.lastSeen;
        String what = alert ? "the server sent an encrypted TLS alert" + (closed ? " and closed the connection (" + c.closeKind + ")" : "")
                : "the server closed the connection (" + c.closeKind + ")";
        CredSspReading.Reading r = CredSspReading.silence(phase, what, ms(c.tLastClientFlight, end));
        ev.put("closedBy", alert ? "server (TLS alert" + (closed ? ", then " + c.closeKind + ")" : ")") : "server (" + c.closeKind + ")");
        ev.put(phase.elapsedKey, ms(c.tLastClientFlight, end));
        ev.put("phaseInferredFrom", "the order of the encrypted TLS records: " + c.clientFlights + " client flight(s) (NEGOTIATE, "
                + "AUTHENTICATE, credentials), the server silent after the last" + (alert ? " but for an alert-sized record" : "")
                + (c.decryption != null ? " (" + notDecrypted() + ")" : ""));
        return new StageResult(Stage.CREDSSP, Status.FAILED, ms(c.tFirstApp[0], end), ev, r.cause(),
                r.summary() + (c.decryption != null ? "; " + notDecrypted() : ""), true);
    }

    /** Kerberos' clock tolerance, the live probe's default for CLOCK_SKEW. */
    private static final long SKEW_WARN_MS = io.rdpprobe.probe.credssp.CredSspOptions.defaults().skewWarnMillis();

    private static String phaseText(CredSspReading.Phase p) {
        if (p == null) return "the client's first message";
        return switch (p) {
            case NEGOTIATE -> "NTLM NEGOTIATE";
            case AUTHENTICATE -> "NTLM AUTHENTICATE";
            case CREDENTIALS -> "the delegated credentials";
            case KERBEROS_AP_REQ -> "the Kerberos AP-REQ";
            case KERBEROS_PUBKEY_AUTH -> "the Kerberos pubKeyAuth";
        };
    }

    /**
     * The CREDSSP stage from the decrypted TSRequests: what each side sent is observed, not inferred; the readings are
     * the live probe's ({@link CredSspReading#errorCode}, {@link CredSspReading#silence},
     * {@link io.rdpprobe.probe.credssp.NtlmChallengeInfo}). pubKeyAuth and authInfo stay sealed.
     */
    private StageResult credsspDecrypted(Map<String, Object> ev) {
        CredSspObserver o = c.credssp;
        long start = o.messages.isEmpty() ? c.tTlsDone : o.messages.get(0).ts();
        ev.put("startedAt", at(start));
        ev.put("decryption", "decrypted");
        if (o.clientVersion >= 0) ev.put("clientCredSspVersion", o.clientVersion);
        if (o.serverVersion >= 0) ev.put("serverCredSspVersion", o.serverVersion);
        if (o.clientVersion >= 0 && o.serverVersion >= 0) ev.put("negotiatedCredSspVersion", Math.min(o.clientVersion, o.serverVersion));
        if (o.tokenFormat != null) ev.put("tokenFormat", o.tokenFormat);
        List<String> msgs = new ArrayList<>();
        for (CredSspObserver.Message m : o.messages) {
            List<String> parts = new ArrayList<>();
            if (m.ntlm() != null) parts.add("NTLM " + m.ntlm());
            if (m.pubKeyAuth()) parts.add("pubKeyAuth");
            if (m.authInfo()) parts.add("authInfo");
            if (m.errorCode() != null) parts.add("errorCode " + new io.rdpprobe.protocol.credssp.NtStatus(m.errorCode()).name());
            msgs.add(m.from().lower() + ": TSRequest v" + m.version() + (parts.isEmpty() ? "" : " " + String.join(" + ", parts)));
        }
        ev.put("messages", msgs);
        if (o.negotiate != null) {
            ev.put(io.rdpprobe.probe.credssp.CredSspClient.MECHANISM, io.rdpprobe.probe.credssp.CredSspClient.NTLM);
            ev.put("ntlmNegotiateFlags", o.negotiate.flags().names());
        }
        boolean skew = false;
        if (o.challenge != null) {
            ev.put("msNegotiateToChallenge", ms(o.tNegotiate, o.tChallenge));
            // the server's clock against the capture's: the NEGOTIATE's and CHALLENGE's capture times
            skew = io.rdpprobe.probe.credssp.NtlmChallengeInfo.record(o.challenge, o.tNegotiate / 1_000_000L,
                    o.tChallenge / 1_000_000L, SKEW_WARN_MS, ev);
            ev.put("clockSkewAgainst", "the capture's timestamps");
        }
        if (o.authenticate != null) {
            io.rdpprobe.protocol.ntlm.AuthenticateMessage a = o.authenticate;
            ev.put("user", a.domain().isEmpty() ? a.user() : a.domain() + "\\" + a.user());
            ev.put("ntlmUser", a.user());
            ev.put("ntlmDomain", a.domain());
            ev.put("ntlmWorkstation", a.workstation());
            ev.put("ntlmMic", a.mic() != null);
        }
        if (o.clientPubKeyAuth) ev.put("clientPubKeyAuth", "sealed: not decrypted");
        if (o.tServerPubKeyAuth >= 0) {
            ev.put("serverPubKeyAuth", "sealed: not decrypted");
            ev.put("msAuthenticateToReply", ms(o.tAuthenticate, o.tServerPubKeyAuth));
        }
        if (o.tAuthInfo >= 0) ev.put("authInfo", "sealed: not decrypted (TSCredentials)");
        if (o.earlyUserAuth != null) ev.put("earlyUserAuthorization", o.earlyUserAuth.name());
        long elapsed;
        if (o.malformed != null) {
            ev.put("decodeError", o.malformed);
            if (o.malformedFrom == Side.SERVER) {
                return StageResult.failed(Stage.CREDSSP, ms(start, c.lastSeen), ev, io.rdpprobe.probe.model.CredSspCauses.CREDSSP_MALFORMED,
                        "the server's CredSSP message is malformed: " + o.malformed);
            }
        }
        if (o.error != null) {
            CredSspReading.Reading r = CredSspReading.errorCode(o.error, phaseText(o.errorAfter), ms(o.tLastClient, o.tError), ev);
            return StageResult.failed(Stage.CREDSSP, ms(start, o.tError), ev, r.cause(), r.summary());
        }
        String who = o.authenticate != null ? " for " + ev.get("user") : "";
        if (o.earlyUserAuth != null) {
            elapsed = ms(start, o.tEarlyUserAuth);
            if (!o.earlyUserAuth.isSuccess()) {
                return StageResult.failed(Stage.CREDSSP, elapsed, ev, io.rdpprobe.probe.model.CredSspCauses.EARLY_USER_AUTH_DENIED,
                        "credentials valid, but Early User Authorization returned " + o.earlyUserAuth.name()
                                + ": the user may not log on to this server");
            }
            return credsspOk(elapsed, ev, skew, "CredSSP OK" + who + ": the server answered with its pubKeyAuth (sealed: not "
                    + "decrypted), credentials delegated; Early User Authorization: " + o.earlyUserAuth.name());
        }
        if (o.tServerPubKeyAuth >= 0) {
            elapsed = ms(start, o.tServerPubKeyAuth);
            return credsspOk(elapsed, ev, skew, "CredSSP OK" + who + ": the server answered the NTLM AUTHENTICATE with its "
                    + "pubKeyAuth (sealed: not decrypted)" + (o.tAuthInfo >= 0 ? "; credentials delegated (authInfo, sealed)" : ""));
        }
        // no answer to the client's last message: the server went silent, as the decrypted messages show
        boolean closed = c.closedBy == Side.SERVER;
        io.rdpprobe.protocol.tls.Alert alert = c.decryptedAlert[1] != null && c.tDecryptedAlert[1] >= o.tLastClient
                ? c.decryptedAlert[1] : null;
        if (!o.serverAnsweredLast && o.lastClientPhase != null && (closed || alert != null || c.serverAlertAfterLastFlight)) {
            long end = alert != null ? c.tDecryptedAlert[1] : c.tClose >= 0 ? c.tClose : c.lastSeen;
            String what = alert != null ? "the server sent TLS alert " + alert.descriptionName()
                    + (closed ? " and closed the connection (" + c.closeKind + ")" : "")
                    : closed ? "the server closed the connection (" + c.closeKind + ")" : "the server sent an encrypted TLS alert";
            CredSspReading.Reading r = CredSspReading.silence(o.lastClientPhase, what, ms(o.tLastClient, end));
            ev.put("closedBy", alert != null ? "server (TLS alert " + alert.descriptionName() + (closed ? ", then " + c.closeKind : "")
                    + ")" : "server (" + c.closeKind + ")");
            ev.put(o.lastClientPhase.elapsedKey, ms(o.tLastClient, end));
            ev.put("phaseObservedFrom", "the decrypted CredSSP messages: the client's last was " + phaseText(o.lastClientPhase)
                    + " at " + at(o.tLastClient) + ", and the server sent no TSRequest after it");
            return new StageResult(Stage.CREDSSP, Status.FAILED, ms(start, end), ev, r.cause(), r.summary(), r.inferred());
        }
        if (c.session.tConnectInitial >= 0) {
            return credsspOk(ms(start, c.session.tConnectInitial), ev, skew, "CredSSP done" + who
                    + ": the client went on to the MCS Connect-Initial");
        }
        return incomplete(Stage.CREDSSP, start, ev, "the end of the CredSSP exchange (the client's last message: "
                + phaseText(o.lastClientPhase) + ")", null);
    }

    private static StageResult credsspOk(long elapsed, Map<String, Object> ev, boolean skew, String summary) {
        if (skew) {
            return StageResult.warning(Stage.CREDSSP, elapsed, ev, io.rdpprobe.probe.model.CredSspCauses.CLOCK_SKEW, summary
                    + "; server clock differs by " + ev.get("clockSkewMs") + " ms from the capture's (> " + SKEW_WARN_MS / 1000
                    + " s): Kerberos would fail, NTLM is unaffected");
        }
        return StageResult.ok(Stage.CREDSSP, elapsed, ev, summary);
    }

    // ---- the session stages, from the decoded records of the SessionObserver -----------------------------
    private void mcs() {
        if (stopped) {
            add(StageResult.notReached(Stage.MCS));
            return;
        }
        SessionObserver o = c.session;
        Map<String, Object> ev = new LinkedHashMap<>();
        if (o.tConnectInitial >= 0) {
            ev.put("startedAt", at(o.tConnectInitial));
            ev.put("client", o.clientEvidence());
        }
        ev.putAll(o.serverEvidence());
        if (o.clientError != null) ev.put("clientError", o.clientError);
        if (o.serverError != null) ev.put("error", o.serverError);
        if (o.tConnectInitial < 0) {
            add(incomplete(Stage.MCS, c.tCc, ev, "the client's MCS Connect-Initial", Side.CLIENT));
            return;
        }
        if (o.tConnectResponse < 0) {
            if (serverEnded()) {
                add(serverDisconnect(Stage.MCS, o.tConnectInitial, ev, "the MCS Connect-Response"));
                return;
            }
            add(incomplete(Stage.MCS, o.tConnectInitial, ev, "the server's MCS Connect-Response", Side.SERVER));
            return;
        }
        long elapsed = ms(o.tConnectInitial, o.tConnectResponse);
        if (o.connectResponse == null || (o.connectResponse.result().isSuccess() && o.conference == null)) {
            add(StageResult.failed(Stage.MCS, elapsed, ev, Causes.MALFORMED_RESPONSE,
                    "the server's MCS Connect-Response is malformed: " + o.serverError));
            return;
        }
        io.rdpprobe.probe.session.SessionReading.Reading refused = io.rdpprobe.probe.session.SessionReading
                .connectResponse(o.connectResponse, o.conference);
        if (refused != null) {
            add(StageResult.failed(Stage.MCS, elapsed, ev, refused.cause(), refused.summary()));
            return;
        }
        String enc = o.serverSecurity().map(sec -> ", " + sec.encryptionLevel().name() + " / " + sec.encryptionMethod().name())
                .orElse("");
        String summary = "conference created" + enc;
        CertificateAnalysis.Finding worst = serverCertificateChain(ev);
        if (worst != null) {
            int n = ((List<?>) ev.get("certificateFindings")).size();
            add(StageResult.warning(Stage.MCS, elapsed, ev, worst.cause(),
                    summary + "; server certificate chain: " + worst.detail() + (n > 1 ? " (+" + (n - 1) + " more finding(s))" : "")));
            return;
        }
        add(StageResult.ok(Stage.MCS, elapsed, ev, summary));
    }

    /** No trust anchors in a capture: the chain is judged for dates, keys and signatures, and reported as untrusted. */
    private static final TrustSettings NO_ANCHORS = new TrustSettings(List.of(), java.util.Set.of(), false);

    /**
     * The X.509 chain of the Server Security Data (Standard RDP Security), analysed certificate by certificate with
     * the TLS stage's {@link CertificateAnalyzer}, its dates judged at the capture time of the Connect-Response (when
     * the server presented it). Returns the most severe finding, or null.
     */
    private CertificateAnalysis.Finding serverCertificateChain(Map<String, Object> ev) {
        List<byte[]> chain = c.session.serverSecurity().map(s -> s.certificate())
                .filter(cert -> cert instanceof io.rdpprobe.protocol.gcc.X509CertificateChain)
                .map(cert -> ((io.rdpprobe.protocol.gcc.X509CertificateChain) cert).certificates()).orElse(null);
        if (chain == null || chain.isEmpty()) {
            return null;
        }
        Instant at = Instant.ofEpochSecond(0, c.session.tConnectResponse);
        CertificateAnalysis ca = CertificateAnalyzer.analyzeStandardSecurityChain(chain, at, NO_ANCHORS);
        ev.put("serverCertificates", ca.certificates());
        ev.put("serverCertificateOrder", "the server's certificate first (on the wire it is the last of "
                + chain.size() + ", MS-RDPBCGR 2.2.1.4.3.1.2)");
        ev.put("certificatesJudgedAt", at.toString() + " (capture time of the Connect-Response)");
        List<String> findings = new ArrayList<>();
        for (CertificateAnalysis.Finding f : ca.findings()) {
            findings.add(f.cause().code() + ": " + f.detail());
        }
        ev.put("certificateFindings", findings);
        return ca.mostSevere();
    }

    /**
     * As the live sequence reads it: the exchange is settled by the server's first PDU after the client's Security
     * Exchange (here: seen, not MAC-checked, as the capture has no keys); a server that disconnects before one fails
     * this stage.
     */
    private void securityExchange() {
        if (stopped) {
            add(StageResult.notReached(Stage.SECURITY_EXCHANGE));
            return;
        }
        SessionObserver o = c.session;
        if (o.enhanced) {
            add(StageResult.skipped(Stage.SECURITY_EXCHANGE, "Enhanced RDP Security (TLS): no Security Exchange"));
            return;
        }
        if (!o.standardSecurity()) {
            add(StageResult.skipped(Stage.SECURITY_EXCHANGE, "the server selected ENCRYPTION_METHOD_NONE: no Standard RDP Security"));
            return;
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        o.serverSecurity().ifPresent(sec -> {
            ev.put("encryptionMethod", Named.value(sec.encryptionMethod().name(), sec.encryptionMethod().value(), 8));
            ev.put("encryptionLevel", Named.value(sec.encryptionLevel().name(), sec.encryptionLevel().value(), 8));
        });
        if (o.tSecurityExchange < 0) {
            add(incomplete(Stage.SECURITY_EXCHANGE, o.tConnectResponse, ev, "the client's Security Exchange PDU", Side.CLIENT));
            return;
        }
        ev.put("startedAt", at(o.tSecurityExchange));
        if (o.tClientInfo >= 0) ev.put("clientInfoAt", at(o.tClientInfo));
        if (o.tServerAfterExchange >= 0 || o.encryptedPdus[1] > 0) {
            ev.put("macVerified", "not checked (no session keys in a capture)");
            add(StageResult.ok(Stage.SECURITY_EXCHANGE, ms(o.tConnectResponse, o.tServerAfterExchange), ev,
                    "the client sent its encrypted client random and the server answered"));
            return;
        }
        if (o.errorInfo != null) {
            add(errorInfo(Stage.SECURITY_EXCHANGE, o.tSecurityExchange, ev));
            return;
        }
        if (serverEnded()) {
            add(serverDisconnect(Stage.SECURITY_EXCHANGE, o.tSecurityExchange, ev,
                    "the first encrypted server PDU after the Security Exchange"));
            return;
        }
        add(incomplete(Stage.SECURITY_EXCHANGE, o.tSecurityExchange, ev,
                "the first encrypted server PDU after the Security Exchange", Side.SERVER));
    }

    private void licensing() {
        if (stopped) {
            add(StageResult.notReached(Stage.LICENSING));
            return;
        }
        SessionObserver o = c.session;
        long since = o.tSecurityExchange >= 0 ? o.tSecurityExchange : o.tClientInfo >= 0 ? o.tClientInfo : o.tConnectResponse;
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.putAll(o.clientInfoEvidence());
        if (o.errorInfo != null && (o.tLicense < 0 || o.tErrorInfo <= o.tLicense)) {
            add(errorInfo(Stage.LICENSING, since, ev));
            return;
        }
        io.rdpprobe.protocol.licensing.LicensePdu l = o.licensePdu;
        if (o.license != null) {
            ev.put("startedAt", at(o.tLicense));
            ev.put("licenseMessage", l != null ? Named.value(l.preamble().msgTypeName(), l.preamble().msgType(), 2) : o.license);
        }
        if (l != null && l.errorMessage() != null && !l.isValidClient()) {
            // the live probe's reading: ST_NO_TRANSITION is a warning and the session goes on
            io.rdpprobe.probe.session.SessionReading.Reading r = io.rdpprobe.probe.session.SessionReading.licenseError(l.errorMessage());
            ev.put("licenseErrorCode", Named.value(l.errorMessage().errorCode().name(), l.errorMessage().errorCode().value(), 8));
            ev.put("stateTransition", Named.value(l.errorMessage().stateTransition().name(),
                    l.errorMessage().stateTransition().value(), 8));
            add(new StageResult(Stage.LICENSING, r.status(), ms(since, o.tLicense), ev, r.cause(), r.summary(), false));
            return;
        }
        if (o.license != null) {
            add(StageResult.ok(Stage.LICENSING, ms(since, o.tLicense), ev, o.license));
            return;
        }
        if (o.demandActive != null) {
            add(StageResult.ok(Stage.LICENSING, ms(since, o.tDemandActive), ev, "no licensing PDU before Demand Active"));
            return;
        }
        if (serverEnded() && o.encryptedPdus[1] == 0) {
            StageResult r = serverDisconnect(Stage.LICENSING, since, ev, "a licensing PDU");
            add(new StageResult(r.stage(), r.status(), r.elapsedMs(), r.evidence(), r.cause(), r.summary(), r.inferred()));
            return;
        }
        add(new StageResult(Stage.LICENSING, Status.NOT_REACHED, 0, ev, null,
                o.encryptedPdus[1] > 0 ? "RC4-encrypted: not visible" : "no licensing PDU in the capture", false));
    }

    private void activation() {
        if (stopped) {
            add(StageResult.notReached(Stage.ACTIVATION));
            return;
        }
        SessionObserver o = c.session;
        Map<String, Object> aev = new LinkedHashMap<>(o.saveSessionInfoEvidence());
        if (o.errorInfo != null && o.tLicense >= 0 && o.tErrorInfo > o.tLicense) {
            add(errorInfo(Stage.ACTIVATION, o.tLicense, aev));
            return;
        }
        if (o.demandActive != null) {
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("startedAt", at(o.tDemandActive));
            String summary = io.rdpprobe.probe.session.SessionReading.demandActive(o.demandActive, ev);
            ev.putAll(aev);
            ev.putAll(o.activationEvidence());
            if (o.confirmActive != null) {
                summary += "; the client's Confirm Active with " + o.confirmActive.capabilities().size() + " capability sets";
            }
            add(StageResult.ok(Stage.ACTIVATION, ms(o.tLicense >= 0 ? o.tLicense : o.tClientInfo, o.tDemandActive), ev, summary));
            return;
        }
        if (o.enhanced) {
            if (serverEnded()) {
                add(serverDisconnect(Stage.ACTIVATION, o.tLicense >= 0 ? o.tLicense : o.tClientInfo, aev, "the Demand Active PDU"));
                return;
            }
            add(incomplete(Stage.ACTIVATION, o.tLicense >= 0 ? o.tLicense : o.tClientInfo, aev, "the server's Demand Active PDU", Side.SERVER));
            return;
        }
        add(new StageResult(Stage.ACTIVATION, Status.NOT_REACHED, 0, Map.of(), null,
                "Demand Active is RC4-encrypted under Standard RDP Security: not visible", false));
    }

    /** "decrypted (client 12, server 30 records)", or what failed per side. */
    private String decryptionLine() {
        TlsDecryption d = c.decryption;
        if (!d.started()) {
            return notDecrypted();
        }
        StringBuilder b = new StringBuilder();
        for (Side s : Side.values()) {
            int i = s.ordinal();
            if (b.length() > 0) b.append(", ");
            b.append(s.lower()).append(' ').append(d.decryptor.decryptedRecords(s == Side.CLIENT)).append(" record(s)");
            if (d.failure[i] != null) b.append(" then ").append(d.failure[i].name());
        }
        boolean ok = d.failure[0] == null && d.failure[1] == null;
        return (ok ? "decrypted (" : d.plaintextBytes[0] + d.plaintextBytes[1] > 0 ? "partly decrypted (" : "not decrypted (") + b + ")";
    }

    /** The TLS decryption of this connection: suite, version, records decrypted and the failure per side. */
    private Map<String, Object> decryptionFacts() {
        TlsDecryption d = c.decryption;
        Map<String, Object> m = new LinkedHashMap<>();
        if (!d.started()) {
            m.put("status", "not decrypted: " + (d.failure[0] != null ? d.failure[0].name() : "no encrypted record"));
            if (d.notStarted != null) m.put("detail", d.notStarted);
            return m;
        }
        boolean ok = d.failure[0] == null && d.failure[1] == null;
        m.put("status", ok ? "decrypted" : d.plaintextBytes[0] + d.plaintextBytes[1] > 0 ? "partly decrypted" : "not decrypted");
        if (d.decryptor.suiteName() != null) m.put("suite", d.decryptor.suiteName());
        if (d.decryptor.version() > 0) m.put("version", tlsVersion(d.decryptor.version()));
        for (Side s : Side.values()) {
            int i = s.ordinal();
            Map<String, Object> side = new LinkedHashMap<>();
            side.put("decryptedRecords", d.decryptor.decryptedRecords(s == Side.CLIENT));
            side.put("plaintextBytes", d.plaintextBytes[i]);
            if (d.failure[i] != null) {
                side.put("failure", d.failure[i].name());
                if (d.failureDetail[i] != null) side.put("detail", d.failureDetail[i]);
                if (d.tFailure[i] >= 0) side.put("failedAt", at(d.tFailure[i]));
            }
            m.put(s.lower(), side);
        }
        return m;
    }

    private Map<String, Object> captureSection() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connection", c.probeOwn ? "rdp-probe's own connection (marked in the capture)" : "capture connection");
        m.put("heading", (c.probeOwn ? "rdp-probe's own connection " : "capture connection ") + c.client + " -> " + c.server
                + (c.gateway == null ? " (client -> server)" : " (client -> RD Gateway -> "
                        + (c.gateway.target() == null ? "?" : c.gateway.target()) + ")"));
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
        String lastPdu = c.lastPdu();
        if (lastPdu != null) m.put("lastPdu", lastPdu);
        if (c.decryption != null && c.tls) m.put("tlsDecryption", decryptionFacts());
        if (c.gateway != null) {
            Map<String, Object> gw = new LinkedHashMap<>(c.gateway.facts());
            if (c.inner != null && c.inner.decryption != null && c.inner.tls) {
                gw.put("innerTlsDecryption", new ReportBuilder(c.inner).decryptionFacts());
            }
            m.put("gateway", gw);
        }
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
