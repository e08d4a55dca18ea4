package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.mcs.Per;

/**
 * GCC Conference Create Response (T.124, PER), the user data of the MCS Connect-Response
 * (MS-RDPBCGR 2.2.1.4).
 *
 * <pre>
 * 00 05 00 14 7C 00 01 LL  t124Identifier + connectPDU length (servers send 0x2A regardless; not trusted)
 * 14 76 0A                 conferenceCreateResponse, nodeID - 1001 (0x760A -> 31219)
 * 01 01                    tag INTEGER 1
 * 00                       result (0 success, 1 userRejected, 2 resourcesNotAvailable, 3 rejectedForSymmetryBreaking,
 *                          4 lockedConferenceNotSupported)
 * 01 C0 00 4D 63 44 6E     1 set, h221NonStandard, key "McDn"
 * LL [LL] blocks           server user data (TS_UD_SC_*)
 * </pre>
 *
 * @param connectPduLength the length the server wrote (kept for byte-exact round trips)
 */
public record ConferenceCreateResponse(int connectPduLength, int nodeId, long tag, int result, ServerData userData) {
    public static final byte[] H221_SC_KEY = {'M', 'c', 'D', 'n'};
    private static final String[] RESULTS = {"success", "userRejected", "resourcesNotAvailable",
        "rejectedForSymmetryBreaking", "lockedConferenceNotSupported"};

    public static ConferenceCreateResponse of(ServerData data) {
        return new ConferenceCreateResponse(0x2A, 0x79F3, 1, 0, data);
    }

    public String resultName() {
        return resultName(result);
    }

    /** The T.124 ConferenceCreateResponse result name ("success", "userRejected", ...). */
    public static String resultName(int result) {
        return result >= 0 && result < RESULTS.length ? RESULTS[result] : "UNKNOWN(" + result + ")";
    }

    public static ConferenceCreateResponse decode(ByteBuf buf) {
        int at = buf.readerIndex();
        ConferenceCreateRequest.readHeader(buf);
        int cpl = Per.readLength(buf, Layer.GCC, "ConnectData.connectPDU.length");
        int c = buf.readerIndex();
        int choice = Wire.u8(buf, Layer.GCC, "ConnectGCCPDU.choice");
        if (choice != 0x14) {
            throw DecodeException.unexpected(Layer.GCC, "ConnectGCCPDU.choice", c,
                    String.format("expected conferenceCreateResponse (0x14), got 0x%02x", choice));
        }
        int node = Per.readInteger16(buf, 1001, Layer.GCC, "ConferenceCreateResponse.nodeID");
        long tag = Per.readInteger(buf, Layer.GCC, "ConferenceCreateResponse.tag");
        int result = Wire.u8(buf, Layer.GCC, "ConferenceCreateResponse.result");
        ByteBuf blocks = ConferenceCreateRequest.readUserData(buf, H221_SC_KEY, "ConferenceCreateResponse");
        ServerData data = ServerData.decode(blocks);
        if (buf.isReadable()) {
            throw DecodeException.badLength(Layer.GCC, "ConferenceCreateResponse", at, buf.readableBytes() + " byte(s) after user data");
        }
        return new ConferenceCreateResponse(cpl, node, tag, result, data);
    }

    public int encodedLength() {
        int ud = userData.encodedLength();
        return 7 + Per.lengthSize(connectPduLength) + 3 + Per.integerSize(tag) + 1 + 7 + Per.lengthSize(ud) + ud;
    }

    public void encode(ByteBuf buf) {
        buf.writeByte(0);
        Per.writeObjectIdentifier(buf, Per.T124_02_98_OID);
        Per.writeLength(buf, connectPduLength);
        buf.writeByte(0x14);
        Per.writeInteger16(buf, nodeId, 1001);
        Per.writeInteger(buf, tag);
        buf.writeByte(result).writeByte(1).writeByte(0xC0);
        Per.writeOctetString(buf, H221_SC_KEY, 4);
        Per.writeLength(buf, userData.encodedLength());
        userData.encode(buf);
    }

    public byte[] toBytes() {
        ByteBuf b = io.netty.buffer.Unpooled.buffer(encodedLength());
        encode(b);
        return io.netty.buffer.ByteBufUtil.getBytes(b);
    }
}
