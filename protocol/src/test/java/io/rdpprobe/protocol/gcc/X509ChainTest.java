package io.rdpprobe.protocol.gcc;

import static io.rdpprobe.protocol.mcs.Fixtures.buf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.protocol.mcs.Fixtures;
import io.rdpprobe.protocol.testutil.SharedCaptures;
import org.junit.jupiter.api.Test;

/** A real Windows Connect Response whose server security data carries an X.509 chain (Zeek fuzz seed rdp-x509.pkt,
 * chunks 5+6, read in place from ../shared/corpus; skipped without it). */
class X509ChainTest {
    @Test
    void x509ChainDecodes() throws Exception {
        assumeTrue(SharedCaptures.available(), "shared/ not present");
        byte[] gcc = GccTest.gccOfResponse(SharedCaptures.x509ConnectResponse());
        ConferenceCreateResponse rsp = ConferenceCreateResponse.decode(buf(gcc));
        ServerSecurityData sec = rsp.userData().security().orElseThrow();
        assertThat(sec.encryptionMethod().label()).isEqualTo("128bit");
        assertThat(sec.encryptionLevel().label()).isEqualTo("Client Compatible");
        assertThat(sec.certificate()).isInstanceOf(X509CertificateChain.class);
        assertThat(sec.certificate().typeLabel()).isEqualTo("X.509");
        assertThat(sec.certificate().count()).isEqualTo(2);
        assertThat(sec.certificate().permanent()).isFalse();
        X509CertificateChain chain = (X509CertificateChain) sec.certificate();
        // each blob is a DER certificate BouncyCastle can parse
        for (byte[] der : chain.certificates()) {
            assertThat(org.bouncycastle.asn1.x509.Certificate.getInstance(der).getSubjectPublicKeyInfo()).isNotNull();
        }
        assertThat(rsp.toBytes()).isEqualTo(gcc);
        Fixtures.assertTruncationsFail(gcc, ConferenceCreateResponse::decode);
        Fixtures.assertGarbageOnlyDecodeException(gcc, 2000, ConferenceCreateResponse::decode);
    }
}
