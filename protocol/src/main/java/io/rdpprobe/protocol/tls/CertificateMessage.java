package io.rdpprobe.protocol.tls;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.codec.DecodeException;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificate handshake message body up to TLS 1.2 (RFC 5246 7.4.2), or, with {@link #decodeTls13}, TLS 1.3's
 * (RFC 8446 4.4.2: encrypted, so seen only in a decrypted handshake).
 *
 * <pre>
 * | certificate_list length (3) | { cert length (3) | DER ... } ... |
 * </pre>
 *
 * @param chain DER certificates, the server's own first
 */
public record CertificateMessage(List<byte[]> chain) {
    public CertificateMessage {
        chain = List.copyOf(chain);
    }

    public static CertificateMessage decode(ByteBuf buf) {
        int start = buf.readerIndex();
        Wire.need(buf, 3, Layer.TLS, "certificate.list.length");
        int total = buf.readUnsignedMedium();
        ByteBuf list = Wire.slice(buf, total, Layer.TLS, "certificate.list");
        List<byte[]> certs = new ArrayList<>();
        while (list.isReadable()) {
            Wire.need(list, 3, Layer.TLS, "certificate.length");
            int len = list.readUnsignedMedium();
            if (len == 0) {
                throw DecodeException.badLength(Layer.TLS, "certificate.length", start + 3 + list.readerIndex() - 3, "empty certificate");
            }
            certs.add(Wire.bytes(list, len, Layer.TLS, "certificate.data"));
        }
        if (buf.isReadable()) {
            throw DecodeException.badLength(Layer.TLS, "certificate", buf.readerIndex(), buf.readableBytes() + " trailing byte(s)");
        }
        return new CertificateMessage(certs);
    }

    /**
     * TLS 1.3 Certificate body (RFC 8446 4.4.2); the per-certificate extensions are skipped.
     * <pre>
     * | context length (1) | context | certificate_list length (3) | { cert length (3) | DER | ext length (2) | ext } ... |
     * </pre>
     */
    public static CertificateMessage decodeTls13(ByteBuf buf) {
        Wire.need(buf, 1, Layer.TLS, "certificate.request_context.length");
        int ctx = buf.readUnsignedByte();
        Wire.slice(buf, ctx, Layer.TLS, "certificate.request_context");
        Wire.need(buf, 3, Layer.TLS, "certificate.list.length");
        int total = buf.readUnsignedMedium();
        int listStart = buf.readerIndex();
        ByteBuf list = Wire.slice(buf, total, Layer.TLS, "certificate.list");
        List<byte[]> certs = new ArrayList<>();
        while (list.isReadable()) {
            Wire.need(list, 3, Layer.TLS, "certificate.length");
            int len = list.readUnsignedMedium();
            if (len == 0) {
                throw DecodeException.badLength(Layer.TLS, "certificate.length", listStart + list.readerIndex() - 3, "empty certificate");
            }
            certs.add(Wire.bytes(list, len, Layer.TLS, "certificate.data"));
            Wire.need(list, 2, Layer.TLS, "certificate.extensions.length");
            int ext = list.readUnsignedShort();
            Wire.slice(list, ext, Layer.TLS, "certificate.extensions");
        }
        if (buf.isReadable()) {
            throw DecodeException.badLength(Layer.TLS, "certificate", buf.readerIndex(), buf.readableBytes() + " trailing byte(s)");
        }
        return new CertificateMessage(certs);
    }

    public void encode(ByteBuf buf) {
        int total = 0;
        for (byte[] c : chain) {
            total += 3 + c.length;
        }
        buf.writeMedium(total);
        for (byte[] c : chain) {
            buf.writeMedium(c.length).writeBytes(c);
        }
    }

    public int encodedLength() {
        int total = 3;
        for (byte[] c : chain) {
            total += 3 + c.length;
        }
        return total;
    }
}
