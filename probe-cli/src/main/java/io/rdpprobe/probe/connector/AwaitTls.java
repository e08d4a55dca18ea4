package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.Arrivals;
import io.netty.buffer.ByteBuf;
import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.TlsCauses;
import io.rdpprobe.probe.tls.CertificateAnalysis;
import io.rdpprobe.probe.tls.CertificateAnalyzer;
import io.rdpprobe.probe.tls.TlsOutcome;
import io.rdpprobe.probe.tls.TlsVersions;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.x224.Protocols;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.tls.AlertDescription;

/**
 * TLS: the driver runs the RDP TLS handshake below itself and reports its {@link TlsOutcome}; no bytes
 * reach the connector meanwhile. The only place a TLS outcome and the certificate become a verdict.
 */
record AwaitTls(Peer peer, Negotiated negotiated, StageClock clock) implements ConnectorState {

    @Override
    public Stage stage() {
        return Stage.TLS;
    }

    @Override
    public Transition tlsOutcome(Ctx c, TlsOutcome o, long nowNanos, Instant wallNow, ByteBuf out) {
        ProbeSettings s = c.settings();
        long wallOffset = wallNow.toEpochMilli() - nowNanos / 1_000_000L;
        long elapsed = clock.elapsedMs(nowNanos);
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("offered", o.offeredVersions());
        ev.put("sni", o.sni() == null ? "none (address literal)" : o.sni());
        ev.put("bytesReceived", o.bytesReceived());
        // a failed handshake still leaves its outcome to read
        Secured seen = new Secured(o, null, false, wallOffset);
        if (o.notTls()) {
            ev.put("firstBytes", o.firstBytes());
            return fail(c, seen, elapsed, ev, TlsCauses.NOT_TLS,
                    "the server answered the ClientHello with non-TLS bytes (" + o.firstBytes() + ")"
                            + (o.firstBytes() != null && o.firstBytes().startsWith("0300")
                            ? ": a TPKT, so it never switched to TLS" : ""));
        }
        if (!o.complete()) {
            return failed(c, seen, ev, elapsed);
        }
        ev.put("version", "TLS " + o.version());
        ev.put("cipherSuite", o.suiteName());
        ev.put("handshakeMs", o.handshakeMs());
        String host = peer.host();
        CertificateAnalysis ca = CertificateAnalyzer.analyze(o.chain(), host == null ? "" : host, wallNow, s.tls().trust());
        Secured secured = new Secured(o, ca.serverPublicKey(), ca.trusted(), wallOffset);
        ev.put("certificates", ca.certificates());
        if (ca.leafSha256() != null) {
            ev.put("leafSha256", ca.leafSha256());
        }
        if (secured.serverPublicKey() != null) {
            ev.put("serverPublicKey", Wire.hex(secured.serverPublicKey()));
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
        if (worst != null && (worst.fatal() || s.tls().trust().strict())) {
            return fail(c, secured, elapsed, ev, worst.cause(), worst.detail()
                    + (worst.fatal() ? "" : " (fatal because of --strict-cert)"));
        }
        String base = "TLS " + o.version() + ", " + o.suiteName();
        StageResult r;
        if (worst != null) {
            r = StageResult.warning(Stage.TLS, elapsed, ev, worst.cause(), base + "; " + worst.detail()
                    + (ca.findings().size() > 1 ? " (+" + (ca.findings().size() - 1) + " more finding(s))" : ""));
        } else if (deprecated) {
            r = StageResult.warning(Stage.TLS, elapsed, ev, TlsCauses.TLS_DEPRECATED_VERSION,
                    base + ": TLS " + o.version() + " is deprecated");
        } else {
            r = StageResult.ok(Stage.TLS, elapsed, ev, base + ", certificate trusted");
        }
        List<Stage> plan = Plan.of(s, peer, negotiated.selectedProtocol(), false);
        if (s.stopAfter() == Stage.TLS) {
            return Transition.to(new Done(Stage.TLS, peer, plan, negotiated, secured, null), Action.DONE, r);
        }
        if (Protocols.usesCredSsp(negotiated.selectedProtocol())) {
            return AwaitCredSsp.start(c, peer, negotiated, secured, nowNanos, out).after(r);
        }
        return InSession.start(Stage.TLS, plan, c, peer, negotiated, secured, nowNanos, out, null).after(r);
    }

    /** The handshake did not complete: an alert either way, a stall, a close, or a local error. */
    private Transition fail(Ctx c, Secured seen, long elapsed, Map<String, Object> ev, io.rdpprobe.probe.model.Cause cause,
                            String summary) {
        return Transition.to(new Done(Stage.TLS, peer, plan(c.settings()), negotiated, seen, null), Action.DONE,
                StageResult.failed(Stage.TLS, elapsed, ev, cause, summary));
    }

    private Transition failed(Ctx c, Secured seen, Map<String, Object> ev, long elapsed) {
        TlsOutcome o = seen.outcome();
        long timeout = c.settings().stageTimeoutMillis();
        if (o.error() != null) {
            ev.put("error", o.error());
        }
        if (o.arrivals() != null) {
            o.arrivals().addTo(ev);
        }
        String warnings = "";
        if (o.warningAlerts() > 0) {
            ev.put("warningAlerts", o.warningAlerts());
            ev.put("firstWarningAlert", o.firstWarning());
            warnings = " (the server also sent " + o.warningAlerts() + " warning-level alert(s), the first "
                    + o.firstWarning() + ")";
        }
        if (o.alertReceived() != null) {
            int a = o.alertReceived();
            ev.put("alert", AlertDescription.getName((short) a) + " (" + a + ")");
            ev.put("alertFrom", "server");
            ev.put("alertLevel", "fatal");
            if (a == AlertDescription.protocol_version) {
                return fail(c, seen, elapsed, ev, TlsCauses.TLS_VERSION_MISMATCH,
                        "the server rejected the offered TLS versions " + o.offeredVersions() + " with a protocol_version alert");
            }
            return fail(c, seen, elapsed, ev, TlsCauses.TLS_ALERT, "the server sent the fatal alert "
                    + AlertDescription.getName((short) a) + " (" + a + ") during the handshake");
        }
        if (o.alertSent() != null) {
            int a = o.alertSent();
            ev.put("alert", AlertDescription.getName((short) a) + " (" + a + ")");
            ev.put("alertFrom", "client (rdp-probe)");
            if (o.alertSentMessage() != null) {
                ev.put("reason", o.alertSentMessage());
            }
            return fail(c, seen, elapsed, ev, TlsCauses.TLS_ALERT, "the probe aborted the handshake with "
                    + AlertDescription.getName((short) a) + " (" + a + ")"
                    + (o.alertSentMessage() != null ? ": " + o.alertSentMessage() : "") + warnings);
        }
        if (o.flooded()) {
            return fail(c, seen, elapsed, ev, TlsCauses.TLS_HANDSHAKE_FLOOD, "the server sent " + o.bytesReceived()
                    + " byte(s) without completing the handshake: " + o.arrivals().describe()
                    + "; it floods, it did not stall" + warnings);
        }
        if (o.stalled()) {
            ev.put("timeoutMs", timeout);
            if (o.firstBytes() != null) {
                ev.put("firstBytes", o.firstBytes());
            }
            if (o.bytesReceived() > 0 && o.arrivals() != null && o.arrivals().stillArriving(o.handshakeMs())) {
                return fail(c, seen, elapsed, ev, TlsCauses.TLS_HANDSHAKE_SLOW, o.arrivals().describe()
                        + "; the handshake was still incomplete at the deadline (" + timeout + " ms): the server trickles, "
                        + "it did not stall" + warnings);
            }
            String what = o.bytesReceived() == 0
                    ? "no bytes arrived after the ClientHello"
                    : "the server's flight stopped after " + o.bytesReceived() + " byte(s)"
                    + (o.arrivals() != null && o.arrivals().reads() > 1 ? " (the last at " + o.arrivals().lastMs() + " ms)" : "");
            return fail(c, seen, elapsed, ev, TlsCauses.TLS_HANDSHAKE_STALLED, what + " within " + timeout
                    + " ms; path-MTU black holes and middleboxes cause this" + warnings);
        }
        if (o.closed() || o.reset()) {
            ev.put("how", o.reset() ? "RST" : "FIN");
            String when = o.bytesReceived() == 0 ? "right after the ClientHello" : "after " + o.bytesReceived() + " byte(s) of handshake";
            return fail(c, seen, elapsed, ev, o.reset() ? Causes.CONNECTION_RESET : Causes.CONNECTION_CLOSED,
                    "the server " + (o.reset() ? "reset" : "closed") + " the connection " + when
                            + (o.bytesReceived() == 0 ? " (a TLS version or cipher mismatch is likely; see the retry)" : "")
                            + warnings);
        }
        return fail(c, seen, elapsed, ev, TlsCauses.TLS_ALERT, "the TLS handshake failed: " + o.error() + warnings);
    }

    @Override
    public Transition closed(Ctx c, boolean reset, ByteBuf pending, long nowNanos) {
        return Verdicts.closed(this, c, reset, pending, nowNanos, null);
    }

    @Override
    public Transition deadline(Ctx c, ByteBuf pending, Arrivals arrived, long nowNanos) {
        // the driver reports a stalled handshake as a TlsOutcome; this is the fallback
        return Verdicts.silence(this, c, pending, arrived, nowNanos, "no reply to the X.224 Connection Request", Causes.SERVER_STALLED);
    }

    @Override
    public List<Stage> plan(ProbeSettings s) {
        return Plan.of(s, peer, negotiated.selectedProtocol(), false);
    }
}
