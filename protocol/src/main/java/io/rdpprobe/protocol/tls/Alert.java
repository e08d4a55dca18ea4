package io.rdpprobe.protocol.tls;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * TLS Alert (RFC 5246 7.2, RFC 8446 6). Only meaningful in clear, i.e. before ChangeCipherSpec.
 *
 * <pre>
 * | level (1): 1 warning, 2 fatal | description (1) |
 * </pre>
 */
public record Alert(int level, int description) {
    public static final int SIZE = 2;
    public static final int WARNING = 1;
    public static final int FATAL = 2;

    public static Alert decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int level = Wire.u8(buf, Layer.TLS, "alert.level");
        int desc = Wire.u8(buf, Layer.TLS, "alert.description");
        if (level != WARNING && level != FATAL) {
            throw DecodeException.invalid(Layer.TLS, "alert.level", start, "level " + level + " is neither 1 nor 2");
        }
        return new Alert(level, desc);
    }

    public void encode(ByteBuf buf) {
        buf.writeByte(level).writeByte(description);
    }

    public int encodedLength() {
        return SIZE;
    }

    public String levelName() {
        return level == WARNING ? "warning" : level == FATAL ? "fatal" : "level(" + level + ")";
    }

    /** The RFC name (e.g. {@code handshake_failure}), or {@code UNKNOWN(n)}. */
    public String descriptionName() {
        return switch (description) {
            case 0 -> "close_notify";
            case 10 -> "unexpected_message";
            case 20 -> "bad_record_mac";
            case 21 -> "decryption_failed";
            case 22 -> "record_overflow";
            case 30 -> "decompression_failure";
            case 40 -> "handshake_failure";
            case 41 -> "no_certificate";
            case 42 -> "bad_certificate";
            case 43 -> "unsupported_certificate";
            case 44 -> "certificate_revoked";
            case 45 -> "certificate_expired";
            case 46 -> "certificate_unknown";
            case 47 -> "illegal_parameter";
            case 48 -> "unknown_ca";
            case 49 -> "access_denied";
            case 50 -> "decode_error";
            case 51 -> "decrypt_error";
            case 60 -> "export_restriction";
            case 70 -> "protocol_version";
            case 71 -> "insufficient_security";
            case 80 -> "internal_error";
            case 86 -> "inappropriate_fallback";
            case 90 -> "user_canceled";
            case 100 -> "no_renegotiation";
            case 109 -> "missing_extension";
            case 110 -> "unsupported_extension";
            case 112 -> "unrecognized_name";
            case 113 -> "bad_certificate_status_response";
            case 115 -> "unknown_psk_identity";
            case 116 -> "certificate_required";
            case 120 -> "no_application_protocol";
            default -> "UNKNOWN(" + description + ")";
        };
    }

    @Override
    public String toString() {
        return levelName() + " " + descriptionName();
    }
}
