package io.rdpprobe.protocol.krb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;

/**
 * What a KDC answers to an AS-REQ: a {@link KrbError} ([APPLICATION 30]) or an AS-REP ([APPLICATION 11],
 * RFC 4120 5.4.2), of which only the clear fields are read (no key is needed for them). An AS-REP to a
 * request without pre-authentication means the KDC does not require it for this user.
 */
public sealed interface KdcReply {
    record Error(KrbError error) implements KdcReply {}

    /** The clear part of an AS-REP: the client's realm and name, the ticket's and the enc-part's etypes. */
    record AsRep(String crealm, PrincipalName cname, KrbTicket ticket, int encPartEtype) implements KdcReply {}

    /** @throws DecodeException of layer KERBEROS when it is neither, or malformed */
    static KdcReply decode(ByteBuf buf) {
        return decode(ByteBufUtil.getBytes(buf, buf.readerIndex(), buf.readableBytes()));
    }

    static KdcReply decode(byte[] der) {
        ASN1Primitive p = KrbDer.parse(der, "KDC reply");
        if (!(p instanceof ASN1TaggedObject t) || t.getTagClass() != BERTags.APPLICATION) {
            throw DecodeException.unexpected(Layer.KERBEROS, "KDC reply", 0, "not an [APPLICATION n] Kerberos message");
        }
        return switch (t.getTagNo()) {
            case KrbError.MSG_TYPE -> new Error(KrbError.fromAsn1(p));
            case 11 -> {
                Map<Integer, ASN1Primitive> f = KrbDer.fields(KrbDer.application(p, 11, "AS-REP"), "AS-REP");
                Map<Integer, ASN1Primitive> enc = KrbDer.fields(KrbDer.sequence(KrbDer.required(f, 6, "AS-REP.enc-part"), "AS-REP.enc-part"), "EncryptedData");
                yield new AsRep(KrbDer.string(KrbDer.required(f, 3, "AS-REP.crealm"), "AS-REP.crealm"),
                        PrincipalName.decode(KrbDer.required(f, 4, "AS-REP.cname"), "AS-REP.cname"),
                        KrbTicket.fromAsn1(KrbDer.required(f, 5, "AS-REP.ticket")),
                        KrbDer.int32(KrbDer.required(enc, 0, "EncryptedData.etype"), "EncryptedData.etype"));
            }
            default -> throw DecodeException.unexpected(Layer.KERBEROS, "KDC reply", 0,
                    "[APPLICATION " + t.getTagNo() + "] is neither KRB-ERROR (30) nor AS-REP (11)");
        };
    }

    /** RFC 4120 7.2.2: over TCP each message is preceded by its length, 4 bytes big-endian (high bit reserved). */
    static int tcpLength(ByteBuf buf) {
        if (buf.readableBytes() < 4) throw DecodeException.notEnough(Layer.KERBEROS, "TCP record length", buf, 4);
        long n = buf.getUnsignedInt(buf.readerIndex());
        if (n > 1 << 20) {
            throw DecodeException.badLength(Layer.KERBEROS, "TCP record length", buf.readerIndex(),
                    n + " bytes (high bit " + ((n >>> 31) != 0 ? "set: reserved" : "clear") + "); at most 1 MiB accepted");
        }
        return (int) n;
    }
}
