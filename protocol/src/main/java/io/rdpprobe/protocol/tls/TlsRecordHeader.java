package io.rdpprobe.protocol.tls;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * TLS record header (RFC 5246 6.2.1, RFC 8446 5.1).
 *
 * <pre>
 * | contentType (1) | legacy_record_version (2, BE) | length (2, BE) | fragment ...
 * </pre>
 *
 * @param contentType 20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data, 24 heartbeat
 * @param version     the record version, e.g. 0x0301 for TLS 1.0
 * @param length      fragment length, at most 2^14 + 2048
 */
public record TlsRecordHeader(int contentType, int version, int length) {
    public static final int SIZE = 5;
    public static final int CHANGE_CIPHER_SPEC = 20;
    public static final int ALERT = 21;
    public static final int HANDSHAKE = 22;
    public static final int APPLICATION_DATA = 23;
    public static final int HEARTBEAT = 24;
    public static final int MAX_LENGTH = (1 << 14) + 2048;

    public static TlsRecordHeader decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int type = Wire.u8(buf, Layer.TLS, "record.contentType");
        if (type < CHANGE_CIPHER_SPEC || type > HEARTBEAT) {
            throw DecodeException.unexpected(Layer.TLS, "record.contentType", start, "content type " + type + " is not 20..24");
        }
        int version = Wire.u16be(buf, Layer.TLS, "record.version");
        if ((version >> 8) != 3) {
            throw DecodeException.invalid(Layer.TLS, "record.version", start + 1, String.format("0x%04x is not 3.x", version));
        }
        int length = Wire.u16be(buf, Layer.TLS, "record.length");
        Wire.checkLength(length, 0, MAX_LENGTH, Layer.TLS, "record.length", start + 3);
        return new TlsRecordHeader(type, version, length);
    }

    public void encode(ByteBuf buf) {
        buf.writeByte(contentType).writeShort(version).writeShort(length);
    }

    public int encodedLength() {
        return SIZE;
    }

    public String contentTypeName() {
        return switch (contentType) {
            case CHANGE_CIPHER_SPEC -> "change_cipher_spec";
            case ALERT -> "alert";
            case HANDSHAKE -> "handshake";
            case APPLICATION_DATA -> "application_data";
            case HEARTBEAT -> "heartbeat";
            default -> "content_type(" + contentType + ")";
        };
    }
}
