package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * MCS Channel Join Request (MS-RDPBCGR 2.2.1.8): {@code 38 | initiator - 1001 (u16) | channelId (u16)}.
 */
public record ChannelJoinRequest(int initiator, int channelId) implements DomainPdu {
    static ChannelJoinRequest decodeBody(ByteBuf buf) {
        int init = Per.readInteger16(buf, BASE_CHANNEL_ID, Layer.MCS, "channelJoinRequest.initiator");
        int ch = Wire.u16be(buf, Layer.MCS, "channelJoinRequest.channelId");
        return new ChannelJoinRequest(init, ch);
    }

    @Override
    public int choice() {
        return CHOICE_CHANNEL_JOIN_REQUEST;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeByte(CHOICE_CHANNEL_JOIN_REQUEST << 2);
        Per.writeInteger16(buf, initiator, BASE_CHANNEL_ID);
        buf.writeShort(channelId);
    }

    @Override
    public int encodedLength() {
        return 5;
    }
}
