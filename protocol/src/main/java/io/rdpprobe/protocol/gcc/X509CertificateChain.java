package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.ArrayList;
import java.util.List;

/**
 * X.509 certificate chain of SERVER_CERTIFICATE version 2 (MS-RDPBCGR 2.2.1.4.3.1; MS-RDPELE 2.2.1.4.2).
 *
 * <pre>
 * dwVersion u32 | NumCertBlobs u32 | { cbCert u32 | abCert[cbCert] (DER) } x n | padding
 * </pre>
 * The last certificate is the server's (the one holding the key exchange key).
 */
public record X509CertificateChain(int dwVersion, List<byte[]> certificates, byte[] padding) implements ServerCertificate {
    public static final int MAX_CERTS = 32;

    public X509CertificateChain {
        certificates = List.copyOf(certificates);
    }

    static X509CertificateChain decodeBody(int version, ByteBuf b) {
        int at = b.readerIndex();
        long n = Wire.u32le(b, Layer.GCC, "X509_CHAIN.NumCertBlobs");
        if (n < 1 || n > MAX_CERTS || n * 4 > b.readableBytes()) {
            throw DecodeException.badLength(Layer.GCC, "X509_CHAIN.NumCertBlobs", at, n + " certificate(s)");
        }
        List<byte[]> certs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int lenAt = b.readerIndex();
            long len = Wire.u32le(b, Layer.GCC, "X509_CHAIN.cbCert");
            if (len > b.readableBytes()) {
                throw DecodeException.badLength(Layer.GCC, "X509_CHAIN.cbCert", lenAt, len + " > " + b.readableBytes());
            }
            certs.add(Wire.bytes(b, (int) len, Layer.GCC, "X509_CHAIN.abCert"));
        }
        byte[] pad = new byte[b.readableBytes()];
        b.readBytes(pad);
        return new X509CertificateChain(version, certs, pad);
    }

    /** The server's own certificate (the last one). */
    public byte[] leaf() {
        return certificates.get(certificates.size() - 1);
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeIntLE(dwVersion).writeIntLE(certificates.size());
        for (byte[] c : certificates) buf.writeIntLE(c.length).writeBytes(c);
        buf.writeBytes(padding);
    }

    @Override
    public int encodedLength() {
        int n = 8 + padding.length;
        for (byte[] c : certificates) n += 4 + c.length;
        return n;
    }

    @Override
    public String typeLabel() {
        return "X.509";
    }

    @Override
    public int count() {
        return certificates.size();
    }
}
