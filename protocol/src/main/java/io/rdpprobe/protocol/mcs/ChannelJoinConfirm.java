package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * MCS Channel Join Confirm (MS-RDPBCGR 2.2.1.9).
 *
 * <pre>
 * 3E | result | initiator - 1001 (u16) | requested (u16) | channelId (u16, present when bit 0x02)
 * </pre>
 */
public record ChannelJoinConfirm(McsResult result, int initiator, int requested, Integer channelId) implements DomainPdu {
    static ChannelJoinConfirm decodeBody(int b0, ByteBuf buf) {
        McsResult r = new McsResult(Wire.u8(buf, Layer.MCS, "channelJoinConfirm.result"));
        int init = Per.readInteger16(buf, BASE_CHANNEL_ID, Layer.MCS, "channelJoinConfirm.initiator");
        int req = Wire.u16be(buf, Layer.MCS, "channelJoinConfirm.requested");
        Integer ch = (b0 & 0x02) != 0 ? Wire.u16be(buf, Layer.MCS, "channelJoinConfirm.channelId") : null;
        return new ChannelJoinConfirm(r, init, req, ch);
    }

    @Override
    public int choice() {
        return CHOICE_CHANNEL_JOIN_CONFIRM;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeByte((CHOICE_CHANNEL_JOIN_CONFIRM << 2) | (channelId != null ? 0x02 : 0));
        buf.writeByte(result.value());
        Per.writeInteger16(buf, initiator, BASE_CHANNEL_ID);
        buf.writeShort(requested);
        if (channelId != null) {
            buf.writeShort(channelId);
        }
    }

    @Override
    public int encodedLength() {
        return channelId != null ? 8 : 6;
    }
}
