package io.rdpprobe.protocol.rdp;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.errors.ErrorInfo;

/**
 * Set Error Info PDU body, TS_SET_ERROR_INFO_PDU (MS-RDPBCGR 2.2.5.1.1): {@code errorInfo u32} after a share
 * data header with pduType2 0x2F. The server disconnects right after it.
 */
public record SetErrorInfoPdu(ErrorInfo errorInfo) {
    public static SetErrorInfoPdu decode(ByteBuf body) {
        return new SetErrorInfoPdu(new ErrorInfo(Wire.i32le(body, Layer.SHARE, "TS_SET_ERROR_INFO_PDU.errorInfo")));
    }

    /** The complete share data PDU (pduSource 0, as servers send it). */
    public static byte[] encode(int shareId, ErrorInfo info) {
        int v = info.value();
        return DataPdu.encode(0, shareId, ShareDataHeader.PDUTYPE2_SET_ERROR_INFO_PDU,
                new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)});
    }
}
