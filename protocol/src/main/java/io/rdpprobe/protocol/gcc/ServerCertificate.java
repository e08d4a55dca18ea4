package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * SERVER_CERTIFICATE (MS-RDPBCGR 2.2.1.4.3.1): dwVersion u32, whose low 31 bits select a proprietary
 * certificate (CERT_CHAIN_VERSION_1) or an X.509 chain (CERT_CHAIN_VERSION_2), and whose top bit is
 * CERT_TEMPORARILY_ISSUED (clear = permanent).
 */
public sealed interface ServerCertificate permits ProprietaryCertificate, X509CertificateChain {
    int CERT_CHAIN_VERSION_1 = 1;
    int CERT_CHAIN_VERSION_2 = 2;
    int CERT_TEMPORARILY_ISSUED = 0x80000000;

    int dwVersion();

    void encode(ByteBuf buf);

    int encodedLength();

    /** "RSA" for proprietary, "X.509" for a chain (Zeek's cert_type). */
    String typeLabel();

    /** Number of certificates (1 for proprietary). */
    int count();

    default boolean permanent() {
        return (dwVersion() & CERT_TEMPORARILY_ISSUED) == 0;
    }

    /** Decodes a certificate that fills {@code buf} exactly. */
    static ServerCertificate decode(ByteBuf buf) {
        int at = buf.readerIndex();
        int version = Wire.i32le(buf, Layer.GCC, "SERVER_CERTIFICATE.dwVersion");
        ServerCertificate c = switch (version & 0x7FFFFFFF) {
            case CERT_CHAIN_VERSION_1 -> ProprietaryCertificate.decodeBody(version, buf, at);
            case CERT_CHAIN_VERSION_2 -> X509CertificateChain.decodeBody(version, buf);
            default -> throw DecodeException.invalid(Layer.GCC, "SERVER_CERTIFICATE.dwVersion", at,
                    String.format("unknown certificate chain version 0x%08x", version));
        };
        if (buf.isReadable()) {
            throw DecodeException.badLength(Layer.GCC, "SERVER_CERTIFICATE", at, buf.readableBytes() + " byte(s) after the certificate");
        }
        return c;
    }
}
