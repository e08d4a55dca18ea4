package io.rdpprobe.protocol.licensing;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * LICENSE_ERROR_MESSAGE (MS-RDPBCGR 2.2.1.12.1.3): {@code dwErrorCode u32 | dwStateTransition u32 | bbErrorInfo blob}.
 * The "Valid Client" message is STATUS_VALID_CLIENT + ST_NO_TRANSITION + an empty BB_ERROR_BLOB.
 */
public record LicenseErrorMessage(LicenseErrorCode errorCode, StateTransition stateTransition, LicenseBinaryBlob errorInfo) {

    public static LicenseErrorMessage validClient() {
        return new LicenseErrorMessage(LicenseErrorCode.STATUS_VALID_CLIENT, StateTransition.ST_NO_TRANSITION,
                new LicenseBinaryBlob(LicenseBinaryBlob.BB_ERROR_BLOB, new byte[0]));
    }

    public static LicenseErrorMessage decode(ByteBuf buf) {
        LicenseErrorCode code = new LicenseErrorCode(Wire.i32le(buf, Layer.LICENSING, "LICENSE_ERROR_MESSAGE.dwErrorCode"));
        StateTransition st = new StateTransition(Wire.i32le(buf, Layer.LICENSING, "LICENSE_ERROR_MESSAGE.dwStateTransition"));
        LicenseBinaryBlob blob = LicenseBinaryBlob.decode(buf, "LICENSE_ERROR_MESSAGE.bbErrorInfo");
        return new LicenseErrorMessage(code, st, blob);
    }

    public boolean isValidClient() {
        return errorCode.isValidClient() && stateTransition.value() == StateTransition.ST_NO_TRANSITION.value();
    }

    public void encode(ByteBuf buf) {
        buf.writeIntLE(errorCode.value()).writeIntLE(stateTransition.value());
        errorInfo.encode(buf);
    }

    public int encodedLength() {
        return 8 + errorInfo.encodedLength();
    }
}
