package io.rdpprobe.protocol.credssp;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * Early User Authorization Result PDU (MS-RDPBCGR 2.2.10.2), sent by the server after CredSSP when
 * HYBRID_EX was selected: {@code | authzResult u32 LE |}. Open: unknown values print as UNKNOWN(0x..).
 */
public record EarlyUserAuthResult(int value) {
    public static final int SIZE = 4;
    public static final EarlyUserAuthResult AUTHZ_SUCCESS = new EarlyUserAuthResult(0x00000000);
    public static final EarlyUserAuthResult AUTHZ_ACCESS_DENIED = new EarlyUserAuthResult(0x00000005);

    public static EarlyUserAuthResult decode(ByteBuf buf) {
        return new EarlyUserAuthResult(Wire.i32le(buf, Layer.CREDSSP, "EarlyUserAuthResult.authzResult"));
    }

    public void encode(ByteBuf buf) {
        buf.writeIntLE(value);
    }

    public int encodedLength() {
        return SIZE;
    }

    public boolean isSuccess() {
        return value == 0;
    }

    public String name() {
        return switch (value) {
            case 0 -> "AUTHZ_SUCCESS";
            case 5 -> "AUTHZ_ACCESS_DENIED";
            default -> String.format("UNKNOWN(0x%08x)", value);
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
