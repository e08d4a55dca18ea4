package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.x224.DataTpdu;

/**
 * Framing helpers: MCS PDUs inside TPKT + X.224 Data ({@code 03 00 LL LL 02 F0 80 ...}).
 */
public final class Mcs {
    private Mcs() {}

    /** TPKT + X.224 DT + a domain PDU, as one complete frame. */
    public static byte[] frame(DomainPdu pdu) {
        ByteBuf b = Unpooled.buffer(7 + pdu.encodedLength());
        DataTpdu.writeHeader(b, pdu.encodedLength());
        pdu.encode(b);
        return bytes(b);
    }

    public static byte[] frame(ConnectInitial ci) {
        ByteBuf b = Unpooled.buffer(7 + ci.encodedLength());
        DataTpdu.writeHeader(b, ci.encodedLength());
        ci.encode(b);
        return bytes(b);
    }

    public static byte[] frame(ConnectResponse cr) {
        ByteBuf b = Unpooled.buffer(7 + cr.encodedLength());
        DataTpdu.writeHeader(b, cr.encodedLength());
        cr.encode(b);
        return bytes(b);
    }

    /** TPKT + X.224 DT + Send Data header + {@code data}. */
    public static byte[] sendData(boolean indication, int initiator, int channelId, byte[] data) {
        int mcsLen = 6 + Per.lengthSize(data.length) + data.length;
        ByteBuf b = Unpooled.buffer(7 + mcsLen);
        DataTpdu.writeHeader(b, mcsLen);
        SendData.writeHeader(b, indication, initiator, channelId, data.length);
        b.writeBytes(data);
        return bytes(b);
    }

    /** Reads TPKT + X.224 DT and returns the MCS bytes as a slice of {@code frame}. */
    public static ByteBuf userData(ByteBuf frame) {
        int len = DataTpdu.readHeader(frame);
        if (len > frame.readableBytes()) {
            throw DecodeException.notEnough(Layer.TPKT, "payload", frame, len);
        }
        return frame.readSlice(len);
    }

    /** Whether the MCS bytes start with the BER [APPLICATION 101/102] tag of a connect PDU. */
    public static boolean isConnectPdu(ByteBuf mcs) {
        return mcs.readableBytes() >= 2 && mcs.getUnsignedByte(mcs.readerIndex()) == 0x7F;
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }
}
