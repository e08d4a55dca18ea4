package io.rdpprobe.probe.pdu;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.probe.session.SessionSequence;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.credssp.NtStatus;
import io.rdpprobe.protocol.credssp.TsRequest;
import io.rdpprobe.protocol.licensing.LicensePdu;
import io.rdpprobe.protocol.mcs.AttachUserConfirm;
import io.rdpprobe.protocol.mcs.AttachUserRequest;
import io.rdpprobe.protocol.mcs.ChannelJoinConfirm;
import io.rdpprobe.protocol.mcs.ChannelJoinRequest;
import io.rdpprobe.protocol.mcs.DisconnectProviderUltimatum;
import io.rdpprobe.protocol.mcs.DomainPdu;
import io.rdpprobe.protocol.mcs.ErectDomainRequest;
import io.rdpprobe.protocol.mcs.Mcs;
import io.rdpprobe.protocol.mcs.SendData;
import io.rdpprobe.protocol.ntlm.NtlmMessages;
import io.rdpprobe.protocol.rdg.RdgPacketType;
import io.rdpprobe.protocol.rdp.ConfirmActivePdu;
import io.rdpprobe.protocol.rdp.DataPdu;
import io.rdpprobe.protocol.rdp.DeactivateAllPdu;
import io.rdpprobe.protocol.rdp.DemandActivePdu;
import io.rdpprobe.protocol.rdp.SecurityFlags;
import io.rdpprobe.protocol.rdp.ServerRedirectionPdu;
import io.rdpprobe.protocol.rdp.SetErrorInfoPdu;
import io.rdpprobe.protocol.rdp.ShareDataHeader;
import io.rdpprobe.protocol.rdp.SharePdu;
import io.rdpprobe.protocol.x224.ConnectionConfirm;
import io.rdpprobe.protocol.x224.ConnectionRequest;
import io.rdpprobe.protocol.x224.DisconnectRequest;
import io.rdpprobe.protocol.x224.ErrorTpdu;
import io.rdpprobe.protocol.x224.NegotiationFailure;
import io.rdpprobe.protocol.x224.NegotiationResponse;
import io.rdpprobe.protocol.x224.Protocols;
import java.util.ArrayList;
import java.util.List;

/**
 * The name of one whole PDU, decided by the protocol decoders (the same ones the stages and the capture
 * analyser use): {@code X.224 Connection Confirm (RDP_NEG_RSP SSL)}, {@code TSRequest v6: NTLM CHALLENGE},
 * {@code MCS Channel Join Confirm (channel 1003)}, {@code Set Error Info PDU (ERRINFO_SERVER_DENIED_CONNECTION)}.
 * A name never holds a secret: CredSSP is named by its fields' presence (authInfo is "TSCredentials", never
 * its content), and nothing of a Client Info PDU but its kind. Bytes the decoders refuse are named as such
 * ("malformed ..."), never thrown.
 */
public final class PduNames {
    private PduNames() {}

    /**
     * One complete TPKT frame.
     *
     * @param fromClient        whether the client sent it (MCS request vs indication, X.224 CR vs CC)
     * @param standardSecurity  whether Standard RDP Security is in force (selected protocol RDP): then every
     *                          Send Data PDU starts with a security header
     */
    public static String tpkt(ByteBuf frame, boolean fromClient, boolean standardSecurity) {
        ByteBuf f = frame.duplicate();
        if (f.readableBytes() < 6) {
            return "TPKT (truncated)";
        }
        int code = f.getUnsignedByte(f.readerIndex() + 5) & 0xF0;
        try {
            return switch (code) {
                case 0xE0 -> connectionRequest(ConnectionRequest.decode(f));
                case 0xD0 -> connectionConfirm(ConnectionConfirm.decode(f));
                case 0x80 -> "X.224 Disconnect Request (" + DisconnectRequest.decode(f).reasonName() + ")";
                case 0x70 -> "X.224 Error TPDU (" + ErrorTpdu.decode(f).causeName() + ")";
                case 0xF0 -> mcs(Mcs.userData(f), fromClient, standardSecurity);
                default -> String.format("X.224 TPDU 0x%02x", code);
            };
        } catch (DecodeException | IllegalArgumentException e) {
            return "malformed " + (code == 0xE0 ? "X.224 Connection Request" : code == 0xD0 ? "X.224 Connection Confirm"
                    : code == 0xF0 ? "MCS PDU" : "TPKT frame");
        }
    }

    public static String connectionRequest(ConnectionRequest cr) {
        return "X.224 Connection Request (" + (cr.negotiation() == null ? "no RDP_NEG_REQ"
                : "RDP_NEG_REQ " + Protocols.describe(cr.negotiation().requestedProtocols())) + ")";
    }

    public static String connectionConfirm(ConnectionConfirm cc) {
        if (cc.negotiation() instanceof NegotiationResponse r) {
            return "X.224 Connection Confirm (RDP_NEG_RSP " + Protocols.name(r.selectedProtocol()) + ")";
        }
        if (cc.negotiation() instanceof NegotiationFailure nf) {
            return "X.224 Connection Confirm (RDP_NEG_FAILURE " + nf.failureCode().name() + ")";
        }
        return "X.224 Connection Confirm (no negotiation data)";
    }

    private static String mcs(ByteBuf mcs, boolean fromClient, boolean standardSecurity) {
        if (Mcs.isConnectPdu(mcs)) {
            int tag = mcs.getUnsignedByte(mcs.readerIndex() + 1);
            return tag == 0x65 ? "MCS Connect-Initial" : tag == 0x66 ? "MCS Connect-Response" : "MCS connect PDU";
        }
        DomainPdu pdu = DomainPdu.decode(mcs);
        if (pdu instanceof ErectDomainRequest) return "MCS Erect Domain Request";
        if (pdu instanceof AttachUserRequest) return "MCS Attach User Request";
        if (pdu instanceof AttachUserConfirm a) return "MCS Attach User Confirm (" + a.result().name()
                + (a.initiator() == null ? "" : ", user " + a.initiator()) + ")";
        if (pdu instanceof ChannelJoinRequest j) return "MCS Channel Join Request (channel " + j.channelId() + ")";
        if (pdu instanceof ChannelJoinConfirm j) return "MCS Channel Join Confirm (channel " + j.requested() + ", "
                + j.result().name() + ")";
        if (pdu instanceof DisconnectProviderUltimatum d) return "MCS Disconnect Provider Ultimatum (" + d.reason().name() + ")";
        if (pdu instanceof SendData sd) return sendData(sd, fromClient, standardSecurity);
        return "MCS " + DomainPdu.choiceName(pdu.choice());
    }

    private static String sendData(SendData sd, boolean fromClient, boolean standardSecurity) {
        ByteBuf data = sd.data().duplicate();
        int flags;
        if (standardSecurity) {
            if (data.readableBytes() < 4) {
                return "MCS Send Data (truncated)";
            }
            flags = data.getUnsignedShortLE(data.readerIndex());
        } else if (fromClient && data.readableBytes() >= 4
                && (data.getUnsignedShortLE(data.readerIndex()) & SecurityFlags.SEC_INFO_PKT) != 0) {
            // the Client Info PDU always carries a basic security header (2.2.1.11.1)
            flags = data.getUnsignedShortLE(data.readerIndex());
        } else {
            flags = SessionSequence.enhancedSecurityFlags(data);
        }
        if (flags != 0 || standardSecurity) {
            data.skipBytes(4);
        }
        boolean encrypted = (flags & SecurityFlags.SEC_ENCRYPT) != 0;
        if ((flags & SecurityFlags.SEC_EXCHANGE_PKT) != 0) return "Security Exchange PDU";
        if ((flags & SecurityFlags.SEC_INFO_PKT) != 0) return "Client Info PDU" + (encrypted ? " (encrypted)" : "");
        if ((flags & SecurityFlags.SEC_LICENSE_PKT) != 0) {
            return encrypted ? "licensing PDU (encrypted)" : licensing(data);
        }
        if ((flags & SecurityFlags.SEC_REDIRECTION_PKT) != 0) return "Server Redirection PDU";
        if ((flags & SecurityFlags.SEC_AUTODETECT_REQ) != 0) return "Auto-Detect Request PDU";
        if ((flags & SecurityFlags.SEC_HEARTBEAT) != 0) return "Heartbeat PDU";
        if ((flags & SecurityFlags.SEC_TRANSPORT_REQ) != 0) return "Initiate Multitransport Request PDU";
        if (encrypted) return (sd.indication() ? "MCS Send Data Indication" : "MCS Send Data Request") + " (encrypted)";
        if (sd.channelId() != DomainPdu.GLOBAL_CHANNEL_ID) {
            return "virtual channel data (channel " + sd.channelId() + ")";
        }
        List<String> names = new ArrayList<>();
        while (data.isReadable() && names.size() < 8) {
            names.add(share(SharePdu.decode(data)));
        }
        return names.isEmpty() ? "MCS Send Data (empty)" : String.join(" + ", names);
    }

    /** A plaintext licensing PDU by its message type (MS-RDPELE 2.2.2); an error alert with its code. */
    public static String licensing(ByteBuf data) {
        LicensePdu l = LicensePdu.decode(data.duplicate());
        String type = l.preamble().msgTypeName();
        if (l.errorMessage() != null) {
            return "licensing " + type + " (" + l.errorMessage().errorCode().name() + ", "
                    + l.errorMessage().stateTransition().name() + ")";
        }
        return "licensing " + type;
    }

    private static String share(SharePdu p) {
        if (p instanceof DemandActivePdu) return "Demand Active PDU";
        if (p instanceof ConfirmActivePdu) return "Confirm Active PDU";
        if (p instanceof DeactivateAllPdu) return "Deactivate All PDU";
        if (p instanceof ServerRedirectionPdu) return "Server Redirection PDU";
        if (p instanceof DataPdu d) {
            int t = d.dataHeader().pduType2();
            return switch (t) {
                case ShareDataHeader.PDUTYPE2_SET_ERROR_INFO_PDU -> "Set Error Info PDU ("
                        + SetErrorInfoPdu.decode(io.netty.buffer.Unpooled.wrappedBuffer(d.body())).errorInfo().name() + ")";
                case ShareDataHeader.PDUTYPE2_SYNCHRONIZE -> "Synchronize PDU";
                case ShareDataHeader.PDUTYPE2_CONTROL -> "Control PDU";
                case ShareDataHeader.PDUTYPE2_FONTLIST -> "Font List PDU";
                case ShareDataHeader.PDUTYPE2_FONTMAP -> "Font Map PDU";
                case ShareDataHeader.PDUTYPE2_SAVE_SESSION_INFO -> "Save Session Info PDU";
                default -> "data PDU " + ShareDataHeader.pduType2Name(t);
            };
        }
        return "share PDU " + p.header().typeName(p.header().type());
    }

    /**
     * One complete TSRequest (MS-CSSP 2.2.1), named by what it carries: the NTLM message in negoTokens
     * (NEGOTIATE, CHALLENGE, AUTHENTICATE), pubKeyAuth, authInfo (always "TSCredentials", never its content),
     * the errorCode by its NTSTATUS name.
     */
    public static String tsRequest(ByteBuf der) {
        TsRequest r;
        try {
            r = TsRequest.decode(der.duplicate());
        } catch (DecodeException e) {
            return "malformed TSRequest";
        }
        List<String> parts = new ArrayList<>();
        byte[] token = r.firstToken();
        if (token != null) {
            if (NtlmMessages.isNtlm(token)) {
                int type = NtlmMessages.peekType(io.netty.buffer.Unpooled.wrappedBuffer(token));
                parts.add("NTLM " + switch (type) {
                    case NtlmMessages.NEGOTIATE -> "NEGOTIATE";
                    case NtlmMessages.CHALLENGE -> "CHALLENGE";
                    case NtlmMessages.AUTHENTICATE -> "AUTHENTICATE";
                    default -> "message type " + type;
                });
            } else {
                parts.add("negoToken (not NTLM)");
            }
        }
        if (r.pubKeyAuth() != null) parts.add("pubKeyAuth");
        if (r.authInfo() != null) parts.add("authInfo (TSCredentials)");
        if (r.errorCode() != null) parts.add("errorCode " + new NtStatus(r.errorCode()).name());
        if (r.clientNonce() != null) parts.add("clientNonce");
        return "TSRequest v" + r.version() + (parts.isEmpty() ? "" : ": " + String.join(" + ", parts));
    }

    /** One MS-TSGU packet by its type (2.2.10), e.g. {@code RDG TUNNEL_CREATE}. */
    public static String rdg(ByteBuf packet) {
        if (packet.readableBytes() < 2) {
            return "RDG packet (truncated)";
        }
        return "RDG " + RdgPacketType.name(packet.getUnsignedShortLE(packet.readerIndex()));
    }

    /** The 4-byte Early User Authorization Result PDU of HYBRID_EX (MS-RDPBCGR 2.2.10.2). */
    public static String earlyUserAuthResult(ByteBuf b) {
        return "Early User Authorization Result ("
                + io.rdpprobe.protocol.credssp.EarlyUserAuthResult.decode(b.duplicate()).name() + ")";
    }

    /** A fast-path PDU (2.2.9.1.2): its action bits say fast-path; its content is not decoded here. */
    public static String fastPath(boolean fromClient) {
        return fromClient ? "fast-path input PDU" : "fast-path output PDU";
    }
}
