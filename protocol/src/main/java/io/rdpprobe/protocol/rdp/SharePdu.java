package io.rdpprobe.protocol.rdp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * A slow-path share PDU (MS-RDPBCGR 2.2.8.1.1.1): the control header decides the kind; data PDUs are
 * further dispatched on pduType2. Decode from the first byte after the security header (if any).
 */
public sealed interface SharePdu permits DemandActivePdu, ConfirmActivePdu, DeactivateAllPdu, DataPdu,
        ServerRedirectionPdu, OtherSharePdu {

    ShareControlHeader header();

    /**
     * Decodes one share PDU from {@code buf} (which may hold more bytes after it: several PDUs can share
     * a Send Data Indication).
     */
    static SharePdu decode(ByteBuf buf) {
        int start = buf.readerIndex();
        if (buf.readableBytes() >= 2 && buf.getUnsignedShortLE(start) == 0x8000) {
            // flow control PDU (2.2.8.1.1.1.1 note): 8 bytes, ignore content
            byte[] raw = Wire.bytes(buf, Math.min(8, buf.readableBytes()), Layer.SHARE, "flowPdu");
            return new OtherSharePdu(new ShareControlHeader(0x8000, 0, 0), raw);
        }
        ShareControlHeader h = ShareControlHeader.decode(buf);
        int bodyLen = h.totalLength() - ShareControlHeader.SIZE;
        if (bodyLen > buf.readableBytes()) {
            throw DecodeException.notEnough(Layer.SHARE, "TS_SHARECONTROLHEADER.totalLength", buf, bodyLen);
        }
        ByteBuf body = buf.readSlice(bodyLen);
        SharePdu pdu = switch (h.type()) {
            case ShareControlHeader.PDUTYPE_DEMANDACTIVEPDU -> DemandActivePdu.decodeBody(h, body);
            case ShareControlHeader.PDUTYPE_CONFIRMACTIVEPDU -> ConfirmActivePdu.decodeBody(h, body);
            case ShareControlHeader.PDUTYPE_DEACTIVATEALLPDU -> DeactivateAllPdu.decodeBody(h, body);
            case ShareControlHeader.PDUTYPE_DATAPDU -> DataPdu.decodeBody(h, body);
            case ShareControlHeader.PDUTYPE_SERVER_REDIR_PKT -> new ServerRedirectionPdu(h, rest(body));
            default -> new OtherSharePdu(h, rest(body));
        };
        return pdu;
    }

    static byte[] rest(ByteBuf b) {
        byte[] r = new byte[b.readableBytes()];
        b.readBytes(r);
        return r;
    }

    /** Encodes a share PDU given its type, source and body writer, filling in totalLength. */
    static byte[] encode(int type, int pduSource, java.util.function.Consumer<ByteBuf> body) {
        ByteBuf b = Unpooled.buffer();
        b.writeZero(ShareControlHeader.SIZE);
        body.accept(b);
        int total = b.readableBytes();
        b.setShortLE(0, total).setShortLE(2, ShareControlHeader.TS_PROTOCOL_VERSION | type).setShortLE(4, pduSource);
        return rest(b);
    }
}
