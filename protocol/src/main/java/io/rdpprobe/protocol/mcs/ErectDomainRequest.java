package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;

/** MCS Erect Domain Request (MS-RDPBCGR 2.2.1.5): {@code 04 01 00 01 00} = subHeight 0, subInterval 0. */
public record ErectDomainRequest(long subHeight, long subInterval) implements DomainPdu {
    static ErectDomainRequest decodeBody(ByteBuf buf) {
        long h = Per.readInteger(buf, Layer.MCS, "erectDomainRequest.subHeight");
        long i = Per.readInteger(buf, Layer.MCS, "erectDomainRequest.subInterval");
        return new ErectDomainRequest(h, i);
    }

    @Override
    public int choice() {
        return CHOICE_ERECT_DOMAIN_REQUEST;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeByte(CHOICE_ERECT_DOMAIN_REQUEST << 2);
        Per.writeInteger(buf, subHeight);
        Per.writeInteger(buf, subInterval);
    }

    @Override
    public int encodedLength() {
        return 1 + Per.integerSize(subHeight) + Per.integerSize(subInterval);
    }
}
