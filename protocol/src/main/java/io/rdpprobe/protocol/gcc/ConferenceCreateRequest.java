package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.mcs.Per;
import java.util.Arrays;

/**
 * GCC Conference Create Request (T.124 ConnectData + ConnectGCCPDU, PER), the user data of the MCS
 * Connect-Initial (MS-RDPBCGR 2.2.1.3).
 *
 * <pre>
 * 00 05 00 14 7C 00 01     t124Identifier: object key {0 0 20 124 0 1}
 * LL [LL]                  connectPDU length
 * 00 08 00 10 00 01 C0 00  conferenceCreateRequest, userData present, name "1", pad, 1 set, h221NonStandard, key len
 * 44 75 63 61              "Duca"
 * LL [LL] blocks           client user data (TS_UD_CS_*)
 * </pre>
 */
public record ConferenceCreateRequest(String conferenceName, ClientData userData) {
    public static final byte[] H221_CS_KEY = {'D', 'u', 'c', 'a'};

    public ConferenceCreateRequest(ClientData userData) {
        this("1", userData);
    }

    public static ConferenceCreateRequest decode(ByteBuf buf) {
        int at = buf.readerIndex();
        readHeader(buf);
        Per.readLength(buf, Layer.GCC, "ConnectData.connectPDU.length");
        int c = buf.readerIndex();
        int choice = Wire.u8(buf, Layer.GCC, "ConnectGCCPDU.choice");
        if (choice != 0x00) {
            throw DecodeException.unexpected(Layer.GCC, "ConnectGCCPDU.choice", c,
                    String.format("expected conferenceCreateRequest (0x00), got 0x%02x", choice));
        }
        int sel = Wire.u8(buf, Layer.GCC, "ConferenceCreateRequest.optionalFields");
        if ((sel & 0x08) == 0) {
            throw DecodeException.invalid(Layer.GCC, "ConferenceCreateRequest.optionalFields", c + 1, "userData not present");
        }
        String name = Per.readNumericString(buf, 1, Layer.GCC, "ConferenceCreateRequest.conferenceName");
        Wire.u8(buf, Layer.GCC, "ConferenceCreateRequest.padding");
        int len = readUserDataLength(buf, H221_CS_KEY, "ConferenceCreateRequest");
        int limit = buf.writerIndex(); // the blocks are read in place up to the user data's end, then restored
        buf.writerIndex(buf.readerIndex() + len);
        ClientData data;
        try {
            data = ClientData.decode(buf);
        } finally {
            buf.writerIndex(limit);
        }
        if (buf.isReadable()) {
            throw DecodeException.badLength(Layer.GCC, "ConferenceCreateRequest", at, buf.readableBytes() + " byte(s) after user data");
        }
        return new ConferenceCreateRequest(name, data);
    }

    /** Object key choice and the T.124 OID. */
    static void readHeader(ByteBuf buf) {
        int at = buf.readerIndex();
        int key = Wire.u8(buf, Layer.GCC, "ConnectData.t124Identifier");
        if (key != 0) {
            throw DecodeException.unexpected(Layer.GCC, "ConnectData.t124Identifier", at,
                    String.format("expected object key choice 0x00, got 0x%02x", key));
        }
        int oidAt = buf.readerIndex();
        if (!Per.readObjectIdentifierEquals(buf, Per.T124_02_98_OID, Layer.GCC, "ConnectData.t124Identifier.object")) {
            buf.readerIndex(oidAt);
            int[] oid = Per.readObjectIdentifier(buf, Layer.GCC, "ConnectData.t124Identifier.object");
            throw DecodeException.invalid(Layer.GCC, "ConnectData.t124Identifier.object", at + 1,
                    "not the T.124 OID {0 0 20 124 0 1}: " + Arrays.toString(oid));
        }
    }

    /** number of sets (1), h221NonStandard choice (0xC0), key (4 bytes), user data octet string. */
    static ByteBuf readUserData(ByteBuf buf, byte[] key, String pdu) {
        return buf.readSlice(readUserDataLength(buf, key, pdu));
    }

    /**
     * The user data's header (one H.221 set with {@code key}); leaves the reader at the blocks, all readable, and
     * returns their length. Field names are built only on failure.
     */
    static int readUserDataLength(ByteBuf buf, byte[] key, String pdu) {
        int at = buf.readerIndex();
        if (!buf.isReadable()) {
            throw DecodeException.notEnough(Layer.GCC, pdu + ".userData.numberOfSets", buf, 1);
        }
        int sets = buf.readUnsignedByte();
        if (sets != 1) {
            throw DecodeException.invalid(Layer.GCC, pdu + ".userData.numberOfSets", at, "expected 1 set, got " + sets);
        }
        if (!buf.isReadable()) {
            throw DecodeException.notEnough(Layer.GCC, pdu + ".userData.key.choice", buf, 1);
        }
        int ch = buf.readUnsignedByte();
        if (ch != 0xC0) {
            throw DecodeException.unexpected(Layer.GCC, pdu + ".userData.key.choice", at + 1,
                    String.format("expected h221NonStandard (0xc0), got 0x%02x", ch));
        }
        int kAt = buf.readerIndex();
        int klen = Per.readLength(buf, Layer.GCC, pdu, ".userData.key.length") + 4;
        if (buf.readableBytes() < klen) {
            throw DecodeException.notEnough(Layer.GCC, pdu + ".userData.key", buf, klen);
        }
        boolean same = klen == key.length;
        for (int i = 0; same && i < klen; i++) {
            same = buf.getByte(buf.readerIndex() + i) == key[i];
        }
        buf.skipBytes(klen);
        if (!same) {
            throw DecodeException.invalid(Layer.GCC, pdu + ".userData.key", kAt,
                    "expected H.221 key " + new String(key, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        int len = Per.readLength(buf, Layer.GCC, pdu, ".userData.value.length");
        if (buf.readableBytes() < len) {
            throw DecodeException.notEnough(Layer.GCC, pdu + ".userData.value", buf, len);
        }
        return len;
    }

    private int connectPduLength() {
        int ud = userData.encodedLength();
        return 2 + (conferenceName.length() + 1) / 2 + Per.lengthSize(conferenceName.length() - 1) + 1 + 3 + 4
                + Per.lengthSize(ud) + ud;
    }

    public int encodedLength() {
        int c = connectPduLength();
        return 7 + Per.lengthSize(c) + c;
    }

    public void encode(ByteBuf buf) {
        buf.writeByte(0);
        Per.writeObjectIdentifier(buf, Per.T124_02_98_OID);
        Per.writeLength(buf, connectPduLength());
        buf.writeByte(0x00).writeByte(0x08);
        Per.writeNumericString(buf, conferenceName, 1);
        buf.writeByte(0).writeByte(1).writeByte(0xC0);
        Per.writeOctetString(buf, H221_CS_KEY, 4);
        Per.writeLength(buf, userData.encodedLength());
        userData.encode(buf);
    }

    public byte[] toBytes() {
        ByteBuf b = io.netty.buffer.Unpooled.buffer(encodedLength());
        encode(b);
        return io.netty.buffer.ByteBufUtil.getBytes(b);
    }
}
