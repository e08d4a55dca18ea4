package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * MCS Disconnect Provider Ultimatum (MS-RDPBCGR 2.2.2.3). The 3-bit reason is packed after the 6-bit
 * choice: {@code reason = ((b0 & 3) << 1) | (b1 >> 7)}.
 *
 * <pre>
 * 21 80   rn-user-requested (3)        20 80   rn-provider-initiated (1)
 * </pre>
 */
public record DisconnectProviderUltimatum(DisconnectReason reason) implements DomainPdu {
    public static final DisconnectProviderUltimatum USER_REQUESTED =
            new DisconnectProviderUltimatum(DisconnectReason.USER_REQUESTED);

    static DisconnectProviderUltimatum decodeBody(int b0, ByteBuf buf) {
        int b1 = Wire.u8(buf, Layer.MCS, "disconnectProviderUltimatum.reason");
        return new DisconnectProviderUltimatum(new DisconnectReason(((b0 & 0x03) << 1) | (b1 >> 7)));
    }

    @Override
    public int choice() {
        return CHOICE_DISCONNECT_PROVIDER_ULTIMATUM;
    }

    @Override
    public void encode(ByteBuf buf) {
        int r = reason.value();
        buf.writeByte((CHOICE_DISCONNECT_PROVIDER_ULTIMATUM << 2) | (r >> 1));
        buf.writeByte((r & 1) << 7);
    }

    @Override
    public int encodedLength() {
        return 2;
    }
}
