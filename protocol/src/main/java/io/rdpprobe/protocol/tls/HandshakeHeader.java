package io.rdpprobe.protocol.tls;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * Handshake message header (RFC 5246 7.4, RFC 8446 4). Handshake messages may span several records or share one.
 *
 * <pre>
 * | msg_type (1) | length (3, BE) | body ...
 * </pre>
 */
public record HandshakeHeader(int type, int length) {
    public static final int SIZE = 4;
    public static final int CLIENT_HELLO = 1;
    public static final int SERVER_HELLO = 2;
    public static final int NEW_SESSION_TICKET = 4;
    public static final int ENCRYPTED_EXTENSIONS = 8;
    public static final int CERTIFICATE = 11;
    public static final int SERVER_KEY_EXCHANGE = 12;
    public static final int CERTIFICATE_REQUEST = 13;
    public static final int SERVER_HELLO_DONE = 14;
    public static final int CERTIFICATE_VERIFY = 15;
    public static final int CLIENT_KEY_EXCHANGE = 16;
    public static final int FINISHED = 20;
    /** Largest handshake message this codec accepts (certificate chains of RDP servers are a few KB). */
    public static final int MAX_LENGTH = 1 << 18;

    public static HandshakeHeader decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int type = Wire.u8(buf, Layer.TLS, "handshake.msg_type");
        Wire.need(buf, 3, Layer.TLS, "handshake.length");
        int length = buf.readUnsignedMedium();
        Wire.checkLength(length, 0, MAX_LENGTH, Layer.TLS, "handshake.length", start + 1);
        return new HandshakeHeader(type, length);
    }

    public void encode(ByteBuf buf) {
        buf.writeByte(type).writeMedium(length);
    }

    public int encodedLength() {
        return SIZE;
    }

    /**
     * The message's name as RFC 8446 / RFC 5246 name its structure ({@code ClientHello}, {@code ServerHelloDone},
     * ...): how a transcript or a capture names the PDU. Unknown types are {@code handshake(N)}.
     */
    public static String messageName(int type) {
        return switch (type) {
            case 0 -> "HelloRequest";
            case CLIENT_HELLO -> "ClientHello";
            case SERVER_HELLO -> "ServerHello";
            case NEW_SESSION_TICKET -> "NewSessionTicket";
            case ENCRYPTED_EXTENSIONS -> "EncryptedExtensions";
            case CERTIFICATE -> "Certificate";
            case SERVER_KEY_EXCHANGE -> "ServerKeyExchange";
            case CERTIFICATE_REQUEST -> "CertificateRequest";
            case SERVER_HELLO_DONE -> "ServerHelloDone";
            case CERTIFICATE_VERIFY -> "CertificateVerify";
            case CLIENT_KEY_EXCHANGE -> "ClientKeyExchange";
            case FINISHED -> "Finished";
            default -> "handshake(" + type + ")";
        };
    }

    public static String typeName(int type) {
        return switch (type) {
            case 0 -> "hello_request";
            case CLIENT_HELLO -> "client_hello";
            case SERVER_HELLO -> "server_hello";
            case NEW_SESSION_TICKET -> "new_session_ticket";
            case ENCRYPTED_EXTENSIONS -> "encrypted_extensions";
            case CERTIFICATE -> "certificate";
            case SERVER_KEY_EXCHANGE -> "server_key_exchange";
            case CERTIFICATE_REQUEST -> "certificate_request";
            case SERVER_HELLO_DONE -> "server_hello_done";
            case CERTIFICATE_VERIFY -> "certificate_verify";
            case CLIENT_KEY_EXCHANGE -> "client_key_exchange";
            case FINISHED -> "finished";
            default -> "handshake_type(" + type + ")";
        };
    }
}
