package io.rdpprobe.protocol.krb;

import java.util.Map;
import org.bouncycastle.asn1.ASN1Primitive;

/**
 * The clear fields of a Ticket (RFC 4120 5.3): {@code [APPLICATION 1] SEQUENCE { tkt-vno [0] 5, realm [1],
 * sname [2] PrincipalName, enc-part [3] EncryptedData { etype [0], kvno [1] OPTIONAL, cipher [2] } }}: the
 * service's realm and name, and the etype and key version of the service key that encrypts it.
 */
public record KrbTicket(String realm, PrincipalName sname, int etype, Integer kvno) {
    public static KrbTicket decode(byte[] der) {
        return fromAsn1(KrbDer.parse(der, "Ticket"));
    }

    static KrbTicket fromAsn1(ASN1Primitive p) {
        Map<Integer, ASN1Primitive> f = KrbDer.fields(KrbDer.application(p, 1, "Ticket"), "Ticket");
        Map<Integer, ASN1Primitive> enc = KrbDer.fields(KrbDer.sequence(KrbDer.required(f, 3, "Ticket.enc-part"), "Ticket.enc-part"), "Ticket.enc-part");
        return new KrbTicket(KrbDer.string(KrbDer.required(f, 1, "Ticket.realm"), "Ticket.realm"),
                PrincipalName.decode(KrbDer.required(f, 2, "Ticket.sname"), "Ticket.sname"),
                KrbDer.int32(KrbDer.required(enc, 0, "Ticket.enc-part.etype"), "Ticket.enc-part.etype"),
                KrbDer.optInt32(enc, 1, "Ticket.enc-part.kvno"));
    }
}
