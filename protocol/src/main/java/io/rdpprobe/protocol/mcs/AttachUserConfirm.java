package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * MCS Attach User Confirm (MS-RDPBCGR 2.2.1.7).
 *
 * <pre>
 * 2E | result (1) | initiator - 1001 (u16 BE)     2C | result  when no initiator is present
 * </pre>
 *
 * @param initiator the user id (absolute, e.g. 1007), or null when the option bit is clear
 */
public record AttachUserConfirm(McsResult result, Integer initiator) implements DomainPdu {
    static AttachUserConfirm decodeBody(int b0, ByteBuf buf) {
        McsResult r = new McsResult(Wire.u8(buf, Layer.MCS, "attachUserConfirm.result"));
        Integer init = (b0 & 0x02) != 0 ? Per.readInteger16(buf, BASE_CHANNEL_ID, Layer.MCS, "attachUserConfirm.initiator") : null;
        return new AttachUserConfirm(r, init);
    }

    @Override
    public int choice() {
        return CHOICE_ATTACH_USER_CONFIRM;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeByte((CHOICE_ATTACH_USER_CONFIRM << 2) | (initiator != null ? 0x02 : 0));
        buf.writeByte(result.value());
        if (initiator != null) {
            Per.writeInteger16(buf, initiator, BASE_CHANNEL_ID);
        }
    }

    @Override
    public int encodedLength() {
        return initiator != null ? 4 : 2;
    }
}
