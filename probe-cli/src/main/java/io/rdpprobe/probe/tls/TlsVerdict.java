package io.rdpprobe.probe.tls;

import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.TlsCauses;
import io.rdpprobe.protocol.codec.Wire;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.tls.AlertDescription;

/**
 * The one interpretation of a TLS handshake: what a {@link TlsOutcome} means as a stage result. The RDP
 * TLS stage and the RD Gateway's GATEWAY_TLS stage both use it, so a certificate or version problem has the
 * same cause and wording at either layer.
 */
public final class TlsVerdict {
    private TlsVerdict() {}

    /**
     * @param result   the stage result (OK, WARNING or FAILED)
     * @param analysis the certificate analysis, or null when the handshake did not complete
     */
    public record Judged(StageResult result, CertificateAnalysis analysis) {
        public boolean failed() {
            return result.isFailure();
        }
    }

    /**
     * @param expectedHost the name the certificate must carry (the probed name; "" when unknown)
     * @param now          the wall clock, for certificate validity
     */
    public static Judged judge(Stage stage, TlsOutcome o, String expectedHost, Instant now, TlsSettings tls,
                               long timeoutMs, long elapsed) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("offered", o.offeredVersions());
        ev.put("sni", o.sni() == null ? "none (address literal)" : o.sni());
        ev.put("bytesReceived", o.bytesReceived());
        if (o.notTls()) {
            ev.put("firstBytes", o.firstBytes());
            return new Judged(StageResult.failed(stage, elapsed, ev, TlsCauses.NOT_TLS,
                    "the server answered the ClientHello with non-TLS bytes (" + o.firstBytes() + ")"
                            + describeFirstBytes(o.firstBytes())), null);
        }
        if (!o.complete()) {
            return new Judged(failed(stage, o, ev, timeoutMs, elapsed), null);
        }
        ev.put("version", TlsVersions.label(o.version()));
        ev.put("cipherSuite", o.suiteName());
        ev.put("handshakeMs", o.handshakeMs());
        CertificateAnalysis ca = CertificateAnalyzer.analyze(o.chain(), expectedHost == null ? "" : expectedHost, now,
                tls.trust());
        ev.put("certificates", ca.certificates());
        if (ca.leafSha256() != null) {
            ev.put("leafSha256", ca.leafSha256());
        }
        if (ca.serverPublicKey() != null) {
            ev.put("serverPublicKey", Wire.hex(ca.serverPublicKey()));
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
        if (worst != null && (worst.fatal() || tls.trust().strict())) {
            return new Judged(StageResult.failed(stage, elapsed, ev, worst.cause(), worst.detail()
                    + (worst.fatal() ? "" : " (fatal because of --strict-cert)")), ca);
        }
        String base = TlsVersions.label(o.version()) + ", " + o.suiteName();
        StageResult r;
        if (worst != null) {
            r = StageResult.warning(stage, elapsed, ev, worst.cause(), base + "; " + worst.detail()
                    + (ca.findings().size() > 1 ? " (+" + (ca.findings().size() - 1) + " more finding(s))" : ""));
        } else if (deprecated) {
            r = StageResult.warning(stage, elapsed, ev, TlsCauses.TLS_DEPRECATED_VERSION,
                    base + ": TLS " + o.version() + " is deprecated");
        } else {
            r = StageResult.ok(stage, elapsed, ev, base + ", certificate trusted");
        }
        return new Judged(r, ca);
    }

    private static String describeFirstBytes(String hex) {
        if (hex == null) {
            return "";
        }
        if (hex.startsWith("0300")) {
            return ": a TPKT, so it never switched to TLS";
        }
        if (hex.startsWith("48545450")) {
            return ": an HTTP response, so the port speaks plain HTTP";
        }
        return "";
    }

    /** The handshake did not complete: an alert either way, a flood, a trickle, a stall, a close, or a local error. */
    private static StageResult failed(Stage stage, TlsOutcome o, Map<String, Object> ev, long timeout, long elapsed) {
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
                return StageResult.failed(stage, elapsed, ev, TlsCauses.TLS_VERSION_MISMATCH,
                        "the server rejected the offered TLS versions " + o.offeredVersions() + " with a protocol_version alert");
            }
            return StageResult.failed(stage, elapsed, ev, TlsCauses.TLS_ALERT, "the server sent the fatal alert "
                    + AlertDescription.getName((short) a) + " (" + a + ") during the handshake");
        }
        if (o.alertSent() != null) {
            int a = o.alertSent();
            ev.put("alert", AlertDescription.getName((short) a) + " (" + a + ")");
            ev.put("alertFrom", "client (rdp-probe)");
            if (o.alertSentMessage() != null) {
                ev.put("reason", o.alertSentMessage());
            }
            return StageResult.failed(stage, elapsed, ev, TlsCauses.TLS_ALERT, "the probe aborted the handshake with "
                    + AlertDescription.getName((short) a) + " (" + a + ")"
                    + (o.alertSentMessage() != null ? ": " + o.alertSentMessage() : "") + warnings);
        }
        if (o.flooded()) {
            return StageResult.failed(stage, elapsed, ev, TlsCauses.TLS_HANDSHAKE_FLOOD, "the server sent " + o.bytesReceived()
                    + " byte(s) without completing the handshake: " + o.arrivals().describe()
                    + "; it floods, it did not stall" + warnings);
        }
        if (o.stalled()) {
            ev.put("timeoutMs", timeout);
            if (o.firstBytes() != null) {
                ev.put("firstBytes", o.firstBytes());
            }
            if (o.bytesReceived() > 0 && o.arrivals() != null && o.arrivals().stillArriving(o.handshakeMs())) {
                return StageResult.failed(stage, elapsed, ev, TlsCauses.TLS_HANDSHAKE_SLOW, o.arrivals().describe()
                        + "; the handshake was still incomplete at the deadline (" + timeout + " ms): the server trickles, "
                        + "it did not stall" + warnings);
            }
            String what = o.bytesReceived() == 0
                    ? "no bytes arrived after the ClientHello"
                    : "the server's flight stopped after " + o.bytesReceived() + " byte(s)"
                    + (o.arrivals() != null && o.arrivals().reads() > 1 ? " (the last at " + o.arrivals().lastMs() + " ms)" : "");
            return StageResult.failed(stage, elapsed, ev, TlsCauses.TLS_HANDSHAKE_STALLED, what + " within " + timeout
                    + " ms; path-MTU black holes and middleboxes cause this" + warnings);
        }
        if (o.closed() || o.reset()) {
            ev.put("how", o.reset() ? "RST" : "FIN");
            String when = o.bytesReceived() == 0 ? "right after the ClientHello" : "after " + o.bytesReceived() + " byte(s) of handshake";
            return StageResult.failed(stage, elapsed, ev, o.reset() ? Causes.CONNECTION_RESET : Causes.CONNECTION_CLOSED,
                    "the server " + (o.reset() ? "reset" : "closed") + " the connection " + when
                            + (o.bytesReceived() == 0 ? " (a TLS version or cipher mismatch is likely; see the retry)" : "")
                            + warnings);
        }
        return StageResult.failed(stage, elapsed, ev, TlsCauses.TLS_ALERT, "the TLS handshake failed: " + o.error() + warnings);
    }
}
