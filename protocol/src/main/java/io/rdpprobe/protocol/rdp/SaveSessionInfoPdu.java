package io.rdpprobe.protocol.rdp;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * Save Session Info PDU body (MS-RDPBCGR 2.2.10.1.1): infoType u32 and, for INFOTYPE_LOGON_EXTENDED_INFO,
 * the logon errors (2.2.10.1.1.4: Length u16, FieldsPresent u32, [autoReconnect field], [logon errors field:
 * cbFieldData u32, ErrorNotificationType u32, ErrorNotificationData u32]).
 *
 * @param errorNotificationType null unless LOGON_EX_LOGONERRORS was present
 */
public record SaveSessionInfoPdu(int infoType, Integer errorNotificationType, Integer errorNotificationData) {
    public static final int INFOTYPE_LOGON = 0;
    public static final int INFOTYPE_LOGON_LONG = 1;
    public static final int INFOTYPE_LOGON_PLAINNOTIFY = 2;
    public static final int INFOTYPE_LOGON_EXTENDED_INFO = 3;
    public static final int LOGON_EX_AUTORECONNECTCOOKIE = 0x1;
    public static final int LOGON_EX_LOGONERRORS = 0x2;

    public static SaveSessionInfoPdu decode(ByteBuf b) {
        int type = Wire.i32le(b, Layer.SHARE, "TS_SAVE_SESSION_INFO_PDU_DATA.infoType");
        if (type != INFOTYPE_LOGON_EXTENDED_INFO) {
            return new SaveSessionInfoPdu(type, null, null);
        }
        Wire.u16le(b, Layer.SHARE, "TS_LOGON_INFO_EXTENDED.Length");
        int fields = Wire.i32le(b, Layer.SHARE, "TS_LOGON_INFO_EXTENDED.FieldsPresent");
        if ((fields & LOGON_EX_AUTORECONNECTCOOKIE) != 0) {
            int at = b.readerIndex();
            long cb = Wire.u32le(b, Layer.SHARE, "LogonFields.cbFieldData");
            if (cb > b.readableBytes()) {
                throw DecodeException.badLength(Layer.SHARE, "LogonFields.cbFieldData", at, cb + " > " + b.readableBytes());
            }
            b.skipBytes((int) cb);
        }
        if ((fields & LOGON_EX_LOGONERRORS) != 0) {
            Wire.u32le(b, Layer.SHARE, "LogonFields.cbFieldData");
            int t = Wire.i32le(b, Layer.SHARE, "TS_LOGON_ERRORS_INFO.ErrorNotificationType");
            int d = Wire.i32le(b, Layer.SHARE, "TS_LOGON_ERRORS_INFO.ErrorNotificationData");
            return new SaveSessionInfoPdu(type, t, d);
        }
        return new SaveSessionInfoPdu(type, null, null);
    }

    public String infoTypeName() {
        return switch (infoType) {
            case 0 -> "INFOTYPE_LOGON";
            case 1 -> "INFOTYPE_LOGON_LONG";
            case 2 -> "INFOTYPE_LOGON_PLAINNOTIFY";
            case 3 -> "INFOTYPE_LOGON_EXTENDED_INFO";
            default -> String.format("UNKNOWN(0x%x)", infoType);
        };
    }

    public String errorNotificationTypeName() {
        if (errorNotificationType == null) return null;
        return switch (errorNotificationType) {
            case 0 -> "LOGON_FAILED_BAD_PASSWORD";
            case 1 -> "LOGON_FAILED_UPDATE_PASSWORD";
            case 2 -> "LOGON_FAILED_OTHER";
            case 3 -> "LOGON_WARNING";
            default -> String.format("UNKNOWN(0x%x)", errorNotificationType);
        };
    }

    public String errorNotificationDataName() {
        if (errorNotificationData == null) return null;
        return switch (errorNotificationData) {
            case 0xFFFFFFF8 -> "LOGON_MSG_SESSION_BUSY_OPTIONS";
            case 0xFFFFFFF9 -> "LOGON_MSG_DISCONNECT_REFUSED";
            case 0xFFFFFFFA -> "LOGON_MSG_NO_PERMISSION";
            case 0xFFFFFFFB -> "LOGON_MSG_BUMP_OPTIONS";
            case 0xFFFFFFFC -> "LOGON_MSG_RECONNECT_OPTIONS";
            case 0xFFFFFFFD -> "LOGON_MSG_SESSION_TERMINATE";
            case 0xFFFFFFFE -> "LOGON_MSG_SESSION_CONTINUE";
            default -> String.format("0x%08X", errorNotificationData);
        };
    }

    /** A logon-errors body (for test servers). */
    public static byte[] logonErrors(int type, int data) {
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
        b.writeIntLE(INFOTYPE_LOGON_EXTENDED_INFO).writeShortLE(2 + 4 + 4 + 8).writeIntLE(LOGON_EX_LOGONERRORS)
                .writeIntLE(8).writeIntLE(type).writeIntLE(data).writeZero(570);
        return SharePdu.rest(b);
    }
}
