package io.rdpprobe.probe.connector;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.probe.model.Arrivals;
import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.tls.TlsOutcome;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.x224.ConnectionConfirm;
import io.rdpprobe.protocol.x224.ConnectionRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sans-IO probe. It knows which stage the connection is in, what to send next and what each reply
 * means; it never touches a socket or a clock. A driver (the Netty handler, or a test) feeds it events
 * with the current time of its own clock and acts on the returned {@link Action}.
 *
 * <p>The connection is always in one {@link ConnectorState} (a record per stage that holds only what is
 * valid there: {@link Resolving}, {@link Connecting}, {@link AwaitConfirm}, {@link AwaitTls},
 * {@link AwaitCredSsp}, {@link InSession}, {@link Done}). Every event goes to the state, which answers
 * with a {@link Transition}; {@link #transition} is the one place the state changes, results are recorded,
 * and the change is logged and written to the transcript.
 *
 * <pre>
 *   dnsResolved / dnsFailed          DNS      Resolving
 *   tcpConnected / tcpFailed         TCP      Connecting   (+ externalStage: the RD Gateway's stages)
 *   onConnected  -> writes X.224 CR  X224     AwaitConfirm
 *   onData / onClosed / onDeadline   ...      until Done, or START_TLS (AwaitTls, then onTlsOutcome)
 * </pre>
 */
public final class ProbeConnector {
    /**
     * Stage transitions at DEBUG, through Netty's logging facade (the CLI prints it with -Drdpprobe.debug=true).
     * Not SLF4J: its first logger searches the class path for bindings, which opened and indexed the whole jar in
     * every closed-port probe (issue 13), and the jar's binding is SLF4J's no-op one.
     */
    private static final io.netty.util.internal.logging.InternalLogger LOG =
            io.netty.util.internal.logging.InternalLoggerFactory.getInstance(ProbeConnector.class);
    /** For events the driver does not time (DNS, TCP): logged, not written to the transcript. */
    private static final long UNTIMED = Long.MIN_VALUE;

    private final ProbeSettings settings;
    private final List<StageResult> results = new ArrayList<>();
    private final Ctx ctx;
    private ConnectorState state = new Resolving(Peer.UNKNOWN);
    private Transcript transcript;
    /** How the current stage's bytes arrived, and how many were left pending after the last {@link #onData}. */
    private Arrivals arrivals = Arrivals.NONE;
    private int pendingAfter;
    /** The first and the latest TCP_INFO reading (null without TCP_INFO). */
    private io.rdpprobe.probe.model.TcpInfoSample pathFirst;
    private io.rdpprobe.probe.model.TcpInfoSample pathLast;

    public ProbeConnector(ProbeSettings settings) {
        this.settings = settings;
        this.ctx = new Ctx(settings, Collections.unmodifiableList(results), new Ctx.WallClock(),
                new Ctx.KerberosHandOff());
    }

    public ProbeSettings settings() {
        return settings;
    }

    /** Records every stage transition into {@code t} (the driver adds the PDUs). */
    public ProbeConnector transcript(Transcript t) {
        this.transcript = t;
        return this;
    }

    public Transcript transcript() {
        return transcript;
    }

    /** The stage in progress (or the last one, when done). */
    public Stage stage() {
        return state.stage();
    }

    public boolean isDone() {
        return state instanceof Done;
    }

    /** When the current stage times out, in the driver's clock; Long.MAX_VALUE when nothing is pending. */
    public long deadlineNanos() {
        return state.clock().deadlineNanos();
    }

    /** How the state in progress frames its next inbound PDU. */
    public FrameHint nextFrameHint() {
        return state.nextFrameHint();
    }

    /** The selected protocol from the Connection Confirm, or -1 before it. */
    public int selectedProtocol() {
        Negotiated n = state.negotiated();
        return n == null ? -1 : n.selectedProtocol();
    }

    public ConnectionConfirm connectionConfirm() {
        Negotiated n = state.negotiated();
        return n == null ? null : n.confirm();
    }

    public List<StageResult> results() {
        return List.copyOf(results);
    }

    /** The one place the state changes: results recorded, the change logged and written to the transcript. */
    private Action transition(Transition t, long nowNanos) {
        ConnectorState from = state;
        results.addAll(t.recorded());
        state = t.next();
        if (from.stage() != state.stage()) {
            arrivals = Arrivals.NONE;
        }
        if (from != state && (from.stage() != state.stage() || from.getClass() != state.getClass())) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} --> {} ({} --> {})", from.stage(), state.stage(), from.getClass().getSimpleName(),
                        state.getClass().getSimpleName());
            }
            if (transcript != null && nowNanos != UNTIMED && from.stage() != state.stage()) {
                transcript.event(nowNanos, state.stage().name(), from.stage() + " --> " + state.stage());
            }
        }
        return t.action();
    }

    // ---- DNS and TCP: the driver does the I/O and reports here -------------------------------------

    public void dnsResolved(String host, List<String> addresses, boolean literal, long elapsedMs) {
        Peer p = state.peer();
        Peer peer = p.viaGateway() ? p : new Peer(host, false);
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("host", host);
        ev.put("addresses", addresses);
        if (p.viaGateway()) {
            ev.put("role", "RD Gateway");
        }
        if (literal) {
            ev.put("literal", true);
        }
        StageResult r = StageResult.ok(Stage.DNS, elapsedMs, ev,
                literal ? host + " is an address literal" : host + " -> " + String.join(", ", addresses));
        Connecting next = new Connecting(peer);
        // --stop-after DNS: no connection at all
        transition(settings.stopAfter() == Stage.DNS ? Transition.to(Done.after(next, ctx, Stage.DNS), Action.DONE, r)
                : Transition.to(next, Action.WAIT, r), UNTIMED);
    }

    public void dnsFailed(String host, String detail, long elapsedMs) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("host", host);
        ev.put("error", detail);
        transition(Transition.fail(state, ctx, Stage.DNS, elapsedMs, ev, Causes.DNS_NOT_FOUND,
                "cannot resolve " + host + ": " + detail), UNTIMED);
    }

    public void tcpConnected(String local, String remote, long elapsedMs) {
        tcpConnected(local, remote, elapsedMs, null, null);
    }

    /**
     * @param transport the socket transport that ran ({@code epoll} or {@code nio}), or null when not told
     * @param info      the kernel's TCP_INFO right after the handshake, or null when the transport cannot read it
     */
    public void tcpConnected(String local, String remote, long elapsedMs, String transport,
                             io.rdpprobe.probe.model.TcpInfoSample info) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("remote", remote);
        ev.put("local", local);
        boolean gw = state.peer().viaGateway();
        if (gw) {
            ev.put("role", "RD Gateway");
        }
        if (transport != null) {
            ev.put("transport", transport);
            if (info != null) {
                ev.put("tcpInfo", info.toEvidence());
            } else {
                ev.put("tcpInfo", "not available (" + transport + " transport: TCP_INFO needs the Linux epoll transport)");
            }
        }
        pathFirst = info;
        pathLast = info;
        loopbackPeer = PathVerdicts.isLoopbackEndpoint(remote);
        StageResult r = StageResult.ok(Stage.TCP, elapsedMs, ev, "connected to " + (gw ? "the RD Gateway " : "") + remote);
        // --stop-after TCP: the driver closes the connection before the X.224 Connection Request (or the gateway's TLS)
        transition(settings.stopAfter() == Stage.TCP ? Transition.to(Done.after(state, ctx, Stage.TCP), Action.DONE, r)
                : new Transition(state, Action.WAIT, List.of(r)), UNTIMED);
    }

    /** CONNECTION_REFUSED with the probed port in its remedy. */
    static Cause refusedOn(String remote) {
        Cause c = Causes.CONNECTION_REFUSED;
        int colon = remote == null ? -1 : remote.lastIndexOf(':');
        String port = colon < 0 ? "3389" : remote.substring(colon + 1);
        return new Cause(c.code(), c.title(), c.remedy().replace("findstr PORT", "findstr " + port)
                .replace("on this port", "on port " + port), c.clientError());
    }

    /** An EHOSTUNREACH later than this (ms) is the kernel's own: no ARP/neighbour answer (about 3 s on Linux). */
    static final long NEIGHBOUR_TIMEOUT_MS = 2_000;

    public void tcpFailed(TcpFailure kind, String remote, String detail, long elapsedMs) {
        tcpFailed(kind, remote, detail, elapsedMs, null);
    }

    /** @param transport the socket transport that ran ({@code epoll} or {@code nio}), or null when not told */
    public void tcpFailed(TcpFailure kind, String remote, String detail, long elapsedMs, String transport) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("remote", remote);
        ev.put("error", detail);
        if (transport != null) {
            ev.put("transport", transport);
        }
        boolean gw = state.peer().viaGateway();
        if (gw) {
            ev.put("role", "RD Gateway");
        }
        boolean noNeighbour = kind == TcpFailure.HOST_UNREACHABLE && elapsedMs >= NEIGHBOUR_TIMEOUT_MS;
        // what the socket error says about the path: one name per outcome (README "Filtered, closed or down")
        String reachability = switch (kind) {
            case REFUSED -> "CLOSED";
            case TIMEOUT -> "SILENCE";
            case HOST_UNREACHABLE -> noNeighbour ? "NO_NEIGHBOUR" : "ICMP_UNREACHABLE";
            case NET_UNREACHABLE -> "NO_ROUTE";
            case OTHER -> "UNKNOWN";
        };
        ev.put("reachability", reachability);
        String meaning = switch (reachability) {
            case "CLOSED" -> "closed: the host is up and answered with a TCP RST (nothing listens on the port, or a "
                    + "firewall rejects it with a reset)";
            case "SILENCE" -> "filtered or down: no answer at all (a firewall drops the SYN, or the host is down "
                    + "behind a router)";
            case "NO_NEIGHBOUR" -> "down: no ARP/neighbour answer on the host's subnet for " + elapsedMs
                    + " ms (the host is off or not on that subnet)";
            case "ICMP_UNREACHABLE" -> "rejected on the path: an ICMP unreachable came back within " + elapsedMs
                    + " ms (a firewall rejecting the port with admin-prohibited, or a router with no route to the "
                    + "host; Linux reports both as EHOSTUNREACH)";
            case "NO_ROUTE" -> "no route: the network is unreachable (no local route, or ICMP net-unreachable)";
            default -> "unknown: the socket error does not say";
        };
        ev.put("meaning", meaning);
        if (gw) {
            ev.put("blocked", "the RD Gateway's port (the target was not tried)");
        }
        Cause cause = switch (kind) {
            case REFUSED -> refusedOn(remote);
            case TIMEOUT -> Causes.CONNECT_TIMEOUT;
            case HOST_UNREACHABLE, NET_UNREACHABLE, OTHER -> Causes.HOST_UNREACHABLE;
        };
        String who = gw ? "the RD Gateway " + remote : remote;
        String summary = switch (kind) {
            case REFUSED -> "connection refused by " + who + " (TCP RST in answer to SYN)";
            case TIMEOUT -> "no answer from " + who + " within " + settings.stageTimeoutMillis() + " ms";
            case HOST_UNREACHABLE, NET_UNREACHABLE -> who + " is unreachable: " + detail;
            case OTHER -> "cannot connect to " + who + ": " + detail;
        };
        summary += "; " + (meaning.indexOf(':') > 0 ? meaning.substring(0, meaning.indexOf(':')) : meaning)
                + (gw ? "; the RD Gateway's port is what is blocked, the target was not tried" : "");
        transition(Transition.fail(state, ctx, Stage.TCP, elapsedMs, ev, cause, summary), UNTIMED);
    }

    // ---- the network path: TCP_INFO at the end of each stage ---------------------------------------------

    /**
     * A TCP_INFO reading taken when {@code ended} ended (or at the deadline): the figures that changed since the
     * previous reading go into that stage's evidence as {@code path}.
     */
    public void pathSample(Stage ended, io.rdpprobe.probe.model.TcpInfoSample s) {
        if (s == null) {
            return;
        }
        Map<String, Object> changed = PathVerdicts.changes(pathLast, s);
        pathLast = s;
        if (changed.isEmpty()) {
            return;
        }
        for (int i = results.size() - 1; i >= 0; i--) {
            StageResult r = results.get(i);
            if (r.stage() == ended) {
                Map<String, Object> ev = new LinkedHashMap<>(r.evidence());
                ev.put("path", changed);
                results.set(i, new StageResult(r.stage(), r.status(), r.elapsedMs(), ev, r.cause(), r.summary(), r.inferred()));
                return;
            }
        }
    }

    /** The TCP peer is a loopback address (its retransmissions are not path loss). */
    private boolean loopbackPeer;

    /** The latest TCP_INFO reading, or null. */
    public io.rdpprobe.probe.model.TcpInfoSample lastPathSample() {
        return pathLast;
    }

    /**
     * The connection is over: the last reading goes into the TCP stage ({@code tcpInfoAtEnd}) and the loss and MTU
     * findings ({@link PathVerdicts#judge}) make it a WARNING.
     */
    public void finishPath() {
        for (int i = 0; i < results.size(); i++) {
            StageResult r = results.get(i);
            if (r.stage() == Stage.TCP && r.status() != Status.FAILED) {
                StageResult amended = r;
                if (pathLast != null && pathLast != pathFirst) {
                    Map<String, Object> ev = new LinkedHashMap<>(r.evidence());
                    ev.put("tcpInfoAtEnd", pathLast.toEvidence());
                    if (loopbackPeer && pathLast.totalRetrans() > 0) {
                        ev.put("pathNote", "loopback peer: its " + pathLast.totalRetrans() + " retransmission(s) come from"
                                + " this host's load (a timer fired before the reply), not from the path: not judged as PATH_LOSS");
                    }
                    amended = new StageResult(r.stage(), r.status(), r.elapsedMs(), ev, r.cause(), r.summary(), r.inferred());
                }
                results.set(i, PathVerdicts.withFindings(amended, PathVerdicts.judge(pathLast, results, loopbackPeer)));
                return;
            }
        }
    }

    // ---- RD Gateway: the gateway's stages run below the driver and report here -----------------------

    /**
     * The probe goes through an RD Gateway: DNS and TCP reach the gateway, and {@code targetHost} is the
     * name the target's stages use (SNI, certificate name check, SPN). Call before {@link #dnsResolved}
     * (or before {@link #onConnected}).
     */
    public void viaGateway(String targetHost) {
        Peer peer = new Peer(targetHost, true);
        if (state instanceof Resolving) {
            state = new Resolving(peer);
        } else if (state instanceof Connecting) {
            state = new Connecting(peer);
        } else {
            throw new IllegalStateException("viaGateway after the X224 stage started (" + state.stage() + ")");
        }
    }

    public boolean isViaGateway() {
        return state.peer().viaGateway();
    }

    /**
     * A stage that ran outside this connector (the RD Gateway's). A FAILED result ends the probe at that
     * stage, exactly as a failure of the connector's own stages does.
     */
    /**
     * The KERBEROS stage's context for the CREDSSP stage (MS-CSSP 3.1.5 with Kerberos); {@code ntlmAllowed}: NTLMSSP is
     * offered after Kerberos (--auth negotiate), not with --auth kerberos. The CREDSSP stage disposes it.
     */
    public void kerberosContext(io.rdpprobe.probe.credssp.KerberosContext c, boolean ntlmAllowed) {
        ctx.kerberos().offer(c, ntlmAllowed);
    }

    /** The Kerberos context if the CREDSSP stage did not take it (the probe ended before), for disposal. */
    public io.rdpprobe.probe.credssp.KerberosContext unusedKerberosContext() {
        return ctx.kerberos().take();
    }

    public void externalStage(StageResult r) {
        if (isDone()) {
            return;
        }
        // a failure, or --stop-after this gateway stage, ends the probe there
        Transition t = r.status() == Status.FAILED || settings.stopAfter() == r.stage()
                ? Transition.to(Done.after(state, ctx, r.stage()), Action.DONE, r)
                : new Transition(state, Action.WAIT, List.of(r));
        transition(t, UNTIMED);
    }

    // ---- X224 ----------------------------------------------------------------------------------------

    /**
     * The connection is up (for a gateway: the tunnel): write the Connection Request and start the X224 stage.
     *
     * @param wallNow the wall clock at {@code nowNanos} (certificate dates under Standard RDP Security), or null
     */
    public Action onConnected(long nowNanos, java.time.Instant wallNow, ByteBuf out) {
        if (wallNow != null) {
            ctx.wall().set(wallNow, nowNanos);
        }
        return onConnected(nowNanos, out);
    }

    /** The connection is up: write the Connection Request and start the X224 stage. */
    public Action onConnected(long nowNanos, ByteBuf out) {
        if (state instanceof Resolving || state instanceof Connecting) {
            return transition(Connecting.connected(state.peer(), ctx, nowNanos, out), nowNanos);
        }
        return isDone() ? Action.DONE : Action.WAIT;
    }

    /** The CR this probe sends. */
    public ConnectionRequest connectionRequest() {
        return new AwaitConfirm(state.peer(), settings.requestedProtocols(), settings.maxX224Frame(), StageClock.NONE)
                .request(settings);
    }

    /**
     * Bytes arrived. The connector frames them with the state's {@link FrameHint}, hands each complete
     * frame to the state, and leaves the rest of {@code in} for the next call.
     */
    public Action onData(ByteBuf in, long nowNanos, ByteBuf out) {
        arrivals = arrivals.plus(in.readableBytes() - pendingAfter, state.clock().elapsedMs(nowNanos));
        try {
            return frame(in, nowNanos, out);
        } finally {
            pendingAfter = in.readableBytes();
        }
    }

    private Action frame(ByteBuf in, long nowNanos, ByteBuf out) {
        Action a = isDone() ? Action.DONE : Action.WAIT;
        while (a == Action.WAIT && in.isReadable()) {
            FrameHint hint = state.nextFrameHint();
            if (hint == FrameHint.NONE) {
                // bytes in a stage this connector does not own (e.g. while the driver runs TLS) are not expected
                return a;
            }
            int n;
            try {
                n = hint.frameLength(in);
            } catch (DecodeException e) {
                return transition(state.unframeable(ctx, in, e, nowNanos, out), nowNanos);
            }
            if (n == FrameHint.NEED_MORE) {
                return a;
            }
            if (n > hint.maxLength()) {
                return transition(state.oversized(ctx, in, n, nowNanos), nowNanos);
            }
            if (in.readableBytes() < n) {
                return a;
            }
            ByteBuf frame = in.slice(in.readerIndex(), n);
            Transition t = state.step(ctx, frame, in, nowNanos, out);
            in.skipBytes(n);
            a = transition(t, nowNanos);
        }
        return a;
    }

    // ---- TLS -----------------------------------------------------------------------------------------

    /** The SNI to send: the probed name, never an address literal. */
    public String tlsServerName() {
        String host = state.peer().host();
        if (host == null || !settings.tls().sendSni() || HostNames.isAddressLiteral(host)) {
            return null;
        }
        return host;
    }

    /** The leaf certificate's public key (RSAPublicKey DER for RSA), which CredSSP binds to; null before TLS. */
    public byte[] serverPublicKey() {
        Secured s = state.secured();
        return s == null || s.serverPublicKey() == null ? null : s.serverPublicKey().clone();
    }

    public TlsOutcome tlsOutcome() {
        Secured s = state.secured();
        return s == null ? null : s.outcome();
    }

    /**
     * The RDP TLS handshake finished, failed, was closed, or stalled past the deadline.
     *
     * @param now the wall clock, for certificate validity
     */
    public Action onTlsOutcome(TlsOutcome o, long nowNanos, Instant now, ByteBuf out) {
        return transition(state.tlsOutcome(ctx, o, nowNanos, now, out), nowNanos);
    }

    /** A fatal TLS alert arrived after the handshake (Windows 2008 R2 answers a bad password with alert 80). */
    public Action onTlsAlert(int description, long nowNanos) {
        return transition(state.tlsAlert(ctx, description, nowNanos), nowNanos);
    }

    // ---- MCS ... ACTIVATION ----------------------------------------------------------------------------

    /** The first frame the server sent in the MCS stage (its Connect Response), for encryption enumeration. */
    public byte[] connectResponseFrame() {
        byte[] f = state.connectResponseFrame();
        return f == null ? null : f.clone();
    }

    // ---- whatever the stage --------------------------------------------------------------------------

    /** The start of {@link #stopNote()} when the probe ends the connection by design. */
    public static final String STOP_PREFIX = "rdp-probe stopped after ";
    /** The start of {@link #stopNote()} when the probe ends the connection after a failed stage. */
    public static final String GAVE_UP_PREFIX = "rdp-probe gave up at ";

    /**
     * Why the probe ends the connection now, for the capture's stop marker: by design ("rdp-probe stopped after
     * CREDSSP as asked (credentials proven; not delegated without --delegate-credentials)") or after a failed stage
     * ("rdp-probe gave up at TLS: SERVER_STALLED (...)").
     */
    public String stopNote() {
        StageResult failed = null;
        Stage last = null;
        for (StageResult r : results) {
            if (r.status() == Status.FAILED) {
                failed = r;
            }
            if (r.status() == Status.OK || r.status() == Status.WARNING) {
                last = r.stage();
            }
        }
        if (failed != null) {
            return GAVE_UP_PREFIX + failed.stage() + ": " + (failed.cause() == null ? "FAILED" : failed.cause().code())
                    + " (" + failed.summary() + ")";
        }
        if (last == null) {
            return GAVE_UP_PREFIX + state.stage() + " before any stage completed";
        }
        String why;
        if (settings.stopAfter() != null) {
            why = "--stop-after " + settings.stopAfter();
        } else if (last == Stage.CREDSSP && settings.credssp().credentials() == null) {
            why = "--ntlm-info / no credentials: the server's NTLM CHALLENGE was the goal";
        } else if (last == Stage.CREDSSP) {
            why = "credentials proven; not delegated without --delegate-credentials";
        } else if (last == Stage.ACTIVATION) {
            why = "ACTIVATION is the probe's last stage";
        } else {
            why = "the probe's plan ends there";
        }
        return STOP_PREFIX + last + " as asked (" + why + ")";
    }

    /** The probe's own code failed (a bug): say so rather than blame the server. */
    public Action onInternalError(Throwable t, long nowNanos) {
        return transition(state.internalError(ctx, t, nowNanos), nowNanos);
    }

    /** The peer closed (FIN) or reset the connection. */
    public Action onClosed(boolean reset, ByteBuf pending, long nowNanos) {
        return transition(state.closed(ctx, reset, pending, nowNanos), nowNanos);
    }

    /** The stage's deadline passed. */
    public Action onDeadline(ByteBuf pending, long nowNanos) {
        return transition(state.deadline(ctx, pending, arrivals, nowNanos), nowNanos);
    }

    /** Stages this probe would have run after the current results, for NOT_REACHED padding. */
    List<Stage> plannedStages() {
        return state.plan(settings);
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
