package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.Arrivals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.probe.credssp.CredSspClient;
import io.rdpprobe.probe.credssp.CredSspOptions;
import io.rdpprobe.probe.credssp.CredSspSettings;
import io.rdpprobe.probe.credssp.Outcome;
import io.rdpprobe.probe.credssp.RandomSource;
import io.rdpprobe.probe.credssp.Step;
import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.CredSspCauses;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.model.TlsCauses;
import io.rdpprobe.probe.session.LogonInfo;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.x224.Protocols;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CREDSSP over the RDP TLS session: the {@link CredSspClient} sequence runs, framed by its own
 * TSRequest hint. Without delegation the probe ends here once the credentials are proven.
 *
 * @param delegationRefused delegation was asked for, but the certificate is neither trusted nor pinned
 */
record AwaitCredSsp(Peer peer, Negotiated negotiated, Secured secured, CredSspClient client, boolean delegationRefused,
                    StageClock clock) implements ConnectorState {

    @Override
    public Stage stage() {
        return Stage.CREDSSP;
    }

    /** Starts CredSSP: writes the first TSRequest (NTLM NEGOTIATE). */
    static Transition start(Ctx c, Peer peer, Negotiated n, Secured secured, long nowNanos, ByteBuf out) {
        ProbeSettings s = c.settings();
        CredSspSettings cs = s.credssp();
        CredSspOptions opts = cs.options().withHybridEx(n.selectedProtocol() == Protocols.HYBRID_EX);
        boolean refused = false;
        if (opts.delegate() && !secured.trusted()) {
            opts = opts.withDelegate(false);
            refused = true;
        }
        if (cs.credentials() != null && secured.serverPublicKey() == null) {
            return Transition.to(new Done(Stage.CREDSSP, peer, Plan.of(s, peer, n.selectedProtocol(), false), n, secured, null),
                    Action.DONE, StageResult.failed(Stage.CREDSSP, 0, new LinkedHashMap<>(), TlsCauses.NO_CERTIFICATE,
                            "cannot authenticate: no server public key from the TLS stage"));
        }
        String host = peer.host();
        io.rdpprobe.probe.credssp.KerberosContext krb = cs.credentials() == null ? null : c.kerberos().take();
        CredSspClient client = new CredSspClient(cs.credentials(), secured.serverPublicKey(),
                "TERMSRV/" + (host == null ? "" : host), opts, RandomSource.secure(), krb, c.kerberos().ntlmAllowed(),
                krb == null ? whyNtlm(c) : null);
        out.writeBytes(client.start(secured.wallMillis(nowNanos)));
        return Transition.to(new AwaitCredSsp(peer, n, secured, client, refused, StageClock.start(nowNanos, s)), Action.WAIT);
    }

    /** Why CredSSP runs NTLM without offering Kerberos, from the KERBEROS stage's result (evidence mechanismChoice). */
    private static String whyNtlm(Ctx c) {
        StageResult k = null;
        for (StageResult r : c.results()) {
            if (r.stage() == Stage.KERBEROS) {
                k = r;
            }
        }
        if (k == null) {
            return "NTLM only: no KERBEROS stage (--auth ntlm, or no Kerberos realm for the user)";
        }
        return switch (k.status()) {
            case SKIPPED -> "Kerberos not available (KERBEROS stage skipped: no KDC found): NTLM, as mstsc's Negotiate";
            case WARNING -> "no Kerberos ticket for the SPN (KERBEROS stage: " + (k.cause() == null ? "warning" : k.cause().code())
                    + "): NTLM fallback, as mstsc's Negotiate";
            default -> "the Kerberos AP-REQ belongs to the probe's first connection; this one uses NTLM";
        };
    }

    @Override
    public FrameHint nextFrameHint() {
        return new FrameHint() {
            @Override
            public int frameLength(ByteBuf in) {
                return client.frameLength(in);
            }

            @Override
            public String toString() {
                return "CredSSP " + client.state();
            }
        };
    }

    @Override
    public Transition unframeable(Ctx c, ByteBuf in, DecodeException e, long nowNanos, ByteBuf out) {
        Map<String, Object> ev = Verdicts.received(in);
        ev.put("error", e.getMessage());
        return Transition.fail(this, c, Stage.CREDSSP, clock.elapsedMs(nowNanos), ev, CredSspCauses.CREDSSP_MALFORMED,
                "the server's CredSSP reply is not a TSRequest: " + e.getMessage());
    }

    @Override
    public Transition step(Ctx c, ByteBuf frame, ByteBuf received, long nowNanos, ByteBuf out) {
        byte[] bytes = new byte[frame.readableBytes()];
        frame.getBytes(frame.readerIndex(), bytes);
        Step s = client.onMessage(bytes, secured.wallMillis(nowNanos));
        if (s.send() != null) {
            out.writeBytes(s.send());
        }
        if (s.outcome() != null) {
            return finish(c, s.outcome(), nowNanos, out);
        }
        return Transition.stay(this);
    }

    /** The CredSSP sequence has an outcome: fail, stop with the credentials proven, or go on to MCS. */
    private Transition finish(Ctx c, Outcome o, long nowNanos, ByteBuf out) {
        ProbeSettings s = c.settings();
        StageResult r = o.toStageResult(clock.elapsedMs(nowNanos));
        if (r.status() == Status.FAILED) {
            return Transition.finish(this, c, r);
        }
        if (delegationRefused) {
            Map<String, Object> ev = new LinkedHashMap<>(r.evidence());
            ev.put("delegation", "skipped by the probe: certificate neither trusted nor pinned");
            r = new StageResult(Stage.CREDSSP, Status.WARNING, r.elapsedMs(), ev, CredSspCauses.DELEGATION_SKIPPED_UNTRUSTED_CERT,
                    "credentials proven with " + r.evidence().getOrDefault(CredSspClient.MECHANISM, CredSspClient.NTLM)
                            + ", but the probe did not delegate them because the server certificate "
                            + "is neither trusted nor pinned (pin it with --trust-cert SHA256 or pass --ca)", false);
        }
        CredSspSettings cs = s.credssp();
        if (cs.credentials() != null && cs.options().delegate() && !delegationRefused && s.stopAfter() != Stage.CREDSSP) {
            var cred = cs.credentials();
            LogonInfo logon = new LogonInfo(cred.domain(), cred.user());
            return InSession.start(Stage.CREDSSP, plan(s), c, peer, negotiated, secured, nowNanos, out, logon).after(r);
        }
        // Without delegation the probe stops here: the credentials are proven and were not handed over.
        return Transition.finish(this, c, r);
    }

    @Override
    public Transition closed(Ctx c, boolean reset, ByteBuf pending, long nowNanos) {
        Outcome o = client.onClosed(secured.wallMillis(nowNanos));
        if (o != null) {
            return finish(c, o, nowNanos, Unpooled.buffer(0));
        }
        return Verdicts.closed(this, c, reset, pending, nowNanos, null);
    }

    @Override
    public Transition tlsAlert(Ctx c, int description, long nowNanos) {
        Outcome o = client.onTlsAlert(description, secured.wallMillis(nowNanos));
        if (o != null) {
            return finish(c, o, nowNanos, Unpooled.buffer(0));
        }
        return Verdicts.tlsAlert(this, c, description, nowNanos);
    }

    @Override
    public Transition deadline(Ctx c, ByteBuf pending, Arrivals arrived, long nowNanos) {
        return Verdicts.silence(this, c, pending, arrived, nowNanos, "no CredSSP reply (state " + client.state() + ")",
                Causes.SERVER_STALLED);
    }

    @Override
    public List<Stage> plan(ProbeSettings s) {
        return Plan.of(s, peer, negotiated.selectedProtocol(), false);
    }
}
