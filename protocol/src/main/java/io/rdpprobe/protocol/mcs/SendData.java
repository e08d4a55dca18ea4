package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * MCS Send Data Request (choice 25, client to server) and Send Data Indication (choice 26, server to
 * client) (MS-RDPBCGR 2.2.1.10 and every later slow-path PDU).
 *
 * <pre>
 * 64|68 | initiator - 1001 (u16) | channelId (u16) | 70 (priority high, begin|end) | PER length | data
 * </pre>
 *
 * @param data a slice of the decoded buffer (valid while that buffer is), or the caller's buffer when encoding
 */
public record SendData(boolean indication, int initiator, int channelId, int priorityAndSegmentation, ByteBuf data)
        implements DomainPdu {
    /** dataPriority high, segmentation begin | end. */
    public static final int DEFAULT_FLAGS = 0x70;

    public static SendData request(int initiator, int channelId, ByteBuf data) {
        return new SendData(false, initiator, channelId, DEFAULT_FLAGS, data);
    }

    public static SendData indication(int initiator, int channelId, ByteBuf data) {
        return new SendData(true, initiator, channelId, DEFAULT_FLAGS, data);
    }

    static SendData decodeBody(int choice, ByteBuf buf) {
        String n = choice == CHOICE_SEND_DATA_REQUEST ? "sendDataRequest" : "sendDataIndication";
        int init = Per.readInteger16(buf, BASE_CHANNEL_ID, Layer.MCS, n + ".initiator");
        int ch = Wire.u16be(buf, Layer.MCS, n + ".channelId");
        int flags = Wire.u8(buf, Layer.MCS, n + ".dataPriority");
        int at = buf.readerIndex();
        int len = Per.readLength(buf, Layer.MCS, n + ".length");
        if (len > buf.readableBytes()) {
            throw new DecodeException(Layer.MCS, DecodeException.Kind.NOT_ENOUGH_BYTES, n + ".userData", at,
                    "length " + len + ", " + buf.readableBytes() + " available", DecodeException.snapshot(buf));
        }
        return new SendData(choice == CHOICE_SEND_DATA_INDICATION, init, ch, flags, buf.readSlice(len));
    }

    @Override
    public int choice() {
        return indication ? CHOICE_SEND_DATA_INDICATION : CHOICE_SEND_DATA_REQUEST;
    }

    /** Header only, for callers that write the data themselves. */
    public static void writeHeader(ByteBuf buf, boolean indication, int initiator, int channelId, int dataLength) {
        buf.writeByte((indication ? CHOICE_SEND_DATA_INDICATION : CHOICE_SEND_DATA_REQUEST) << 2);
        Per.writeInteger16(buf, initiator, BASE_CHANNEL_ID);
        buf.writeShort(channelId);
        buf.writeByte(DEFAULT_FLAGS);
        Per.writeLength(buf, dataLength);
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeByte(choice() << 2);
        Per.writeInteger16(buf, initiator, BASE_CHANNEL_ID);
        buf.writeShort(channelId);
        buf.writeByte(priorityAndSegmentation);
        Per.writeLength(buf, data.readableBytes());
        buf.writeBytes(data, data.readerIndex(), data.readableBytes());
    }

    @Override
    public int encodedLength() {
        return 6 + Per.lengthSize(data.readableBytes()) + data.readableBytes();
    }
}
