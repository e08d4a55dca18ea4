package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;

/** Any other DomainMCSPDU: the first byte and the remaining bytes, kept raw. */
public record OtherDomainPdu(int firstByte, byte[] body) implements DomainPdu {
    static OtherDomainPdu decodeBody(int b0, ByteBuf buf) {
        byte[] rest = new byte[buf.readableBytes()];
        buf.readBytes(rest);
        return new OtherDomainPdu(b0, rest);
    }

    @Override
    public int choice() {
        return firstByte >> 2;
    }

    public String name() {
        return DomainPdu.choiceName(choice());
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeByte(firstByte).writeBytes(body);
    }

    @Override
    public int encodedLength() {
        return 1 + body.length;
    }
}
