package io.rdpprobe.protocol.credssp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;

/**
 * TSRequest (MS-CSSP 2.2.1), DER, carried directly in TLS application data (no TPKT).
 *
 * <pre>
 * TSRequest ::= SEQUENCE {                      30 L
 *    version     [0] INTEGER,                    A0 03 02 01 vv
 *    negoTokens  [1] NegoData       OPTIONAL,    A1 L 30 L (30 L A0 L 04 L token)*
 *    authInfo    [2] OCTET STRING   OPTIONAL,    A2 L 04 L ...
 *    pubKeyAuth  [3] OCTET STRING   OPTIONAL,    A3 L 04 L ...
 *    errorCode   [4] INTEGER        OPTIONAL,    A4 L 02 n NTSTATUS (signed 32-bit)
 *    clientNonce [5] OCTET STRING   OPTIONAL }   A5 22 04 20 (32 bytes)
 * </pre>
 *
 * Absent optional fields are null; {@code negoTokens} is empty when absent. BouncyCastle parses the DER;
 * every exception it throws is wrapped into a {@link DecodeException} of layer CREDSSP.
 *
 * @param errorCode the NTSTATUS as a raw 32-bit pattern ({@code 0xC000006D}), or null
 */
public record TsRequest(int version, List<byte[]> negoTokens, byte[] authInfo, byte[] pubKeyAuth, Integer errorCode,
                        byte[] clientNonce) {
    /** The highest version this code speaks. */
    public static final int MAX_VERSION = 6;
    /** Frames larger than this are refused (a TSRequest is a few KiB at most). */
    public static final int MAX_FRAME = 64 * 1024;
    public static final int NEED_MORE = -1;

    public TsRequest {
        negoTokens = negoTokens == null ? List.of() : negoTokens.stream().map(byte[]::clone).toList();
        authInfo = authInfo == null ? null : authInfo.clone();
        pubKeyAuth = pubKeyAuth == null ? null : pubKeyAuth.clone();
        clientNonce = clientNonce == null ? null : clientNonce.clone();
    }

    public static TsRequest ofToken(int version, byte[] token) {
        return new TsRequest(version, List.of(token), null, null, null, null);
    }

    @Override public List<byte[]> negoTokens() { return negoTokens.stream().map(byte[]::clone).toList(); }
    @Override public byte[] authInfo() { return authInfo == null ? null : authInfo.clone(); }
    @Override public byte[] pubKeyAuth() { return pubKeyAuth == null ? null : pubKeyAuth.clone(); }
    @Override public byte[] clientNonce() { return clientNonce == null ? null : clientNonce.clone(); }

    /** The first negoToken, or null. */
    public byte[] firstToken() {
        return negoTokens.isEmpty() ? null : negoTokens.get(0).clone();
    }

    public TsRequest withVersion(int v) {
        return new TsRequest(v, negoTokens, authInfo, pubKeyAuth, errorCode, clientNonce);
    }

    /**
     * Length of the whole TSRequest at the reader index once its DER header is readable, else
     * {@link #NEED_MORE}. Does not consume; the caller waits until that many bytes are readable.
     *
     * @throws DecodeException if the first byte is not 0x30 (SEQUENCE), the length is indefinite or longer
     *                         than 4 bytes, or the frame would exceed {@link #MAX_FRAME}
     */
    public static int frameLength(ByteBuf buf) {
        int i = buf.readerIndex();
        int n = buf.readableBytes();
        if (n < 1) {
            return NEED_MORE;
        }
        int tag = buf.getUnsignedByte(i);
        if (tag != 0x30) {
            throw DecodeException.unexpected(Layer.CREDSSP, "TSRequest tag", i,
                    String.format("expected SEQUENCE 0x30, got 0x%02x", tag));
        }
        if (n < 2) {
            return NEED_MORE;
        }
        int l0 = buf.getUnsignedByte(i + 1);
        long len;
        int hdr;
        if (l0 < 0x80) {
            len = l0;
            hdr = 2;
        } else {
            int k = l0 & 0x7F;
            if (k == 0) {
                throw DecodeException.badLength(Layer.CREDSSP, "TSRequest length", i + 1, "indefinite length is not DER");
            }
            if (k > 4) {
                throw DecodeException.badLength(Layer.CREDSSP, "TSRequest length", i + 1, k + " length bytes");
            }
            if (n < 2 + k) {
                return NEED_MORE;
            }
            len = 0;
            for (int j = 0; j < k; j++) {
                len = (len << 8) | buf.getUnsignedByte(i + 2 + j);
            }
            hdr = 2 + k;
        }
        long total = hdr + len;
        if (total > MAX_FRAME) {
            throw DecodeException.badLength(Layer.CREDSSP, "TSRequest length", i + 1,
                    "frame of " + total + " bytes exceeds " + MAX_FRAME);
        }
        return (int) total;
    }

    /**
     * Decodes one TSRequest at the reader index and consumes exactly its bytes.
     *
     * @throws DecodeException on truncated or malformed input
     */
    public static TsRequest decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int len = frameLength(buf);
        if (len == NEED_MORE) {
            throw DecodeException.notEnough(Layer.CREDSSP, "TSRequest header", buf, 2);
        }
        byte[] der = Wire.bytes(buf, len, Layer.CREDSSP, "TSRequest");
        try {
            return fromDer(der);
        } catch (DecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DecodeException(Layer.CREDSSP, DecodeException.Kind.INVALID_FIELD, "TSRequest", start,
                    "malformed DER: " + e.getMessage(), Arrays.copyOf(der, Math.min(der.length, DecodeException.MAX_CONTEXT_BYTES)));
        }
    }

    public static TsRequest decode(byte[] der) {
        ByteBuf b = Unpooled.wrappedBuffer(der);
        TsRequest r = decode(b);
        if (b.isReadable()) {
            throw DecodeException.badLength(Layer.CREDSSP, "TSRequest", b.readerIndex(),
                    b.readableBytes() + " byte(s) after the TSRequest");
        }
        return r;
    }

    private static TsRequest fromDer(byte[] der) throws IOException {
        DerCheck.check(der, Layer.CREDSSP, "TSRequest");
        ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
        Integer version = null;
        List<byte[]> tokens = new ArrayList<>();
        byte[] authInfo = null;
        byte[] pubKeyAuth = null;
        Integer errorCode = null;
        byte[] nonce = null;
        int lastTag = -1;
        for (ASN1Encodable e : seq) {
            ASN1TaggedObject t = tagged(e, "TSRequest element");
            int tag = t.getTagNo();
            if (tag <= lastTag) {
                throw DecodeException.invalid(Layer.CREDSSP, "TSRequest [" + tag + "]", 0,
                        "fields out of order or repeated");
            }
            lastTag = tag;
            ASN1Encodable base = t.getExplicitBaseObject();
            switch (tag) {
                case 0 -> version = int32(base, "TSRequest.version", false);
                case 1 -> {
                    for (ASN1Encodable item : ASN1Sequence.getInstance(base)) {
                        ASN1Sequence nd = ASN1Sequence.getInstance(item);
                        if (nd.size() < 1) {
                            throw DecodeException.invalid(Layer.CREDSSP, "TSRequest.negoTokens", 0, "empty NegoData item");
                        }
                        ASN1TaggedObject nt = tagged(nd.getObjectAt(0), "NegoData.negoToken");
                        if (nt.getTagNo() != 0) {
                            throw DecodeException.invalid(Layer.CREDSSP, "NegoData.negoToken", 0, "expected [0]");
                        }
                        tokens.add(ASN1OctetString.getInstance(nt.getExplicitBaseObject()).getOctets());
                    }
                }
                case 2 -> authInfo = ASN1OctetString.getInstance(base).getOctets();
                case 3 -> pubKeyAuth = ASN1OctetString.getInstance(base).getOctets();
                case 4 -> errorCode = int32(base, "TSRequest.errorCode", true);
                case 5 -> nonce = ASN1OctetString.getInstance(base).getOctets();
                default -> {
                    // a later version's field: ignored
                }
            }
        }
        if (version == null) {
            throw DecodeException.invalid(Layer.CREDSSP, "TSRequest.version", 0, "missing");
        }
        return new TsRequest(version, tokens, authInfo, pubKeyAuth, errorCode, nonce);
    }

    private static ASN1TaggedObject tagged(ASN1Encodable e, String field) {
        if (!(e instanceof ASN1TaggedObject t) || t.getTagClass() != BERTags.CONTEXT_SPECIFIC || !t.isExplicit()) {
            throw DecodeException.unexpected(Layer.CREDSSP, field, 0, "expected an explicit context-specific tag");
        }
        return t;
    }

    /** An INTEGER as 32 bits; {@code allowUnsigned32} accepts 0x80000000..0xFFFFFFFF encoded as positive. */
    private static int int32(ASN1Encodable base, String field, boolean allowUnsigned32) {
        BigInteger v = ASN1Integer.getInstance(base).getValue();
        int max = allowUnsigned32 && v.signum() > 0 ? 32 : 31;
        if (v.bitLength() > max) {
            throw DecodeException.invalid(Layer.CREDSSP, field, 0, "value " + v + " does not fit 32 bits");
        }
        return v.intValue();
    }

    /** The DER bytes. */
    public byte[] toBytes() {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new DERTaggedObject(true, 0, new ASN1Integer(version)));
        if (!negoTokens.isEmpty()) {
            ASN1EncodableVector nd = new ASN1EncodableVector();
            for (byte[] t : negoTokens) {
                nd.add(new DERSequence(new DERTaggedObject(true, 0, new DEROctetString(t))));
            }
            v.add(new DERTaggedObject(true, 1, new DERSequence(nd)));
        }
        if (authInfo != null) {
            v.add(new DERTaggedObject(true, 2, new DEROctetString(authInfo)));
        }
        if (pubKeyAuth != null) {
            v.add(new DERTaggedObject(true, 3, new DEROctetString(pubKeyAuth)));
        }
        if (errorCode != null) {
            v.add(new DERTaggedObject(true, 4, new ASN1Integer(errorCode)));
        }
        if (clientNonce != null) {
            v.add(new DERTaggedObject(true, 5, new DEROctetString(clientNonce)));
        }
        try {
            return new DERSequence(v).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void encode(ByteBuf buf) {
        buf.writeBytes(toBytes());
    }

    public int encodedLength() {
        return toBytes().length;
    }

    /** The errorCode as an {@link NtStatus}, or null. */
    public NtStatus status() {
        return errorCode == null ? null : new NtStatus(errorCode);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TsRequest r) || r.version != version || !Objects.equals(r.errorCode, errorCode)
                || r.negoTokens.size() != negoTokens.size()) {
            return false;
        }
        for (int i = 0; i < negoTokens.size(); i++) {
            if (!Arrays.equals(negoTokens.get(i), r.negoTokens.get(i))) {
                return false;
            }
        }
        return Arrays.equals(authInfo, r.authInfo) && Arrays.equals(pubKeyAuth, r.pubKeyAuth)
                && Arrays.equals(clientNonce, r.clientNonce);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, errorCode, negoTokens.size(), Arrays.hashCode(pubKeyAuth));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TSRequest[version=").append(version);
        for (byte[] t : negoTokens) {
            sb.append(", negoToken=").append(t.length).append('B');
        }
        if (authInfo != null) sb.append(", authInfo=").append(authInfo.length).append('B');
        if (pubKeyAuth != null) sb.append(", pubKeyAuth=").append(pubKeyAuth.length).append('B');
        if (errorCode != null) sb.append(", errorCode=").append(new NtStatus(errorCode));
        if (clientNonce != null) sb.append(", clientNonce=").append(Wire.hex(clientNonce));
        return sb.append(']').toString();
    }
}
