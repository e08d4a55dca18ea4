package io.rdpprobe.probe.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.SessionCauses;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.errors.ErrorInfo;
import io.rdpprobe.protocol.gcc.ChannelDef;
import io.rdpprobe.protocol.gcc.ClientClusterData;
import io.rdpprobe.protocol.gcc.ClientCoreData;
import io.rdpprobe.protocol.gcc.ClientData;
import io.rdpprobe.protocol.gcc.ClientNetworkData;
import io.rdpprobe.protocol.gcc.ClientSecurityData;
import io.rdpprobe.protocol.gcc.ConferenceCreateRequest;
import io.rdpprobe.protocol.gcc.ConferenceCreateResponse;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import io.rdpprobe.protocol.gcc.GccBlock;
import io.rdpprobe.protocol.gcc.ProprietaryCertificate;
import io.rdpprobe.protocol.gcc.RdpVersion;
import io.rdpprobe.protocol.gcc.RsaPublicKey;
import io.rdpprobe.protocol.gcc.ServerCertificate;
import io.rdpprobe.protocol.gcc.ServerCoreData;
import io.rdpprobe.protocol.gcc.ServerData;
import io.rdpprobe.protocol.gcc.ServerNetworkData;
import io.rdpprobe.protocol.gcc.ServerSecurityData;
import io.rdpprobe.protocol.gcc.X509CertificateChain;
import io.rdpprobe.protocol.licensing.ClientNewLicenseRequest;
import io.rdpprobe.protocol.licensing.LicensePdu;
import io.rdpprobe.protocol.licensing.LicensePreamble;
import io.rdpprobe.protocol.licensing.LicenseRequest;
import io.rdpprobe.protocol.licensing.StateTransition;
import io.rdpprobe.protocol.mcs.AttachUserConfirm;
import io.rdpprobe.protocol.mcs.AttachUserRequest;
import io.rdpprobe.protocol.mcs.ChannelJoinConfirm;
import io.rdpprobe.protocol.mcs.ChannelJoinRequest;
import io.rdpprobe.protocol.mcs.ConnectInitial;
import io.rdpprobe.protocol.mcs.ConnectResponse;
import io.rdpprobe.protocol.mcs.DisconnectProviderUltimatum;
import io.rdpprobe.protocol.mcs.DomainPdu;
import io.rdpprobe.protocol.mcs.ErectDomainRequest;
import io.rdpprobe.protocol.mcs.Mcs;
import io.rdpprobe.protocol.mcs.SendData;
import io.rdpprobe.protocol.rdp.DataPdu;
import io.rdpprobe.protocol.rdp.DeactivateAllPdu;
import io.rdpprobe.protocol.rdp.DemandActivePdu;
import io.rdpprobe.protocol.rdp.InfoPacket;
import io.rdpprobe.protocol.codec.Named;
import io.rdpprobe.protocol.rdp.CapabilitySet;
import io.rdpprobe.protocol.rdp.SaveSessionInfoPdu;
import io.rdpprobe.protocol.rdp.SecurityExchangePdu;
import io.rdpprobe.protocol.rdp.SecurityFlags;
import io.rdpprobe.protocol.rdp.ServerRedirectionPdu;
import io.rdpprobe.protocol.rdp.SharePdu;
import io.rdpprobe.protocol.security.ClientRandomEncryption;
import io.rdpprobe.protocol.security.FipsChannel;
import io.rdpprobe.protocol.security.Rc4Channel;
import io.rdpprobe.protocol.security.SessionKeys;
import io.rdpprobe.protocol.security.TerminalServicesKey;
import io.rdpprobe.protocol.x224.Protocols;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sans-IO client for the connection phases after X.224/TLS/CredSSP (MS-RDPBCGR 1.3.1.1 steps 3-13):
 *
 * <pre>
 * Connect Initial  -> Connect Response                         MCS
 * Erect Domain, Attach User -> Attach User Confirm             MCS
 * Channel Join x n -> Channel Join Confirm x n (or skipped)    MCS
 * [Security Exchange] (Standard RDP Security with encryption)  SECURITY_EXCHANGE (confirmed by the first MAC)
 * Client Info      -> licensing PDU(s)                         LICENSING
 *   License Request -> Client New License Request (MS-RDPELE 2.2.2.2) -> Valid Client: OK, or Platform Challenge:
 *   WARNING LICENSING_SERVER_REQUIRED (the probe never completes a license issuance)
 *                  -> Demand Active                            ACTIVATION, then Disconnect Provider Ultimatum
 * </pre>
 *
 * <p>No sockets, no channels, no clocks. The driver calls {@link #start(long)}, writes the returned frames,
 * then for every complete inbound frame (a whole TPKT, as {@code FrameProbe.frameLength} delimits it; TLS
 * already removed) calls {@link #receive(ByteBuf, long)} and writes what it returns; when the peer closes it
 * calls {@link #closed(long)}. A {@link Step} with {@code close = true} means: flush and close. The times are
 * the driver's clock readings in milliseconds and only feed {@link StageResult#elapsedMs()}. {@link #results()}
 * gives the four stage results at any moment.
 */
public final class SessionSequence {

    /** What the driver must do after a call: write {@code outbound} in order, then close if asked. */
    public record Step(List<byte[]> outbound, boolean close) {
        public Step {
            outbound = List.copyOf(outbound);
        }

        static Step of(List<byte[]> out) {
            return new Step(out, false);
        }
    }

    /** Where the sequence is. */
    public enum State {
        INITIAL, AWAIT_CONNECT_RESPONSE, AWAIT_ATTACH_USER_CONFIRM, AWAIT_CHANNEL_JOIN_CONFIRM, AWAIT_LICENSING,
        AWAIT_DEMAND_ACTIVE, DONE
    }

    private static final Stage[] STAGES = {Stage.MCS, Stage.SECURITY_EXCHANGE, Stage.LICENSING, Stage.ACTIVATION};

    private final int selectedProtocol;
    private final int requestedProtocols;
    private final SessionSettings settings;
    private final RandomSource random;
    private final LogonInfo logon;

    private State state = State.INITIAL;
    private final Map<Stage, StageResult> results = new EnumMap<>(Stage.class);
    private final Map<Stage, Long> started = new EnumMap<>(Stage.class);
    private final Map<Stage, Map<String, Object>> evidence = new EnumMap<>(Stage.class);

    private ServerData serverData;
    private EncryptionMethod method = EncryptionMethod.NONE;
    private int userId;
    private final Deque<Integer> pendingJoins = new ArrayDeque<>();
    private final List<Map<String, Object>> channelEvidence = new ArrayList<>();
    private Rc4Channel encryptor;
    private Rc4Channel decryptor;
    private FipsChannel fipsEncryptor;
    private FipsChannel fipsDecryptor;
    private boolean securityExchangePending;
    private ErrorInfo pendingErrorInfo;
    private LicenseRequest licenseRequest;
    private byte[] connectResponseFrame;
    private Stage stopAfter;

    public SessionSequence(int selectedProtocol, int requestedProtocols, SessionSettings settings, RandomSource random,
                           LogonInfo logon) {
        this.selectedProtocol = selectedProtocol;
        this.requestedProtocols = requestedProtocols;
        this.settings = settings;
        this.random = random;
        this.logon = logon;
        for (Stage s : STAGES) {
            evidence.put(s, new LinkedHashMap<>());
        }
    }

    private java.time.Instant certificateTime;
    private io.rdpprobe.probe.tls.TrustSettings certificateTrust;
    private io.rdpprobe.probe.tls.CertificateAnalysis.Finding certificateFinding;

    /**
     * Judge an X.509 chain in the Server Security Data (MS-RDPBCGR 2.2.1.4.3.1.2) at this wall time with the
     * TLS stage's certificate analyser; its worst finding makes SECURITY_EXCHANGE a warning.
     */
    public void judgeCertificatesAt(java.time.Instant at, io.rdpprobe.probe.tls.TrustSettings trust) {
        this.certificateTime = at;
        this.certificateTrust = trust;
    }

    public State state() {
        return state;
    }

    /**
     * {@code --stop-after}: end the sequence right after this stage's result (MCS, SECURITY_EXCHANGE, LICENSING; under
     * Enhanced RDP Security SECURITY_EXCHANGE is skipped, so it stops where that stage would have been), with a
     * Disconnect Provider Ultimatum as after ACTIVATION. Null, ACTIVATION or an earlier stage: run to the end.
     */
    public SessionSequence stopAfter(Stage s) {
        this.stopAfter = s;
        return this;
    }

    /** The stop point was reached: say goodbye and close, as after the Demand Active. */
    private Step stop() {
        state = State.DONE;
        return new Step(List.of(Mcs.frame(DisconnectProviderUltimatum.USER_REQUESTED)), true);
    }

    public boolean isDone() {
        return state == State.DONE;
    }

    /** The MCS user id the server assigned (0 before Attach User Confirm). */
    public int userId() {
        return userId;
    }

    /** The server's GCC data once the Connect Response arrived. */
    public Optional<ServerData> serverData() {
        return Optional.ofNullable(serverData);
    }

    /** MCS, SECURITY_EXCHANGE, LICENSING, ACTIVATION in order; stages not finished are NOT_REACHED. */
    public List<StageResult> results() {
        List<StageResult> out = new ArrayList<>();
        for (Stage s : STAGES) {
            out.add(results.getOrDefault(s, StageResult.notReached(s)));
        }
        return out;
    }

    // ---- outbound ---------------------------------------------------------------------------------------

    /** The first flight: MCS Connect Initial with the GCC Conference Create Request. */
    public Step start(long nowMs) {
        if (state != State.INITIAL) {
            throw new IllegalStateException("already started");
        }
        started.put(Stage.MCS, nowMs);
        state = State.AWAIT_CONNECT_RESPONSE;
        return Step.of(List.of(connectInitialFrame(settings, selectedProtocol)));
    }

    /** The Connect Initial frame this client sends (public for {@code --enumerate} and tests). */
    public static byte[] connectInitialFrame(SessionSettings s, int selectedProtocol) {
        return Mcs.frame(ConnectInitial.of(new ConferenceCreateRequest(clientData(s, selectedProtocol)).toBytes()));
    }

    static ClientData clientData(SessionSettings s, int selectedProtocol) {
        int early = ClientCoreData.SUPPORT_ERRINFO_PDU | ClientCoreData.WANT_32BPP_SESSION
                | ClientCoreData.SUPPORT_STATUSINFO_PDU | ClientCoreData.STRONG_ASYMMETRIC_KEYS
                | ClientCoreData.VALID_CONNECTION_TYPE | (s.requestSkipChannelJoin() ? ClientCoreData.SUPPORT_SKIP_CHANNELJOIN : 0);
        ClientCoreData core = new ClientCoreData(RdpVersion.RDP_10_7.value(), s.desktopWidth(), s.desktopHeight(),
                ClientCoreData.RNS_UD_COLOR_8BPP, ClientCoreData.RNS_UD_SAS_DEL, s.keyboardLayout(), s.clientBuild(),
                s.clientName(), 4, 0, 12, "", ClientCoreData.RNS_UD_COLOR_8BPP, 1, 0, 24,
                ClientCoreData.RNS_UD_24BPP_SUPPORT | ClientCoreData.RNS_UD_16BPP_SUPPORT
                        | ClientCoreData.RNS_UD_15BPP_SUPPORT | ClientCoreData.RNS_UD_32BPP_SUPPORT,
                early, "", 6, 0, selectedProtocol, null, null, null, null, null, new byte[0]);
        List<GccBlock> blocks = new ArrayList<>();
        blocks.add(core);
        blocks.add(new ClientSecurityData(s.encryptionMethods(), EncryptionMethod.NONE));
        if (!s.channels().isEmpty()) {
            blocks.add(new ClientNetworkData(s.channels()));
        }
        blocks.add(new ClientClusterData(ClientClusterData.REDIRECTION_SUPPORTED | (3 << 2), 0));
        return new ClientData(blocks);
    }

    private byte[] sendData(byte[] data) {
        return Mcs.sendData(false, userId, DomainPdu.GLOBAL_CHANNEL_ID, data);
    }

    private static final int SECURITY_HEADER_ONLY_FLAGS = SecurityFlags.SEC_LICENSE_PKT | SecurityFlags.SEC_REDIRECTION_PKT
            | SecurityFlags.SEC_AUTODETECT_REQ | SecurityFlags.SEC_HEARTBEAT | SecurityFlags.SEC_TRANSPORT_REQ;

    private int ioChannel() {
        return serverData == null ? DomainPdu.GLOBAL_CHANNEL_ID
                : serverData.network().map(ServerNetworkData::ioChannelId).orElse(DomainPdu.GLOBAL_CHANNEL_ID);
    }

    private boolean fips() {
        return method.value() == EncryptionMethod.FIPS.value();
    }

    private boolean standardSecurity() {
        return selectedProtocol == Protocols.RDP && !method.isNone();
    }

    // ---- inbound ----------------------------------------------------------------------------------------

    /** Consumes one complete inbound frame. */
    public Step receive(byte[] frame, long nowMs) {
        return receive(Unpooled.wrappedBuffer(frame), nowMs);
    }

    /** Consumes one complete inbound frame (the buffer is read, not released). */
    public Step receive(ByteBuf frame, long nowMs) {
        if (state == State.DONE || state == State.INITIAL) {
            return Step.of(List.of());
        }
        try {
            if (!frame.isReadable() || frame.getUnsignedByte(frame.readerIndex()) != 0x03) {
                if (state == State.AWAIT_DEMAND_ACTIVE || state == State.AWAIT_LICENSING) {
                    return Step.of(List.of()); // fast-path output before activation: nothing we need
                }
                throw DecodeException.unexpected(io.rdpprobe.protocol.codec.Layer.TPKT, "first byte", frame.readerIndex(),
                        "expected a TPKT frame");
            }
            if (frame.readableBytes() > 5 && (frame.getUnsignedByte(frame.readerIndex() + 5) & 0xF0) == 0x80) {
                return fail(nowMs, Causes.X224_DISCONNECT, "the server sent an X.224 Disconnect Request", Map.of());
            }
            int frameStart = frame.readerIndex();
            int frameLength = frame.readableBytes();
            ByteBuf mcs = Mcs.userData(frame);
            if (state == State.AWAIT_CONNECT_RESPONSE && Mcs.isConnectPdu(mcs)) {
                connectResponseFrame = ByteBufUtil.getBytes(frame, frameStart, frameLength);
                return onConnectResponse(ConnectResponse.decode(mcs), nowMs);
            }
            DomainPdu pdu = DomainPdu.decode(mcs);
            if (pdu instanceof DisconnectProviderUltimatum d) {
                if (pendingErrorInfo != null) {
                    SessionReading.Reading r = SessionReading.errorInfo(pendingErrorInfo, true);
                    return fail(nowMs, r.cause(), r.summary(), Map.of("ultimatum", d.reason().name()));
                }
                ServerDisconnect.Judgement j = ServerDisconnect.judge(waitingFor(), d.reason(), null);
                return fail(nowMs, j.cause(), j.summary(), j.evidence());
            }
            Step step = switch (state) {
                case AWAIT_ATTACH_USER_CONFIRM -> pdu instanceof AttachUserConfirm a ? onAttachUserConfirm(a, nowMs)
                        : unexpected(pdu, nowMs);
                case AWAIT_CHANNEL_JOIN_CONFIRM -> pdu instanceof ChannelJoinConfirm c ? onChannelJoinConfirm(c, nowMs)
                        : pdu instanceof SendData sd && sd.indication() ? onSendData(sd, nowMs) : unexpected(pdu, nowMs);
                case AWAIT_LICENSING, AWAIT_DEMAND_ACTIVE -> pdu instanceof SendData sd && sd.indication()
                        ? onSendData(sd, nowMs) : unexpected(pdu, nowMs);
                default -> unexpected(pdu, nowMs);
            };
            // a stage completed by a PDU that asks nothing back (licensing): stop there if asked
            boolean stopHere = state != State.DONE && stopAfter != null && stopAfter != Stage.ACTIVATION
                    && results.containsKey(stopAfter);
            return stopHere ? stop() : step;
        } catch (DecodeException e) {
            return fail(nowMs, Causes.MALFORMED_RESPONSE, "malformed server PDU: " + e.getMessage(),
                    Map.of("decodeError", e.getMessage()));
        }
    }

    /** The peer closed the connection (FIN): the current stage fails. */
    public Step closed(long nowMs) {
        return closed(nowMs, false);
    }

    /**
     * The peer closed ({@code reset}: RST, else FIN): the current stage fails, with the same cause as a Disconnect
     * Provider Ultimatum ({@link ServerDisconnect}), so losing an Ultimatum to the close does not change the verdict.
     */
    public Step closed(long nowMs, boolean reset) {
        if (state == State.DONE || state == State.INITIAL) {
            return new Step(List.of(), true);
        }
        if (pendingErrorInfo != null) {
            SessionReading.Reading r = SessionReading.errorInfo(pendingErrorInfo, false);
            return fail(nowMs, r.cause(), r.summary(), Map.of());
        }
        ServerDisconnect.Judgement j = ServerDisconnect.judge(waitingFor(), null, reset ? "RST" : "FIN");
        return fail(nowMs, j.cause(), j.summary(), j.evidence());
    }

    /** What the client waits for in the current state, in the words the capture analyser uses too. */
    private String waitingFor() {
        return switch (state) {
            case INITIAL, AWAIT_CONNECT_RESPONSE -> "the MCS Connect-Response";
            case AWAIT_ATTACH_USER_CONFIRM -> "the MCS Attach User Confirm";
            case AWAIT_CHANNEL_JOIN_CONFIRM -> "an MCS Channel Join Confirm";
            case AWAIT_LICENSING -> securityExchangePending ? "the first encrypted server PDU after the Security Exchange"
                    : "a licensing PDU";
            case AWAIT_DEMAND_ACTIVE, DONE -> "the Demand Active PDU";
        };
    }

    /** The server's Connect Response frame once one arrived (a connect PDU, whatever its result), else null. */
    public byte[] connectResponseFrame() {
        return connectResponseFrame == null ? null : connectResponseFrame.clone();
    }

    private Step unexpected(DomainPdu pdu, long nowMs) {
        return fail(nowMs, Causes.MALFORMED_RESPONSE, "unexpected MCS PDU " + DomainPdu.choiceName(pdu.choice())
                + " in state " + state, Map.of());
    }

    // ---- MCS --------------------------------------------------------------------------------------------

    private Step onConnectResponse(ConnectResponse cr, long nowMs) {
        Map<String, Object> ev = evidence.get(Stage.MCS);
        ev.put("mcsResult", Named.value(cr.result().name(), cr.result().value(), 2));
        SessionReading.Reading refused = SessionReading.connectResponse(cr, null);
        if (refused != null) {
            return fail(nowMs, refused.cause(), refused.summary(), Map.of());
        }
        ConferenceCreateResponse gcc = ConferenceCreateResponse.decode(Unpooled.wrappedBuffer(cr.userData()));
        refused = SessionReading.connectResponse(cr, gcc);
        if (refused != null) {
            ev.put("gccResult", Named.value(gcc.resultName(), gcc.result(), 2));
            return fail(nowMs, refused.cause(), refused.summary(), Map.of());
        }
        serverData = gcc.userData();
        ServerCoreData core = serverData.core().orElse(null);
        if (core != null) {
            ev.put("serverRdpVersion", Named.value(core.rdpVersion().name(), core.version(), 8));
            if (core.clientRequestedProtocols() != null) {
                ev.put("clientRequestedProtocolsEcho", Named.value(Protocols.describe(core.clientRequestedProtocols()),
                        core.clientRequestedProtocols(), 8));
                if (core.clientRequestedProtocols() != requestedProtocols) {
                    ev.put("requestedProtocolsMismatch", true);
                }
            }
            if (core.earlyCapabilityFlags() != null) {
                ev.put("serverEarlyCapabilities", Named.flags(core.earlyCapabilityNames(), core.earlyCapabilityFlags(), 8));
            }
        }
        ServerSecurityData sec = serverData.security().orElse(null);
        if (sec != null) {
            method = sec.encryptionMethod();
            ev.put("encryptionMethod", Named.value(sec.encryptionMethod().name(), sec.encryptionMethod().value(), 8));
            ev.put("encryptionLevel", Named.value(sec.encryptionLevel().name(), sec.encryptionLevel().value(), 8));
            if (sec.certificate() != null) {
                ev.put("certificateType", sec.certificate().typeLabel());
                ev.put("certificateCount", sec.certificate().count());
                ev.put("certificatePermanent", sec.certificate().permanent());
            }
        }
        if (selectedProtocol == Protocols.RDP && !method.isNone()) {
            if ((method.value() & settings.encryptionMethods().value()) == 0 || Integer.bitCount(method.value()) != 1) {
                return fail(nowMs, SessionCauses.ENCRYPTION_METHOD_NOT_OFFERED, "the server selected " + method.name()
                        + ", offered " + settings.encryptionMethods().names(), Map.of());
            }
            if (sec.serverRandom() == null || sec.serverRandom().length != 32 || sec.certificate() == null) {
                return fail(nowMs, SessionCauses.SERVER_SECURITY_DATA_INVALID, "no server random or certificate", Map.of());
            }
        }
        ServerNetworkData net = serverData.network().orElse(null);
        if (net != null) {
            ev.put("ioChannel", net.ioChannelId());
            for (int i = 0; i < settings.channels().size(); i++) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("name", settings.channels().get(i).name());
                c.put("id", i < net.channelIds().size() ? net.channelIds().get(i) : 0);
                channelEvidence.add(c);
            }
            ev.put("channels", channelEvidence);
        }
        serverData.messageChannel().ifPresent(m -> ev.put("messageChannel", m.channelId()));
        state = State.AWAIT_ATTACH_USER_CONFIRM;
        return Step.of(List.of(Mcs.frame(new ErectDomainRequest(0, 0)), Mcs.frame(new AttachUserRequest())));
    }

    private Step onAttachUserConfirm(AttachUserConfirm a, long nowMs) {
        Map<String, Object> ev = evidence.get(Stage.MCS);
        if (!a.result().isSuccess() || a.initiator() == null) {
            ev.put("attachUserResult", a.result().name());
            return fail(nowMs, SessionCauses.ATTACH_USER_FAILED, "Attach User Confirm: " + a.result().name(), Map.of());
        }
        userId = a.initiator();
        ev.put("userId", userId);
        boolean skip = settings.requestSkipChannelJoin() && serverData.core().map(ServerCoreData::skipChannelJoinSupported).orElse(false);
        if (skip) {
            ev.put("channelJoin", "skipped (both sides support SKIP_CHANNELJOIN)");
            return afterMcs(nowMs);
        }
        pendingJoins.add(userId);
        pendingJoins.add(serverData.network().map(ServerNetworkData::ioChannelId).orElse(DomainPdu.GLOBAL_CHANNEL_ID));
        serverData.messageChannel().ifPresent(m -> pendingJoins.add(m.channelId()));
        serverData.network().ifPresent(n -> n.channelIds().stream().filter(id -> id != 0).forEach(pendingJoins::add));
        state = State.AWAIT_CHANNEL_JOIN_CONFIRM;
        return Step.of(List.of(Mcs.frame(new ChannelJoinRequest(userId, pendingJoins.peek()))));
    }

    private Step onChannelJoinConfirm(ChannelJoinConfirm c, long nowMs) {
        int requested = pendingJoins.isEmpty() ? -1 : pendingJoins.peek();
        Map<String, Object> ev = evidence.get(Stage.MCS);
        if (!c.result().isSuccess() || c.requested() != requested) {
            ev.put("failedChannel", channelLabel(requested));
            ev.put("channelJoinResult", c.result().name());
            return fail(nowMs, SessionCauses.CHANNEL_JOIN_FAILED, "Channel Join Confirm for " + channelLabel(requested)
                    + ": " + c.result().name(), Map.of());
        }
        pendingJoins.poll();
        ev.merge("joinedChannels", 1, (x, y) -> (Integer) x + 1);
        if (!pendingJoins.isEmpty()) {
            return Step.of(List.of(Mcs.frame(new ChannelJoinRequest(userId, pendingJoins.peek()))));
        }
        ev.put("channelJoin", "joined " + ev.get("joinedChannels") + " channel(s): " + joinedChannels(true));
        return afterMcs(nowMs);
    }

    /**
     * What the joins were (MS-RDPBCGR 1.3.1.1 Channel Connection): the user channel, the I/O channel, the message
     * channel if the server has one, then each static virtual channel the server assigned an id, e.g. "user 1008,
     * I/O 1003, 4 static virtual channels (rdpdr 1004, rdpsnd 1005, cliprdr 1006, drdynvc 1007)".
     */
    private String joinedChannels(boolean names) {
        StringBuilder b = new StringBuilder("user ").append(userId).append(", I/O ").append(ioChannel());
        serverData.messageChannel().ifPresent(m -> b.append(", message ").append(m.channelId()));
        List<String> svc = new ArrayList<>();
        for (Map<String, Object> c : channelEvidence) {
            if (!Integer.valueOf(0).equals(c.get("id"))) {
                svc.add(c.get("name") + " " + c.get("id"));
            }
        }
        if (!svc.isEmpty()) {
            b.append(", ").append(svc.size()).append(" static virtual channel").append(svc.size() == 1 ? "" : "s");
            if (names) {
                b.append(" (").append(String.join(", ", svc)).append(')');
            }
        }
        return b.toString();
    }

    private String channelLabel(int id) {
        if (id == userId) return "user channel " + id;
        if (id == DomainPdu.GLOBAL_CHANNEL_ID) return "I/O channel " + id;
        for (Map<String, Object> c : channelEvidence) {
            if (Integer.valueOf(id).equals(c.get("id"))) return c.get("name") + " (" + id + ")";
        }
        return "channel " + id;
    }

    /** MCS done: security exchange (if any) and Client Info. */
    private Step afterMcs(long nowMs) {
        complete(Stage.MCS, nowMs, Status.OK, null, mcsSummary());
        if (stopAfter == Stage.MCS) {
            return stop(); // before the Security Exchange and Client Info
        }
        List<byte[]> out = new ArrayList<>();
        if (standardSecurity()) {
            started.put(Stage.SECURITY_EXCHANGE, nowMs);
            ServerSecurityData sec = serverData.security().orElseThrow();
            Map<String, Object> ev = evidence.get(Stage.SECURITY_EXCHANGE);
            ev.put("encryptionMethod", Named.value(method.name(), method.value(), 8));
            ev.put("encryptionLevel", Named.value(sec.encryptionLevel().name(), sec.encryptionLevel().value(), 8));
            byte[] clientRandom = new byte[ClientRandomEncryption.CLIENT_RANDOM_LENGTH];
            random.nextBytes(clientRandom);
            byte[] encrypted;
            try {
                RsaPublicKey key = serverKey(sec.certificate(), ev);
                encrypted = ClientRandomEncryption.encrypt(key, clientRandom);
            } catch (RuntimeException e) {
                return fail(nowMs, SessionCauses.SERVER_CERTIFICATE_UNPACK_ERROR, "server certificate: " + e.getMessage(), Map.of());
            }
            if (fips()) {
                FipsChannel.Keys keys = FipsChannel.clientKeys(clientRandom, sec.serverRandom());
                fipsEncryptor = FipsChannel.encryptor(keys);
                fipsDecryptor = FipsChannel.decryptor(keys);
            } else {
                SessionKeys keys = SessionKeys.client(clientRandom, sec.serverRandom(), method);
                encryptor = Rc4Channel.encryptor(keys);
                decryptor = Rc4Channel.decryptor(keys);
            }
            SecurityExchangePdu x = new SecurityExchangePdu(SecurityFlags.SEC_EXCHANGE_PKT | SecurityFlags.SEC_LICENSE_ENCRYPT, encrypted);
            ByteBuf b = Unpooled.buffer(x.encodedLength());
            x.encode(b);
            out.add(sendData(ByteBufUtil.getBytes(b)));
            securityExchangePending = true;
        } else {
            results.put(Stage.SECURITY_EXCHANGE, StageResult.skipped(Stage.SECURITY_EXCHANGE,
                    selectedProtocol == Protocols.RDP ? "the server selected ENCRYPTION_METHOD_NONE: no Standard RDP Security"
                            : "Enhanced RDP Security (" + Protocols.name(selectedProtocol) + ") protects the connection"));
            if (stopAfter == Stage.SECURITY_EXCHANGE) {
                return stop(); // where the exchange would have been, before Client Info
            }
        }
        started.put(Stage.LICENSING, nowMs);
        evidence.get(Stage.LICENSING).put("clientInfo", logon == null ? "empty logon (no user, no password)"
                : "INFO_AUTOLOGON for " + (logon.domain().isEmpty() ? "" : logon.domain() + "\\") + logon.userName()
                        + ", no password (delegated through CredSSP)");
        out.add(clientInfoFrame());
        state = State.AWAIT_LICENSING;
        return Step.of(out);
    }

    private String mcsSummary() {
        Map<String, Object> ev = evidence.get(Stage.MCS);
        String version = serverData == null ? "?" : serverData.core().map(c -> c.rdpVersion().name()).orElse("?");
        String join = String.valueOf(ev.getOrDefault("channelJoin", ""));
        return "server " + version + ", " + (join.startsWith("joined") ? "joined " + ev.get("joinedChannels") + " channel(s): "
                + joinedChannels(false) : "user " + userId + ", channel join " + join) + (standardSecurity() ? ", " + method.label() + " Standard RDP Security" : "");
    }

    private RsaPublicKey serverKey(ServerCertificate cert, Map<String, Object> ev) {
        ev.put("certificateType", cert.typeLabel());
        ev.put("certificateCount", cert.count());
        ev.put("certificatePermanent", cert.permanent());
        if (cert instanceof ProprietaryCertificate p) {
            ev.put("proprietarySignature", TerminalServicesKey.verify(p).name());
            ev.put("serverKeyBits", p.publicKey().modulus().bitLength());
            return p.publicKey();
        }
        X509CertificateChain chain = (X509CertificateChain) cert;
        if (certificateTime != null && ev == evidence.get(Stage.SECURITY_EXCHANGE)) {
            io.rdpprobe.probe.tls.CertificateAnalysis ca = io.rdpprobe.probe.tls.CertificateAnalyzer
                    .analyzeStandardSecurityChain(chain.certificates(), certificateTime, certificateTrust);
            ev.put("serverCertificates", ca.certificates());
            List<String> findings = new java.util.ArrayList<>();
            for (io.rdpprobe.probe.tls.CertificateAnalysis.Finding f : ca.findings()) {
                findings.add(f.cause().code() + ": " + f.detail());
            }
            ev.put("certificateFindings", findings);
            certificateFinding = ca.mostSevere();
        }
        try {
            org.bouncycastle.asn1.x509.Certificate x = org.bouncycastle.asn1.x509.Certificate.getInstance(chain.leaf());
            org.bouncycastle.asn1.pkcs.RSAPublicKey rsa = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(
                    x.getSubjectPublicKeyInfo().parsePublicKey());
            ev.put("serverCertificateSubject", x.getSubject().toString());
            int modLen = (rsa.getModulus().bitLength() + 7) / 8;
            ev.put("serverKeyBits", rsa.getModulus().bitLength());
            byte[] be = rsa.getModulus().toByteArray();
            byte[] le = new byte[modLen + 8];
            for (int i = 0; i < modLen && i < be.length; i++) {
                le[i] = be[be.length - 1 - i];
            }
            return new RsaPublicKey(modLen + 8, modLen * 8, modLen - 1, rsa.getPublicExponent().intValue(), le);
        } catch (RuntimeException | java.io.IOException e) {
            throw new IllegalArgumentException("X.509 certificate unreadable: " + e.getMessage(), e);
        }
    }

    private byte[] clientInfoFrame() {
        InfoPacket info;
        if (logon == null) {
            info = InfoPacket.emptyLogon();
        } else {
            InfoPacket e = InfoPacket.emptyLogon();
            // The password was delegated through CredSSP and is never repeated here (see LogonInfo).
            info = new InfoPacket(0, e.flags() | InfoPacket.INFO_AUTOLOGON, logon.domain(), logon.userName(),
                    "", "", "", e.extended());
        }
        ByteBuf body = Unpooled.buffer(info.encodedLength());
        info.encode(body);
        return sendData(securedPdu(SecurityFlags.SEC_INFO_PKT, ByteBufUtil.getBytes(body)));
    }

    /** Basic security header, or header + MAC + RC4 under Standard RDP Security. */
    private byte[] securedPdu(int flags, byte[] payload) {
        ByteBuf b = Unpooled.buffer();
        if (standardSecurity() && fips()) {
            FipsChannel.Sealed x = fipsEncryptor.seal(payload);
            b.writeShortLE(flags | SecurityFlags.SEC_ENCRYPT).writeShortLE(0);
            b.writeShortLE(0x10).writeByte(1).writeByte(x.padLength()).writeBytes(x.signature()).writeBytes(x.ciphertext());
        } else if (standardSecurity()) {
            b.writeShortLE(flags | SecurityFlags.SEC_ENCRYPT).writeShortLE(0);
            b.writeBytes(encryptor.seal(payload, false));
        } else {
            b.writeShortLE(flags).writeShortLE(0).writeBytes(payload);
        }
        return ByteBufUtil.getBytes(b);
    }

    // ---- Send Data Indication: licensing and share PDUs -------------------------------------------------

    private Step onSendData(SendData sd, long nowMs) {
        ByteBuf data = sd.data();
        int flags;
        if (standardSecurity()) {
            flags = Wire.u16le(data, io.rdpprobe.protocol.codec.Layer.SECURITY, "TS_SECURITY_HEADER.flags");
            Wire.u16le(data, io.rdpprobe.protocol.codec.Layer.SECURITY, "TS_SECURITY_HEADER.flagsHi");
            if ((flags & SecurityFlags.SEC_ENCRYPT) != 0) {
                byte[] plain;
                boolean macValid;
                if (fips()) {
                    Wire.u16le(data, io.rdpprobe.protocol.codec.Layer.SECURITY, "TS_SECURITY_HEADER2.length");
                    Wire.u8(data, io.rdpprobe.protocol.codec.Layer.SECURITY, "TS_SECURITY_HEADER2.version");
                    int pad = Wire.u8(data, io.rdpprobe.protocol.codec.Layer.SECURITY, "TS_SECURITY_HEADER2.padlen");
                    byte[] sig = Wire.bytes(data, 8, io.rdpprobe.protocol.codec.Layer.SECURITY, "TS_SECURITY_HEADER2.dataSignature");
                    FipsChannel.Opened o = fipsDecryptor.open(sig, ByteBufUtil.getBytes(data), pad);
                    plain = o.plaintext();
                    macValid = o.macValid();
                } else {
                    byte[] sig = Wire.bytes(data, 8, io.rdpprobe.protocol.codec.Layer.SECURITY, "TS_SECURITY_HEADER1.dataSignature");
                    Rc4Channel.Result r = decryptor.open(sig, ByteBufUtil.getBytes(data),
                            (flags & SecurityFlags.SEC_SECURE_CHECKSUM) != 0);
                    plain = r.plaintext();
                    macValid = r.macValid();
                }
                if (!macValid) {
                    if (securityExchangePending) {
                        return failAt(Stage.SECURITY_EXCHANGE, nowMs, SessionCauses.SESSION_KEY_MISMATCH,
                                "the first encrypted server PDU failed its MAC check", Map.of());
                    }
                    return fail(nowMs, SessionCauses.SESSION_KEY_MISMATCH, "an encrypted server PDU failed its MAC check", Map.of());
                }
                data = Unpooled.wrappedBuffer(plain);
                if (!securityExchangePending) {
                    laterMacVerified();
                }
                confirmSecurityExchange(nowMs, true);
            } else if (securityExchangePending && (flags & SecurityFlags.SEC_LICENSE_PKT) != 0) {
                confirmSecurityExchange(nowMs, false);
            }
            if (stopAfter == Stage.SECURITY_EXCHANGE && results.containsKey(Stage.SECURITY_EXCHANGE)) {
                return stop(); // the keys are proven; the licensing PDU that proved them is not answered
            }
        } else {
            flags = enhancedSecurityFlags(data);
            if (flags != 0) {
                data.skipBytes(4);
            }
        }
        if (sd.channelId() != ioChannel()) {
            return Step.of(List.of()); // static virtual channel or message channel data: not needed here
        }
        if ((flags & SecurityFlags.SEC_LICENSE_PKT) != 0) {
            return onLicensing(LicensePdu.decode(data), flags, nowMs);
        }
        if ((flags & (SecurityFlags.SEC_AUTODETECT_REQ | SecurityFlags.SEC_HEARTBEAT | SecurityFlags.SEC_TRANSPORT_REQ)) != 0) {
            return Step.of(List.of()); // auto-detect, heartbeat, multitransport: not part of reaching Demand Active
        }
        if ((flags & SecurityFlags.SEC_REDIRECTION_PKT) != 0) {
            return warnAndClose(nowMs, SessionCauses.SERVER_REDIRECTION, "Standard Security redirection PDU received");
        }
        List<byte[]> out = new ArrayList<>();
        while (data.isReadable()) {
            SharePdu pdu = SharePdu.decode(data);
            Step s = onShare(pdu, nowMs);
            if (s != null) {
                out.addAll(s.outbound());
                if (s.close()) return new Step(out, true);
            }
        }
        return Step.of(out);
    }

    /**
     * A share PDU's header at the reader index: pduType carries TS_PROTOCOL_VERSION (0x10) and a type 1..0xA, and
     * totalLength covers the PDU (MS-RDPBCGR 2.2.8.1.1.1.1).
     */
    public static boolean shareShaped(ByteBuf data) {
        int at = data.readerIndex();
        int n = data.readableBytes();
        if (n < 6) {
            return false;
        }
        int a = data.getUnsignedShortLE(at);
        int b = data.getUnsignedShortLE(at + 2);
        return (b & 0xFFF0) == 0x0010 && (b & 0xF) >= 1 && (b & 0xF) <= 0xA && a >= 6 && a <= n;
    }

    /**
     * Without Standard RDP Security a PDU on the I/O channel is either a share PDU ({@code totalLength u16 | pduType
     * u16 | pduSource u16}, MS-RDPBCGR 2.2.8.1.1.1.1) or a PDU that always carries a basic security header
     * ({@code flags u16 | flagsHi u16}, 2.2.8.1.1.2.1): licensing, redirection, auto-detect, heartbeat, multitransport.
     * flagsHi is meaningful only with SEC_FLAGSHI_VALID, so it must not decide: xrdp 0.9.21 writes the PDU length
     * into it (License Request {@code 80 00 3e 01}). Returns the header's flags, or 0 for a share PDU.
     */
    public static int enhancedSecurityFlags(ByteBuf data) {
        int at = data.readerIndex();
        int n = data.readableBytes();
        if (n < 4) {
            return 0;
        }
        int a = data.getUnsignedShortLE(at);
        int b = data.getUnsignedShortLE(at + 2);
        if ((a & SECURITY_HEADER_ONLY_FLAGS) == 0) {
            return 0;
        }
        boolean shareShaped = shareShaped(data);
        if ((a & SecurityFlags.SEC_LICENSE_PKT) != 0 && n >= 8) {
            int msgType = data.getUnsignedByte(at + 4);
            int msgSize = data.getUnsignedShortLE(at + 6);
            boolean licenseShaped = !LicensePreamble.msgTypeName(msgType).startsWith("UNKNOWN")
                    && msgSize >= LicensePreamble.SIZE && msgSize <= n - 4;
            if (licenseShaped && !(shareShaped && a == n)) {
                return a;
            }
        }
        return shareShaped ? 0 : a;
    }

    /**
     * The exchange was accepted on a licensing PDU in clear (xrdp sends its License Request unencrypted); the first
     * encrypted PDU whose MAC checks out (e.g. the Demand Active) proves the keys: say so in the result.
     */
    private void laterMacVerified() {
        StageResult r = results.get(Stage.SECURITY_EXCHANGE);
        Map<String, Object> ev = evidence.get(Stage.SECURITY_EXCHANGE);
        if (r == null || r.status() != Status.OK || !Boolean.FALSE.equals(ev.get("macVerified"))) {
            return;
        }
        ev.put("macVerified", true);
        ev.put("macVerifiedBy", "a later encrypted server PDU");
        results.put(Stage.SECURITY_EXCHANGE, new StageResult(Stage.SECURITY_EXCHANGE, Status.OK, r.elapsedMs(), ev, null,
                method.label() + (fips() ? " 3DES" : " RC4") + " session keys accepted in clear, then verified by the MAC of "
                        + "the first encrypted server PDU", false));
    }

    private void confirmSecurityExchange(long nowMs, boolean macVerified) {
        if (!securityExchangePending) return;
        securityExchangePending = false;
        Map<String, Object> ev = evidence.get(Stage.SECURITY_EXCHANGE);
        ev.put("macVerified", macVerified);
        String keys = method.label() + (fips() ? " 3DES" : " RC4") + " session keys "
                + (macVerified ? "verified by the server's first MAC" : "accepted (the server answered in clear)");
        if (certificateFinding != null) {
            complete(Stage.SECURITY_EXCHANGE, nowMs, Status.WARNING, certificateFinding.cause(),
                    keys + "; server certificate chain: " + certificateFinding.detail());
        } else {
            complete(Stage.SECURITY_EXCHANGE, nowMs, Status.OK, null, keys);
        }
    }

    private Step onLicensing(LicensePdu p, int secFlags, long nowMs) {
        Map<String, Object> ev = evidence.get(Stage.LICENSING);
        ev.put("licenseMessage", Named.value(p.preamble().msgTypeName(), p.preamble().msgType(), 2));
        if (state != State.AWAIT_LICENSING) {
            return Step.of(List.of());
        }
        if (p.errorMessage() != null) {
            ev.put("licenseErrorCode", Named.value(p.errorMessage().errorCode().name(), p.errorMessage().errorCode().value(), 8));
            ev.put("stateTransition", Named.value(p.errorMessage().stateTransition().name(),
                    p.errorMessage().stateTransition().value(), 8));
            if (p.isValidClient()) {
                if (licenseRequest != null) {
                    String how = "License Request answered with New License Request; server replied STATUS_VALID_CLIENT";
                    ev.put("licenseExchange", how);
                    complete(Stage.LICENSING, nowMs, Status.OK, null, how);
                } else {
                    complete(Stage.LICENSING, nowMs, Status.OK, null, "STATUS_VALID_CLIENT: no licensing exchange needed");
                }
                started.put(Stage.ACTIVATION, nowMs);
                state = State.AWAIT_DEMAND_ACTIVE;
                return Step.of(List.of());
            }
            SessionReading.Reading r = SessionReading.licenseError(p.errorMessage());
            if (SessionReading.continuesAfter(p.errorMessage())) {
                complete(Stage.LICENSING, nowMs, r.status(), r.cause(), r.summary());
                started.put(Stage.ACTIVATION, nowMs);
                state = State.AWAIT_DEMAND_ACTIVE;
                return Step.of(List.of());
            }
            return fail(nowMs, r.cause(), r.summary(), Map.of());
        }
        if (p.licenseRequest() != null) {
            return onLicenseRequest(p.licenseRequest(), secFlags, nowMs);
        }
        if (p.isPlatformChallenge()) {
            return warnAndClose(nowMs, SessionCauses.LICENSING_SERVER_REQUIRED, "the server sent a Platform Challenge: "
                    + "a licensing server is required" + licenseDetail() + " (the probe does not complete a license issuance)");
        }
        if (p.isNewOrUpgradeLicense()) {
            complete(Stage.LICENSING, nowMs, Status.OK, null, "the server issued a license (" + p.preamble().msgTypeName() + ")");
            started.put(Stage.ACTIVATION, nowMs);
            state = State.AWAIT_DEMAND_ACTIVE;
        }
        return Step.of(List.of());
    }

    private String licenseDetail() {
        if (licenseRequest == null) {
            return "";
        }
        return ": product id " + licenseRequest.productId() + ", company " + licenseRequest.companyName()
                + ", scope " + String.join(", ", licenseRequest.scopes());
    }

    /**
     * Answers a Server License Request like a client without a stored license (MS-RDPELE 3.3.5.1): a Client New
     * License Request whose premaster secret is encrypted with the public key of the certificate in the request
     * (or, if that is empty, the GCC certificate).
     */
    private Step onLicenseRequest(LicenseRequest req, int secFlags, long nowMs) {
        Map<String, Object> ev = evidence.get(Stage.LICENSING);
        ev.put("licenseCompany", req.companyName());
        ev.put("licenseProductId", req.productId());
        ev.put("licenseScopes", req.scopes());
        ev.put("licenseServerCertificate", req.serverCertificatePresent());
        if (licenseRequest != null) {
            return warnAndClose(nowMs, SessionCauses.LICENSING_SERVER_REQUIRED,
                    "the server sent a second License Request: a licensing server is required" + licenseDetail());
        }
        licenseRequest = req;
        RsaPublicKey key;
        try {
            ServerCertificate cert = req.serverCertificatePresent()
                    ? ServerCertificate.decode(Unpooled.wrappedBuffer(req.serverCertificate()))
                    : serverData.security().map(ServerSecurityData::certificate).orElse(null);
            if (cert == null) {
                return warnAndClose(nowMs, SessionCauses.LICENSING_SERVER_REQUIRED, "the server sent a License Request "
                        + "without a certificate to encrypt the premaster secret" + licenseDetail());
            }
            Map<String, Object> certEv = new LinkedHashMap<>();
            key = serverKey(cert, certEv);
            ev.put("licenseServerKeyBits", certEv.get("serverKeyBits"));
        } catch (DecodeException | IllegalArgumentException e) {
            return fail(nowMs, Causes.MALFORMED_RESPONSE, "License Request certificate unusable: " + e.getMessage(),
                    Map.of("decodeError", String.valueOf(e.getMessage())));
        }
        byte[] clientRandom = new byte[ClientNewLicenseRequest.CLIENT_RANDOM_LENGTH];
        random.nextBytes(clientRandom);
        byte[] premaster = new byte[ClientNewLicenseRequest.PREMASTER_SECRET_LENGTH];
        random.nextBytes(premaster);
        byte[] encrypted;
        try {
            encrypted = ClientRandomEncryption.encrypt(key, premaster);
        } catch (IllegalArgumentException e) {
            return fail(nowMs, Causes.MALFORMED_RESPONSE, "License Request key unusable: " + e.getMessage(), Map.of());
        }
        String user = logon != null && !logon.userName().isEmpty() ? logon.userName() : DEFAULT_LICENSE_USER;
        ClientNewLicenseRequest nlr = ClientNewLicenseRequest.of(clientRandom, encrypted, user, settings.clientName());
        byte[] pdu = nlr.toPdu(LicensePreamble.PREAMBLE_VERSION_3_0 | LicensePreamble.EXTENDED_ERROR_MSG_SUPPORTED);
        // MS-RDPBCGR 2.2.8.1.1.2.1: the server sets SEC_LICENSE_ENCRYPT_CS when it can process encrypted licensing
        // PDUs; otherwise client licensing PDUs travel with a basic header in clear even under Standard RDP Security
        boolean encrypt = standardSecurity() && (secFlags & SecurityFlags.SEC_LICENSE_ENCRYPT) != 0;
        ev.put("newLicenseRequestEncrypted", encrypt);
        byte[] frame = encrypt ? securedPdu(SecurityFlags.SEC_LICENSE_PKT, pdu) : basicPdu(SecurityFlags.SEC_LICENSE_PKT, pdu);
        return Step.of(List.of(sendData(frame)));
    }

    static final String DEFAULT_LICENSE_USER = "rdp-probe";

    private static byte[] basicPdu(int flags, byte[] payload) {
        ByteBuf b = Unpooled.buffer(4 + payload.length);
        b.writeShortLE(flags).writeShortLE(0).writeBytes(payload);
        return ByteBufUtil.getBytes(b);
    }

    private Step onShare(SharePdu pdu, long nowMs) {
        if (pdu instanceof DemandActivePdu d) {
            if (state == State.AWAIT_LICENSING) {
                // some servers skip licensing entirely
                complete(Stage.LICENSING, nowMs, Status.OK, null, "no licensing PDU before Demand Active");
                started.put(Stage.ACTIVATION, nowMs);
                if (stopAfter == Stage.LICENSING) {
                    return stop();
                }
            }
            return onDemandActive(d, nowMs);
        }
        if (pdu instanceof DataPdu dp) {
            Optional<io.rdpprobe.protocol.rdp.SetErrorInfoPdu> sei = dp.setErrorInfo();
            if (sei.isPresent()) {
                ErrorInfo e = sei.get().errorInfo();
                if (!e.isNone()) {
                    pendingErrorInfo = e;
                    evidence.get(currentStage()).put("errorInfo", e.toString());
                }
                return null;
            }
            Optional<SaveSessionInfoPdu> ssi = dp.saveSessionInfo();
            if (ssi.isPresent() && ssi.get().errorNotificationType() != null) {
                evidence.get(currentStage()).put("logonError", ssi.get().errorNotificationTypeName() + " / "
                        + ssi.get().errorNotificationDataName());
            }
            return null;
        }
        if (pdu instanceof ServerRedirectionPdu) {
            return warnAndClose(nowMs, SessionCauses.SERVER_REDIRECTION, "the server sent a Server Redirection PDU");
        }
        if (pdu instanceof DeactivateAllPdu) {
            evidence.get(currentStage()).put("deactivateAll", true);
        }
        return null;
    }

    private Step onDemandActive(DemandActivePdu d, long nowMs) {
        String summary = SessionReading.demandActive(d, evidence.get(Stage.ACTIVATION));
        complete(Stage.ACTIVATION, nowMs, Status.OK, null, summary);
        state = State.DONE;
        return new Step(List.of(Mcs.frame(DisconnectProviderUltimatum.USER_REQUESTED)), true);
    }

    // ---- results ----------------------------------------------------------------------------------------

    /** The stage the sequence is in now (MCS, SECURITY_EXCHANGE, LICENSING or ACTIVATION). */
    public Stage currentStage() {
        return switch (state) {
            case INITIAL, AWAIT_CONNECT_RESPONSE, AWAIT_ATTACH_USER_CONFIRM, AWAIT_CHANNEL_JOIN_CONFIRM -> Stage.MCS;
            case AWAIT_LICENSING -> securityExchangePending ? Stage.SECURITY_EXCHANGE : Stage.LICENSING;
            case AWAIT_DEMAND_ACTIVE, DONE -> Stage.ACTIVATION;
        };
    }

    private void complete(Stage s, long nowMs, Status status, Cause cause, String summary) {
        long elapsed = Math.max(0, nowMs - started.getOrDefault(s, nowMs));
        results.put(s, new StageResult(s, status, elapsed, evidence.get(s), cause, summary, false));
    }

    private Step fail(long nowMs, Cause cause, String summary, Map<String, Object> extra) {
        return failAt(currentStage(), nowMs, cause, summary, extra);
    }

    private Step failAt(Stage s, long nowMs, Cause cause, String summary, Map<String, Object> extra) {
        evidence.get(s).putAll(extra);
        if (s == Stage.SECURITY_EXCHANGE) {
            securityExchangePending = false;
        }
        complete(s, nowMs, Status.FAILED, cause, summary);
        state = State.DONE;
        return new Step(List.of(), true);
    }

    private Step warnAndClose(long nowMs, Cause cause, String summary) {
        Stage s = currentStage();
        complete(s, nowMs, Status.WARNING, cause, summary);
        state = State.DONE;
        return new Step(List.of(Mcs.frame(DisconnectProviderUltimatum.USER_REQUESTED)), true);
    }

    /** A summary of the channels the server assigned, for renderers. */
    public List<Map<String, Object>> channels() {
        return List.copyOf(channelEvidence);
    }

    /** The client's channel definitions (for renderers). */
    public List<ChannelDef> requestedChannels() {
        return settings.channels();
    }
}
