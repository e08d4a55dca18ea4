package io.rdpprobe.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.capture.RdpConnection.Side;
import io.rdpprobe.probe.pdu.PduNames;
import io.rdpprobe.probe.session.SessionSequence;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Named;
import io.rdpprobe.protocol.codec.WindowsBuilds;
import io.rdpprobe.protocol.errors.ErrorInfo;
import io.rdpprobe.protocol.gcc.ChannelDef;
import io.rdpprobe.protocol.gcc.ClientClusterData;
import io.rdpprobe.protocol.gcc.ClientCoreData;
import io.rdpprobe.protocol.gcc.ClientData;
import io.rdpprobe.protocol.gcc.ConferenceCreateRequest;
import io.rdpprobe.protocol.gcc.ConferenceCreateResponse;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import io.rdpprobe.protocol.gcc.GccBlock;
import io.rdpprobe.protocol.gcc.RdpVersion;
import io.rdpprobe.protocol.gcc.ServerCertificate;
import io.rdpprobe.protocol.gcc.ServerData;
import io.rdpprobe.protocol.gcc.ServerSecurityData;
import io.rdpprobe.protocol.gcc.X509CertificateChain;
import io.rdpprobe.protocol.licensing.LicensePdu;
import io.rdpprobe.protocol.mcs.ConnectInitial;
import io.rdpprobe.protocol.mcs.ConnectResponse;
import io.rdpprobe.protocol.mcs.DisconnectProviderUltimatum;
import io.rdpprobe.protocol.mcs.DomainPdu;
import io.rdpprobe.protocol.mcs.Mcs;
import io.rdpprobe.protocol.mcs.SendData;
import io.rdpprobe.protocol.rdp.DataPdu;
import io.rdpprobe.protocol.rdp.SecurityFlags;
import io.rdpprobe.protocol.rdp.SharePdu;
import io.rdpprobe.protocol.x224.Protocols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The session units of one connection (MS-RDPBCGR 1.3.1.1 from the MCS Connect-Initial on), one TPKT frame at a
 * time per direction and in each direction's order, decoded with the protocol module's records and kept as those
 * records (the {@link ClientData} of the {@link ConnectInitial}, {@link ConnectResponse} with its
 * {@link ConferenceCreateResponse}, {@link LicensePdu}, {@link ErrorInfo}, {@link DisconnectProviderUltimatum}).
 * {@link ReportBuilder} turns them into stage results with the live probe's own readings
 * ({@link io.rdpprobe.probe.session.SessionReading}, {@link io.rdpprobe.probe.session.ServerDisconnect}).
 *
 * <p>This is the entry point for session bytes, whatever produced them: the frames in clear under Standard RDP
 * Security (fed by {@link RdpConnection}), or decrypted TLS application data of an Enhanced RDP Security session
 * (then {@link #enhanced} is true and a Send Data PDU carries a security header only where MS-RDPBCGR 2.2.8.1.1.2.1
 * says so, as {@link SessionSequence#enhancedSecurityFlags} decides for the live probe). Under Standard RDP Security
 * a PDU with SEC_ENCRYPT is counted, not decoded (the capture has no session keys).
 */
public final class SessionObserver {
    private final RdpConnection c;
    /**
     * Enhanced RDP Security (TLS/CredSSP): the session frames are the decrypted TLS payload. Set by the connection
     * from the protocol the server selected.
     */
    boolean enhanced;

    ClientData clientData;
    long tConnectInitial = -1;
    ConnectResponse connectResponse;
    ConferenceCreateResponse conference;
    long tConnectResponse = -1;
    String clientError;
    String serverError;
    long tSecurityExchange = -1;
    long tClientInfo = -1;
    /** The first server Send Data PDU after the client's Security Exchange (clear or encrypted): the keys were taken. */
    long tServerAfterExchange = -1;
    long tLicense = -1;
    /** The licensing PDU in clear that decides the stage (an error message over an earlier one), or null. */
    LicensePdu licensePdu;
    /** The ladder name of the first licensing PDU (encrypted ones too), or null. */
    String license;
    ErrorInfo errorInfo;
    long tErrorInfo = -1;
    /** The server's Demand Active PDU when it travelled in clear (no encryption, or decrypted), or null. */
    io.rdpprobe.protocol.rdp.DemandActivePdu demandActive;
    long tDemandActive = -1;
    DisconnectProviderUltimatum ultimatum;
    boolean ultimatumSeen;
    long tUltimatum = -1;
    final long[] encryptedPdus = new long[2];
    /** The client's Client Info PDU when it travelled in clear (decrypted TLS, or no encryption), or null. */
    io.rdpprobe.protocol.rdp.InfoPacket clientInfo;
    String clientInfoError;
    /** The server's first Save Session Info PDU, and the first one with a logon error notification. */
    io.rdpprobe.protocol.rdp.SaveSessionInfoPdu saveSessionInfo;
    io.rdpprobe.protocol.rdp.SaveSessionInfoPdu logonError;
    long tSaveSessionInfo = -1;
    /** The client's Confirm Active PDU when it travelled in clear, or null. */
    io.rdpprobe.protocol.rdp.ConfirmActivePdu confirmActive;
    long tConfirmActive = -1;
    /** Fast-path PDUs per direction (decrypted), and the first one's capture time. */
    final long[] fastPath = new long[2];
    final long[] tFirstFastPath = {-1, -1};
    /** Server data PDUs with bulk compression: counted, not decompressed. */
    long compressedPdus;
    /** Decrypted TPKT frames beyond the units bound: read, not kept as units. */
    final long[] notDecoded = new long[2];

    SessionObserver(RdpConnection c, boolean enhanced) {
        this.c = c;
        this.enhanced = enhanced;
    }

    /** The server's GCC data once a Connect-Response with conference data was decoded. */
    public Optional<ServerData> serverData() {
        return Optional.ofNullable(conference).map(ConferenceCreateResponse::userData);
    }

    /** The client's GCC data once its Connect-Initial was decoded. */
    public Optional<ClientData> clientData() {
        return Optional.ofNullable(clientData);
    }

    public Optional<ServerSecurityData> serverSecurity() {
        return serverData().flatMap(ServerData::security);
    }

    /** Standard RDP Security with encryption: every Send Data PDU starts with a security header. */
    boolean standardSecurity() {
        return !enhanced && serverSecurity().map(s -> !s.encryptionMethod().isNone()).orElse(false);
    }

    /** One fast-path PDU recovered from decrypted data: counted, the first one's time kept. */
    void fastPath(Side side, long ts) {
        int i = side.ordinal();
        if (fastPath[i]++ == 0) {
            tFirstFastPath[i] = ts;
            c.pdu(side, PduNames.fastPath(side == Side.CLIENT));
        }
    }

    /** One complete TPKT frame carrying an X.224 Data TPDU, from {@code side}. */
    void frame(Side side, ByteBuf frame, long ts) {
        c.pdu(side, PduNames.tpkt(frame, side == Side.CLIENT, standardSecurity()));
        ByteBuf mcs;
        try {
            mcs = Mcs.userData(frame.duplicate());
        } catch (DecodeException e) {
            error(side, e);
            return;
        }
        try {
            if (Mcs.isConnectPdu(mcs)) {
                connect(side, mcs, ts);
                return;
            }
            DomainPdu pdu = DomainPdu.decode(mcs);
            if (pdu instanceof DisconnectProviderUltimatum d && side == Side.SERVER) {
                if (!ultimatumSeen) {
                    ultimatumSeen = true;
                    ultimatum = d;
                    tUltimatum = ts;
                }
            } else if (pdu instanceof SendData sd) {
                sendData(side, sd, ts);
            }
        } catch (DecodeException | IllegalArgumentException e) {
            if (side == Side.SERVER && !ultimatumSeen && io.rdpprobe.probe.session.ServerDisconnect.isUltimatum(mcs)) {
                ultimatumSeen = true; // an Ultimatum whose reason does not decode is still the server's disconnect
                tUltimatum = ts;
                return;
            }
            error(side, e);
        }
    }

    private void error(Side side, Exception e) {
        c.note(side.lower() + " stream: malformed MCS PDU: " + e.getMessage());
        if (side == Side.SERVER && serverError == null && connectResponse == null) {
            serverError = e.getMessage();
        }
    }

    private void connect(Side side, ByteBuf mcs, long ts) {
        if (side == Side.CLIENT) {
            if (tConnectInitial >= 0) return;
            tConnectInitial = ts;
            try {
                // the Connect-Initial's user data is a slice of mcs: decoded here, not kept
                clientData = ConferenceCreateRequest.decode(ConnectInitial.decode(mcs.duplicate()).userData()).userData();
            } catch (DecodeException | IllegalArgumentException e) {
                clientError = e.getMessage();
            }
            return;
        }
        if (tConnectResponse >= 0) return;
        tConnectResponse = ts;
        try {
            connectResponse = ConnectResponse.decode(mcs.duplicate());
            if (connectResponse.userData().length > 0) { // a refused connect carries no conference data
                conference = ConferenceCreateResponse.decode(Unpooled.wrappedBuffer(connectResponse.userData()));
            }
        } catch (DecodeException | IllegalArgumentException e) {
            serverError = e.getMessage();
        }
    }

    /** Send Data Request/Indication: the security header's flags tell the PDUs apart (2.2.8.1.1.2.1). */
    private void sendData(Side side, SendData sd, long ts) {
        ByteBuf data = sd.data().duplicate();
        int flags;
        if (standardSecurity() || (side == Side.CLIENT && data.readableBytes() >= 4
                && (data.getUnsignedShortLE(data.readerIndex()) & (SecurityFlags.SEC_EXCHANGE_PKT | SecurityFlags.SEC_INFO_PKT)) != 0
                && !(enhanced && SessionSequence.shareShaped(data)))) {
            if (data.readableBytes() < 4) return;
            flags = data.getUnsignedShortLE(data.readerIndex());
        } else {
            flags = SessionSequence.enhancedSecurityFlags(data);
        }
        if (flags != 0 || standardSecurity()) {
            data.skipBytes(Math.min(4, data.readableBytes()));
        }
        boolean encrypted = (flags & SecurityFlags.SEC_ENCRYPT) != 0;
        if (side == Side.SERVER && tSecurityExchange >= 0 && tServerAfterExchange < 0) {
            tServerAfterExchange = ts;
        }
        if ((flags & SecurityFlags.SEC_EXCHANGE_PKT) != 0) {
            if (tSecurityExchange < 0) tSecurityExchange = ts;
        } else if ((flags & SecurityFlags.SEC_INFO_PKT) != 0) {
            if (tClientInfo < 0) tClientInfo = ts;
            if (!encrypted && clientInfo == null && clientInfoError == null) {
                try {
                    clientInfo = io.rdpprobe.protocol.rdp.InfoPacket.decode(data.duplicate());
                } catch (DecodeException | IllegalArgumentException e) {
                    clientInfoError = e.getMessage();
                }
            }
        } else if ((flags & SecurityFlags.SEC_LICENSE_PKT) != 0) {
            if (tLicense < 0) tLicense = ts;
            if (encrypted) {
                if (license == null) license = "licensing PDU (encrypted)";
                return;
            }
            try {
                LicensePdu l = LicensePdu.decode(data.duplicate());
                if (licensePdu == null || l.errorMessage() != null) licensePdu = l;
                if (license == null) license = PduNames.licensing(data);
            } catch (DecodeException e) {
                if (license == null) license = "malformed licensing PDU: " + e.getMessage();
            }
        } else if (encrypted) {
            encryptedPdus[side.ordinal()]++;
        } else if (side == Side.SERVER && sd.channelId() == io0()) {
            while (data.isReadable()) {
                if (compressedDataPdu(data)) {
                    // a client that set INFO_COMPRESSION gets bulk-compressed data PDUs (MS-RDPBCGR 3.1.8): counted
                    compressedPdus++;
                    data.skipBytes(Math.min(Math.max(data.getUnsignedShortLE(data.readerIndex()), 18), data.readableBytes()));
                    continue;
                }
                SharePdu p = SharePdu.decode(data);
                if (p instanceof io.rdpprobe.protocol.rdp.DemandActivePdu d && demandActive == null) {
                    demandActive = d;
                    tDemandActive = ts;
                } else if (p instanceof DataPdu dp) {
                    Optional<io.rdpprobe.protocol.rdp.SetErrorInfoPdu> sei = dp.setErrorInfo();
                    if (sei.isPresent() && !sei.get().errorInfo().isNone() && errorInfo == null) {
                        errorInfo = sei.get().errorInfo();
                        tErrorInfo = ts;
                    }
                    Optional<io.rdpprobe.protocol.rdp.SaveSessionInfoPdu> ssi = dp.saveSessionInfo();
                    if (ssi.isPresent()) {
                        if (saveSessionInfo == null) {
                            saveSessionInfo = ssi.get();
                            tSaveSessionInfo = ts;
                        }
                        if (logonError == null && ssi.get().errorNotificationType() != null) {
                            logonError = ssi.get();
                        }
                    }
                }
            }
        } else if (side == Side.CLIENT && enhanced && confirmActive == null && sd.channelId() == io0()) {
            SharePdu p = SharePdu.decode(data);
            if (p instanceof io.rdpprobe.protocol.rdp.ConfirmActivePdu ca) {
                confirmActive = ca;
                tConfirmActive = ts;
            }
        }
    }

    /** A Data PDU whose share data header has PACKET_COMPRESSED (0x20) in compressedType (2.2.8.1.1.1.2). */
    private static boolean compressedDataPdu(ByteBuf data) {
        int at = data.readerIndex();
        return data.readableBytes() >= 18 && (data.getUnsignedShortLE(at + 2) & 0xF) == 7
                && (data.getUnsignedByte(at + 15) & 0x20) != 0;
    }

    private int io0() {
        return serverData().flatMap(ServerData::network).map(n -> n.ioChannelId()).orElse(DomainPdu.GLOBAL_CHANNEL_ID);
    }

    /** The Ultimatum came after the Set Error Info: the server disconnected the client (mstsc's 0x3... codes). */
    boolean ultimatumAfterErrorInfo() {
        return errorInfo != null && ultimatumSeen && tUltimatum >= tErrorInfo;
    }

    // ---- evidence, read from the records ------------------------------------------------------------------

    /** The Client Info PDU's facts (MS-RDPBCGR 2.2.1.11.1.1); of the password only whether one was present. */
    Map<String, Object> clientInfoEvidence() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (clientInfo == null) {
            if (clientInfoError != null) m.put("clientInfoError", clientInfoError);
            return m;
        }
        m.put("clientInfoUser", clientInfo.userName());
        m.put("clientInfoDomain", clientInfo.domain());
        m.put("clientInfoPassword", clientInfo.password() == null || clientInfo.password().isEmpty() ? "empty" : "present (not shown)");
        m.put("clientInfoFlags", clientInfo.flagNames());
        if (clientInfo.extended() != null) {
            m.put("clientAddress", clientInfo.extended().clientAddress());
            m.put("clientDir", clientInfo.extended().clientDir());
        }
        return m;
    }

    /** The Save Session Info PDU's facts, under the live probe's key for a logon error ({@code logonError}). */
    Map<String, Object> saveSessionInfoEvidence() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (saveSessionInfo != null) {
            m.put("saveSessionInfo", saveSessionInfo.infoTypeName());
        }
        if (logonError != null) {
            m.put("logonError", logonError.errorNotificationTypeName() + " / " + logonError.errorNotificationDataName());
        }
        return m;
    }

    /** The Confirm Active PDU and the first fast-path traffic, for the ACTIVATION stage. */
    Map<String, Object> activationEvidence() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (confirmActive != null) {
            m.put("confirmActiveCapabilityCount", confirmActive.capabilities().size());
            m.put("confirmActiveCapabilities", confirmActive.capabilities().stream().map(cs -> cs.name()).toList());
        }
        if (fastPath[1] > 0) m.put("fastPathOutputPdus", fastPath[1]);
        if (compressedPdus > 0) m.put("compressedDataPdus", compressedPdus + " (bulk-compressed, not decoded)");
        if (fastPath[0] > 0) m.put("fastPathInputPdus", fastPath[0]);
        if (notDecoded[0] + notDecoded[1] > 0) {
            m.put("decryptedTpktNotKept", Map.of("client", notDecoded[0], "server", notDecoded[1]));
        }
        return m;
    }

    Map<String, Object> clientEvidence() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (clientData == null) {
            return m;
        }
        clientData.core().ifPresent(core -> {
            m.put("clientVersion", version(core.version()));
            m.put("desktopWidth", core.desktopWidth());
            m.put("desktopHeight", core.desktopHeight());
            if (core.highColorDepth() != null) m.put("highColorDepth", core.highColorDepth());
            if (core.supportedColorDepths() != null) {
                m.put("supportedColorDepths", Named.flags(ClientCoreData.supportedColorDepthNames(core.supportedColorDepths()),
                        core.supportedColorDepths(), 4));
            }
            if (core.earlyCapabilityFlags() != null) {
                m.put("earlyCapabilityFlags", Named.flags(ClientCoreData.earlyCapabilityNames(core.earlyCapabilityFlags()),
                        core.earlyCapabilityFlags(), 4));
            }
            m.put("keyboardLayout", ZeekMapping.keyboardLayoutEvidence(core.keyboardLayout() & 0xFFFFFFFFL));
            m.put("clientBuild", WindowsBuilds.describe(core.clientBuild() & 0xFFFFFFFFL));
            m.put("clientName", core.clientName());
            if (core.clientDigProductId() != null) m.put("clientDigProductId", core.clientDigProductId());
            if (core.serverSelectedProtocol() != null) {
                long p = core.serverSelectedProtocol() & 0xFFFFFFFFL;
                m.put("serverSelectedProtocol", Named.value(Protocols.describe((int) p), p, 8));
            }
        });
        clientData.security().ifPresent(s -> {
            m.put("clientEncryptionMethods", methods(s.encryptionMethods()));
            m.put("clientExtEncryptionMethods", methods(s.extEncryptionMethods()));
        });
        clientData.cluster().ifPresent(cl -> {
            m.put("clusterFlags", Named.flags(ClientClusterData.flagNames(cl.flags()), cl.flags() & 0xFFFFFFFFL, 8));
            m.put("redirectedSessionId", cl.redirectedSessionId() & 0xFFFFFFFFL);
        });
        clientData.network().ifPresent(n -> m.put("channels", n.channels().stream().map(ChannelDef::name).toList()));
        m.put("clientBlocks", blocks(clientData.blocks()));
        return m;
    }

    /** The server's MCS/GCC facts under the live probe's MCS evidence keys (SessionSequence's onConnectResponse). */
    Map<String, Object> serverEvidence() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (connectResponse == null) {
            return m;
        }
        m.put("mcsResult", Named.value(connectResponse.result().name(), connectResponse.result().value(), 2));
        if (conference == null) {
            return m;
        }
        if (conference.result() != 0) {
            m.put("gccResult", Named.value(conference.resultName(), conference.result(), 2));
        }
        ServerData data = conference.userData();
        data.core().ifPresent(core -> {
            m.put("serverRdpVersion", Named.value(core.rdpVersion().name(), core.version(), 8));
            if (core.clientRequestedProtocols() != null) {
                m.put("clientRequestedProtocolsEcho", Named.value(Protocols.describe(core.clientRequestedProtocols()),
                        core.clientRequestedProtocols(), 8));
            }
        });
        data.security().ifPresent(s -> {
            m.put("encryptionMethod", Named.value(s.encryptionMethod().name(), s.encryptionMethod().value(), 8));
            m.put("encryptionLevel", Named.value(s.encryptionLevel().name(), s.encryptionLevel().value(), 8));
            ServerCertificate cert = s.certificate();
            if (cert != null) {
                m.put("certificateType", cert.typeLabel());
                m.put("certificateCount", cert.count());
                m.put("certificatePermanent", cert.permanent());
            }
        });
        data.network().ifPresent(n -> {
            m.put("ioChannel", n.ioChannelId());
            m.put("channelIds", List.copyOf(n.channelIds()));
        });
        data.messageChannel().ifPresent(mc -> m.put("messageChannel", mc.channelId()));
        m.put("serverBlocks", blocks(data.blocks()));
        return m;
    }

    private static List<String> blocks(List<? extends GccBlock> blocks) {
        List<String> out = new ArrayList<>();
        for (GccBlock b : blocks) {
            out.add(String.format("0x%04x", b.type()));
        }
        return out;
    }

    private static String version(int v) {
        return Named.value(new RdpVersion(v).name(), v & 0xFFFFFFFFL, 8);
    }

    private static String methods(EncryptionMethod m) {
        long v = m.value() & 0xFFFFFFFFL;
        return Named.flags(v == 0 ? List.of() : m.names(), v, 8);
    }
}
