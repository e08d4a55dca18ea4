package io.rdpprobe.protocol.spnego;

import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.ntlm.NtlmMessages;
import java.io.IOException;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;

/**
 * SPNEGO (RFC 4178, MS-SPNG) helpers: what a CredSSP negoToken holds (protocol-notes 4.5) and the OIDs.
 */
public final class Spnego {
    public static final String OID_SPNEGO = "1.3.6.1.5.5.2";
    public static final String OID_NTLMSSP = "1.3.6.1.4.1.311.2.2.10";
    public static final String OID_KERBEROS = "1.2.840.113554.1.2.2";
    public static final String OID_MS_KERBEROS = "1.2.840.48018.1.2.2";
    public static final String OID_NEGOEX = "1.3.6.1.4.1.311.2.2.30";

    /** What a negoToken contains. */
    public enum TokenKind {
        /** "NTLMSSP\0": a raw NTLM message. */
        RAW_NTLM,
        /** 0x60: GSS InitialContextToken with NegTokenInit. */
        NEG_TOKEN_INIT,
        /** 0xA1: NegTokenResp. */
        NEG_TOKEN_RESP,
        UNKNOWN
    }

    private Spnego() {}

    public static TokenKind detect(byte[] token) {
        if (token == null || token.length == 0) {
            return TokenKind.UNKNOWN;
        }
        if (NtlmMessages.isNtlm(token)) {
            return TokenKind.RAW_NTLM;
        }
        return switch (token[0] & 0xFF) {
            case 0x60 -> TokenKind.NEG_TOKEN_INIT;
            case 0xA1 -> TokenKind.NEG_TOKEN_RESP;
            default -> TokenKind.UNKNOWN;
        };
    }

    /** A readable name for a mechanism OID. */
    public static String mechName(String oid) {
        return switch (oid) {
            case OID_NTLMSSP -> "NTLMSSP";
            case OID_KERBEROS -> "Kerberos";
            case OID_MS_KERBEROS -> "MS-Kerberos";
            case OID_NEGOEX -> "NegoEx";
            case OID_SPNEGO -> "SPNEGO";
            default -> oid;
        };
    }

    /**
     * The NTLM message inside a negoToken: the token itself when raw, else the mechToken/responseToken of
     * the SPNEGO wrapper; null when the SPNEGO token carries none.
     */
    public static byte[] innerToken(byte[] token) {
        return switch (detect(token)) {
            case RAW_NTLM -> token.clone();
            case NEG_TOKEN_INIT -> NegTokenInit.decode(token).mechToken();
            case NEG_TOKEN_RESP -> NegTokenResp.decode(token).responseToken();
            case UNKNOWN -> throw DecodeException.unexpected(Layer.SPNEGO, "negoToken", 0, String.format(
                    "neither NTLMSSP nor SPNEGO (first byte 0x%02x)", token.length == 0 ? 0 : token[0] & 0xFF));
        };
    }

    /** Parses one whole DER value; BouncyCastle exceptions become DecodeException(SPNEGO). */
    static ASN1Primitive parse(byte[] der, String field) {
        io.rdpprobe.protocol.credssp.DerCheck.check(der, Layer.SPNEGO, field);
        try {
            return ASN1Primitive.fromByteArray(der);
        } catch (IOException | RuntimeException e) {
            throw new DecodeException(Layer.SPNEGO, DecodeException.Kind.INVALID_FIELD, field, 0,
                    "malformed DER: " + e.getMessage(), Arrays.copyOf(der, Math.min(der.length, 32)));
        }
    }

    static ASN1TaggedObject contextTag(ASN1Encodable e, String field) {
        if (!(e instanceof ASN1TaggedObject t) || t.getTagClass() != BERTags.CONTEXT_SPECIFIC) {
            throw DecodeException.unexpected(Layer.SPNEGO, field, 0, "expected a context-specific tag");
        }
        return t;
    }
}
