package io.rdpprobe.protocol.credssp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Wire;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import org.junit.jupiter.api.Test;

class CredSspMiscTest {
    @Test
    void magicStringsAre38BytesWithNul() {
        assertThat(PubKeyAuth.CLIENT_SERVER_HASH_MAGIC).hasSize(38);
        assertThat(Wire.hex(PubKeyAuth.CLIENT_SERVER_HASH_MAGIC))
                .isEqualTo("4372656453535020436c69656e742d546f2d5365727665722042696e64696e67204861736800");
        assertThat(Wire.hex(PubKeyAuth.SERVER_CLIENT_HASH_MAGIC))
                .isEqualTo("43726564535350205365727665722d546f2d436c69656e742042696e64696e67204861736800");
    }

    @Test
    void legacyEchoAddsOneWithCarry() {
        byte[] key = {0x30, (byte) 0x82, 0x01};
        assertThat(PubKeyAuth.clientValue(3, key, null)).isEqualTo(key);
        assertThat(PubKeyAuth.serverValue(2, key, null)).containsExactly(0x31, 0x82, 0x01);
        assertThat(PubKeyAuth.serverValue(4, new byte[] {(byte) 0xff, 0x00}, null)).containsExactly(0x00, 0x01);
    }

    @Test
    void v5HashBinding() throws Exception {
        byte[] key = {1, 2, 3};
        byte[] nonce = new byte[32];
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(PubKeyAuth.CLIENT_SERVER_HASH_MAGIC);
        md.update(nonce);
        md.update(key);
        assertThat(PubKeyAuth.clientValue(6, key, nonce)).isEqualTo(md.digest());
        md.update(PubKeyAuth.SERVER_CLIENT_HASH_MAGIC);
        md.update(nonce);
        md.update(key);
        assertThat(PubKeyAuth.serverValue(5, key, nonce)).isEqualTo(md.digest());
        assertThat(PubKeyAuth.usesHash(4)).isFalse();
        assertThat(PubKeyAuth.usesHash(5)).isTrue();
    }

    @Test
    void subjectPublicKeyFromSpki() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        RSAPublicKey pub = (RSAPublicKey) g.generateKeyPair().getPublic();
        byte[] spki = pub.getEncoded();
        byte[] spk = PubKeyAuth.subjectPublicKey(spki);
        assertThat(spk[0]).isEqualTo((byte) 0x30);
        assertThat(spki.length - spk.length).isBetween(20, 30);
        assertThatThrownBy(() -> PubKeyAuth.subjectPublicKey(new byte[] {1, 2, 3})).isInstanceOf(DecodeException.class);
        assertThatThrownBy(() -> PubKeyAuth.subjectPublicKeyOfCertificate(new byte[] {0x30, 0x00}))
                .isInstanceOf(DecodeException.class);
    }

    @Test
    void subjectPublicKeyFromCertificate() throws Exception {
        java.security.KeyPair kp = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        org.bouncycastle.asn1.x500.X500Name dn = new org.bouncycastle.asn1.x500.X500Name("CN=localhost");
        java.util.Date now = new java.util.Date(1_700_000_000_000L);
        org.bouncycastle.cert.X509CertificateHolder cert = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                dn, java.math.BigInteger.ONE, now, new java.util.Date(now.getTime() + 86_400_000L), dn, kp.getPublic())
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate()));
        assertThat(PubKeyAuth.subjectPublicKeyOfCertificate(cert.getEncoded()))
                .isEqualTo(PubKeyAuth.subjectPublicKey(kp.getPublic().getEncoded()));
    }

    @Test
    void earlyUserAuthResult() {
        ByteBuf b = Unpooled.wrappedBuffer(new byte[] {5, 0, 0, 0});
        EarlyUserAuthResult r = EarlyUserAuthResult.decode(b);
        assertThat(r).isEqualTo(EarlyUserAuthResult.AUTHZ_ACCESS_DENIED);
        assertThat(r.name()).isEqualTo("AUTHZ_ACCESS_DENIED");
        assertThat(EarlyUserAuthResult.decode(Unpooled.wrappedBuffer(new byte[4])).isSuccess()).isTrue();
        assertThat(new EarlyUserAuthResult(9).name()).isEqualTo("UNKNOWN(0x00000009)");
        assertThatThrownBy(() -> EarlyUserAuthResult.decode(Unpooled.wrappedBuffer(new byte[3])))
                .isInstanceOf(DecodeException.class);
        ByteBuf out = Unpooled.buffer();
        EarlyUserAuthResult.AUTHZ_ACCESS_DENIED.encode(out);
        assertThat(out.readableBytes()).isEqualTo(4);
    }

    @Test
    void ntStatusTableHasEveryProtocolNotesEntry() {
        int[] values = {0xC000006D, 0xC000006A, 0xC0000064, 0xC000006E, 0xC000006F, 0xC0000070, 0xC0000071, 0xC0000072,
            0xC0000193, 0xC0000224, 0xC0000234, 0xC000015B, 0xC0000022, 0xC000005E, 0xC0000133, 0xC000006C, 0xC00000BB,
            0xC000000D, 0xC0000388, 0xC0000413, 0xC00002FA, 0xC0000155, 0xC0000418};
        for (int v : values) {
            assertThat(new NtStatus(v).isKnown()).as("0x%08X", v).isTrue();
            assertThat(new NtStatus(v).name()).startsWith("STATUS_");
        }
        assertThat(NtStatus.known()).hasSize(values.length + 1); // + STATUS_SUCCESS
        assertThat(new NtStatus(0xC0000234).name()).isEqualTo("STATUS_ACCOUNT_LOCKED_OUT");
        assertThat(new NtStatus(0xC0001234).name()).isEqualTo("UNKNOWN(0xC0001234)");
        assertThat(NtStatus.STATUS_LOGON_FAILURE.toString()).isEqualTo("STATUS_LOGON_FAILURE (0xC000006D)");
    }
}
