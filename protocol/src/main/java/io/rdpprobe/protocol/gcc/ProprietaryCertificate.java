package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * PROPRIETARYSERVERCERTIFICATE (MS-RDPBCGR 2.2.1.4.3.1.1).
 *
 * <pre>
 * dwVersion u32 | dwSigAlgId u32 (1) | dwKeyAlgId u32 (1) | wPublicKeyBlobType u16 (0x0006) |
 * wPublicKeyBlobLen u16 | RSA_PUBLIC_KEY | wSignatureBlobType u16 (0x0008) | wSignatureBlobLen u16 | signature
 * </pre>
 *
 * @param signedData the bytes the signature covers (dwVersion through the public key blob, 5.3.3.1.1)
 */
public record ProprietaryCertificate(int dwVersion, int sigAlgId, int keyAlgId, int publicKeyBlobType,
                                     RsaPublicKey publicKey, int signatureBlobType, byte[] signature,
                                     byte[] signedData) implements ServerCertificate {
    public static final int SIGNATURE_ALG_RSA = 1;
    public static final int KEY_EXCHANGE_ALG_RSA = 1;
    public static final int BB_RSA_KEY_BLOB = 0x0006;
    public static final int BB_RSA_SIGNATURE_BLOB = 0x0008;

    static ProprietaryCertificate decodeBody(int version, ByteBuf b, int start) {
        int sig = Wire.i32le(b, Layer.GCC, "PROPRIETARY_CERT.dwSigAlgId");
        int key = Wire.i32le(b, Layer.GCC, "PROPRIETARY_CERT.dwKeyAlgId");
        int blobType = Wire.u16le(b, Layer.GCC, "PROPRIETARY_CERT.wPublicKeyBlobType");
        int lenAt = b.readerIndex();
        int blobLen = Wire.u16le(b, Layer.GCC, "PROPRIETARY_CERT.wPublicKeyBlobLen");
        if (blobLen > b.readableBytes()) {
            throw DecodeException.badLength(Layer.GCC, "PROPRIETARY_CERT.wPublicKeyBlobLen", lenAt,
                    blobLen + " > " + b.readableBytes() + " byte(s) left");
        }
        ByteBuf blob = b.readSlice(blobLen);
        RsaPublicKey pk = RsaPublicKey.decode(blob);
        if (blob.isReadable()) {
            throw DecodeException.badLength(Layer.GCC, "PROPRIETARY_CERT.wPublicKeyBlobLen", lenAt,
                    blob.readableBytes() + " byte(s) after the RSA key");
        }
        byte[] signed = ByteBufUtil.getBytes(b, start, b.readerIndex() - start);
        int sigType = Wire.u16le(b, Layer.GCC, "PROPRIETARY_CERT.wSignatureBlobType");
        int sigLenAt = b.readerIndex();
        int sigLen = Wire.u16le(b, Layer.GCC, "PROPRIETARY_CERT.wSignatureBlobLen");
        if (sigLen > b.readableBytes()) {
            throw DecodeException.badLength(Layer.GCC, "PROPRIETARY_CERT.wSignatureBlobLen", sigLenAt,
                    sigLen + " > " + b.readableBytes() + " byte(s) left");
        }
        byte[] signature = Wire.bytes(b, sigLen, Layer.GCC, "PROPRIETARY_CERT.SignatureBlob");
        return new ProprietaryCertificate(version, sig, key, blobType, pk, sigType, signature, signed);
    }

    /** Builds a certificate and its signedData from parts (the signature is supplied by the caller). */
    public static ProprietaryCertificate of(boolean permanent, RsaPublicKey key, byte[] signature) {
        int version = CERT_CHAIN_VERSION_1 | (permanent ? 0 : CERT_TEMPORARILY_ISSUED);
        ByteBuf b = io.netty.buffer.Unpooled.buffer();
        b.writeIntLE(version).writeIntLE(SIGNATURE_ALG_RSA).writeIntLE(KEY_EXCHANGE_ALG_RSA)
                .writeShortLE(BB_RSA_KEY_BLOB).writeShortLE(key.encodedLength());
        key.encode(b);
        byte[] signed = ByteBufUtil.getBytes(b);
        return new ProprietaryCertificate(version, SIGNATURE_ALG_RSA, KEY_EXCHANGE_ALG_RSA, BB_RSA_KEY_BLOB, key,
                BB_RSA_SIGNATURE_BLOB, signature, signed);
    }

    public ProprietaryCertificate withSignature(byte[] sig) {
        return new ProprietaryCertificate(dwVersion, sigAlgId, keyAlgId, publicKeyBlobType, publicKey, signatureBlobType, sig, signedData);
    }

    @Override
    public void encode(ByteBuf buf) {
        buf.writeIntLE(dwVersion).writeIntLE(sigAlgId).writeIntLE(keyAlgId).writeShortLE(publicKeyBlobType)
                .writeShortLE(publicKey.encodedLength());
        publicKey.encode(buf);
        buf.writeShortLE(signatureBlobType).writeShortLE(signature.length).writeBytes(signature);
    }

    @Override
    public int encodedLength() {
        return 16 + publicKey.encodedLength() + 4 + signature.length;
    }

    @Override
    public String typeLabel() {
        return "RSA";
    }

    @Override
    public int count() {
        return 1;
    }
}
