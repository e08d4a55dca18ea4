package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * T.125 DomainMCSPDU, ALIGNED PER (MS-RDPBCGR 2.2.1.5 - 2.2.1.9, 2.2.2.3). The first byte holds the
 * CHOICE index in its top six bits ({@code choice << 2}) and option bits below.
 *
 * <pre>
 * 04 ..        Erect Domain Request (choice 1)
 * 20|21|22 ..  Disconnect Provider Ultimatum (choice 8)
 * 28           Attach User Request (choice 10)
 * 2E rr uu uu  Attach User Confirm (choice 11, initiator present)
 * 38 uu uu cc cc           Channel Join Request (choice 14)
 * 3E rr uu uu cc cc cc cc  Channel Join Confirm (choice 15, channelId present)
 * 64 uu uu cc cc 70 LL..   Send Data Request (choice 25)
 * 68 uu uu cc cc 70 LL..   Send Data Indication (choice 26)
 * </pre>
 */
public sealed interface DomainPdu permits ErectDomainRequest, AttachUserRequest, AttachUserConfirm,
        ChannelJoinRequest, ChannelJoinConfirm, SendData, DisconnectProviderUltimatum, OtherDomainPdu {

    /** MCS_BASE_CHANNEL_ID: user ids are PER INTEGER16 with this lower bound. */
    int BASE_CHANNEL_ID = 1001;
    /** MCS_GLOBAL_CHANNEL_ID, the I/O channel. */
    int GLOBAL_CHANNEL_ID = 1003;

    int CHOICE_ERECT_DOMAIN_REQUEST = 1;
    int CHOICE_DISCONNECT_PROVIDER_ULTIMATUM = 8;
    int CHOICE_ATTACH_USER_REQUEST = 10;
    int CHOICE_ATTACH_USER_CONFIRM = 11;
    int CHOICE_CHANNEL_JOIN_REQUEST = 14;
    int CHOICE_CHANNEL_JOIN_CONFIRM = 15;
    int CHOICE_SEND_DATA_REQUEST = 25;
    int CHOICE_SEND_DATA_INDICATION = 26;

    void encode(ByteBuf buf);

    int encodedLength();

    /** The T.125 CHOICE index. */
    int choice();

    /**
     * Decodes one domain PDU that fills {@code buf} exactly (the X.224 user data).
     *
     * @throws DecodeException on truncation, bad lengths or trailing bytes
     */
    static DomainPdu decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int b0 = Wire.u8(buf, Layer.MCS, "DomainMCSPDU");
        int choice = b0 >> 2;
        DomainPdu pdu = switch (choice) {
            case CHOICE_ERECT_DOMAIN_REQUEST -> ErectDomainRequest.decodeBody(buf);
            case CHOICE_DISCONNECT_PROVIDER_ULTIMATUM -> DisconnectProviderUltimatum.decodeBody(b0, buf);
            case CHOICE_ATTACH_USER_REQUEST -> new AttachUserRequest();
            case CHOICE_ATTACH_USER_CONFIRM -> AttachUserConfirm.decodeBody(b0, buf);
            case CHOICE_CHANNEL_JOIN_REQUEST -> ChannelJoinRequest.decodeBody(buf);
            case CHOICE_CHANNEL_JOIN_CONFIRM -> ChannelJoinConfirm.decodeBody(b0, buf);
            case CHOICE_SEND_DATA_REQUEST, CHOICE_SEND_DATA_INDICATION -> SendData.decodeBody(choice, buf);
            default -> OtherDomainPdu.decodeBody(b0, buf);
        };
        if (buf.isReadable()) {
            throw DecodeException.badLength(Layer.MCS, choiceName(choice), start,
                    buf.readableBytes() + " byte(s) after the PDU");
        }
        return pdu;
    }

    /** The T.125 name of a DomainMCSPDU choice. */
    static String choiceName(int choice) {
        return switch (choice) {
            case 0 -> "plumbDomainIndication";
            case 1 -> "erectDomainRequest";
            case 2 -> "mergeChannelsRequest";
            case 3 -> "mergeChannelsConfirm";
            case 4 -> "purgeChannelsIndication";
            case 5 -> "mergeTokensRequest";
            case 6 -> "mergeTokensConfirm";
            case 7 -> "purgeTokensIndication";
            case 8 -> "disconnectProviderUltimatum";
            case 9 -> "rejectMCSPDUUltimatum";
            case 10 -> "attachUserRequest";
            case 11 -> "attachUserConfirm";
            case 12 -> "detachUserRequest";
            case 13 -> "detachUserIndication";
            case 14 -> "channelJoinRequest";
            case 15 -> "channelJoinConfirm";
            case 16 -> "channelLeaveRequest";
            case 17 -> "channelConveneRequest";
            case 18 -> "channelConveneConfirm";
            case 19 -> "channelDisbandRequest";
            case 20 -> "channelDisbandIndication";
            case 21 -> "channelAdmitRequest";
            case 22 -> "channelAdmitIndication";
            case 23 -> "channelExpelRequest";
            case 24 -> "channelExpelIndication";
            case 25 -> "sendDataRequest";
            case 26 -> "sendDataIndication";
            case 27 -> "uniformSendDataRequest";
            case 28 -> "uniformSendDataIndication";
            default -> "domainMCSPDU(" + choice + ")";
        };
    }
}
