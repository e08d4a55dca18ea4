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
import io.rdpprobe.probe.tls.TlsVerdict;
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
 * reach the connector meanwhile. {@link TlsVerdict} turns the outcome and the certificate into the verdict
 * (the same reading as the RD Gateway's GATEWAY_TLS stage).
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
        TlsVerdict.Judged j = TlsVerdict.judge(Stage.TLS, o, peer.host(), wallNow, s.tls(), s.stageTimeoutMillis(), elapsed);
        CertificateAnalysis ca = j.analysis();
        // a failed handshake still leaves its outcome to read
        Secured secured = ca == null ? new Secured(o, null, false, wallOffset)
                : new Secured(o, ca.serverPublicKey(), ca.trusted(), wallOffset);
        StageResult r = j.result();
        if (j.failed()) {
            return Transition.to(new Done(Stage.TLS, peer, plan(s), negotiated, secured, null), Action.DONE, r);
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
