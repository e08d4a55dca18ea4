package io.rdpprobe.protocol.licensing;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.ArrayList;
import java.util.List;

/**
 * SERVER_LICENSE_REQUEST (MS-RDPELE 2.2.2.1), decoded as far as evidence needs.
 *
 * <pre>
 * ServerRandom[32] | ProductInfo {dwVersion u32, cbCompanyName u32, pbCompanyName (UTF-16), cbProductId u32,
 * pbProductId (UTF-16)} | KeyExchangeList (blob) | ServerCertificate (blob) | ScopeCount u32 | ScopeArray (blobs)
 * </pre>
 */
public record LicenseRequest(byte[] serverRandom, int productVersion, String companyName, String productId,
                             List<Integer> keyExchangeAlgorithms, int serverCertificateLength, List<String> scopes) {
    public static final int MAX_STRING = 1024;
    public static final int MAX_SCOPES = 64;

    public LicenseRequest {
        keyExchangeAlgorithms = List.copyOf(keyExchangeAlgorithms);
        scopes = List.copyOf(scopes);
    }

    public boolean serverCertificatePresent() {
        return serverCertificateLength > 0;
    }

    public static LicenseRequest decode(ByteBuf buf) {
        byte[] random = Wire.bytes(buf, 32, Layer.LICENSING, "SERVER_LICENSE_REQUEST.ServerRandom");
        int version = Wire.i32le(buf, Layer.LICENSING, "PRODUCT_INFO.dwVersion");
        String company = string(buf, "PRODUCT_INFO.pbCompanyName");
        String product = string(buf, "PRODUCT_INFO.pbProductId");
        LicenseBinaryBlob kx = LicenseBinaryBlob.decode(buf, "KeyExchangeList");
        List<Integer> algs = new ArrayList<>();
        for (int i = 0; i + 4 <= kx.data().length; i += 4) {
            algs.add((kx.data()[i] & 0xFF) | (kx.data()[i + 1] & 0xFF) << 8 | (kx.data()[i + 2] & 0xFF) << 16
                    | (kx.data()[i + 3] & 0xFF) << 24);
        }
        LicenseBinaryBlob cert = LicenseBinaryBlob.decode(buf, "ServerCertificate");
        int at = buf.readerIndex();
        long count = Wire.u32le(buf, Layer.LICENSING, "SERVER_LICENSE_REQUEST.ScopeCount");
        if (count > MAX_SCOPES || count * 4 > buf.readableBytes()) {
            throw DecodeException.badLength(Layer.LICENSING, "SERVER_LICENSE_REQUEST.ScopeCount", at, count + " scope(s)");
        }
        List<String> scopes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            LicenseBinaryBlob s = LicenseBinaryBlob.decode(buf, "ScopeArray");
            int n = 0;
            while (n < s.data().length && s.data()[n] != 0) n++;
            scopes.add(new String(s.data(), 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return new LicenseRequest(random, version, company, product, algs, cert.data().length, scopes);
    }

    private static String string(ByteBuf buf, String field) {
        int at = buf.readerIndex();
        long n = Wire.u32le(buf, Layer.LICENSING, field + ".cb");
        if (n > MAX_STRING) {
            throw DecodeException.badLength(Layer.LICENSING, field + ".cb", at, n + " > " + MAX_STRING);
        }
        if ((n & 1) != 0) {
            return Wire.asciiz(buf, (int) n, Layer.LICENSING, field);
        }
        return Wire.utf16z(buf, (int) n, Layer.LICENSING, field);
    }

    /** Encodes a request (for test servers). */
    public void encode(ByteBuf buf) {
        buf.writeBytes(serverRandom).writeIntLE(productVersion);
        for (String s : new String[] {companyName, productId}) {
            byte[] b = (s + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
            buf.writeIntLE(b.length).writeBytes(b);
        }
        buf.writeShortLE(LicenseBinaryBlob.BB_KEY_EXCHG_ALG_BLOB).writeShortLE(4 * keyExchangeAlgorithms.size());
        for (int a : keyExchangeAlgorithms) buf.writeIntLE(a);
        buf.writeShortLE(LicenseBinaryBlob.BB_CERTIFICATE_BLOB).writeShortLE(serverCertificateLength).writeZero(serverCertificateLength);
        buf.writeIntLE(scopes.size());
        for (String s : scopes) {
            byte[] b = (s + "\0").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            buf.writeShortLE(LicenseBinaryBlob.BB_SCOPE_BLOB).writeShortLE(b.length).writeBytes(b);
        }
    }
}
