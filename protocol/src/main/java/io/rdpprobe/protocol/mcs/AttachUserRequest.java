package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;

/** MCS Attach User Request (MS-RDPBCGR 2.2.1.6): the single byte {@code 28}. */
public record AttachUserRequest() implements DomainPdu {
    @Override
    public int choice() {
        return CHOICE_ATTACH_USER_REQUEST;
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeByte(CHOICE_ATTACH_USER_REQUEST << 2);
    }

    @Override
    public int encodedLength() {
        return 1;
    }
}
