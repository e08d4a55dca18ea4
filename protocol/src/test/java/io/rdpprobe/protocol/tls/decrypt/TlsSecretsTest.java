package io.rdpprobe.protocol.tls.decrypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.junit.jupiter.api.Test;

class TlsSecretsTest {
    static final HexFormat HEX = HexFormat.of();
    static final String CR = "aa".repeat(32);
    static final String MS = "bb".repeat(48);

    @Test
    void keyLogIsLenient() {
        String log = "# comment\n\n"
                + "CLIENT_RANDOM " + CR + " " + MS + "\r\n"
                + "SERVER_HANDSHAKE_TRAFFIC_SECRET " + CR + " " + "cc".repeat(32) + "\n"
                + "EXPORTER_SECRET " + CR + " " + "dd".repeat(32) + "\n"
                + "RSA 0102030405060708 " + "ee".repeat(48) + "\n"
                + "CLIENT_RANDOM nothex " + MS + "\n"
                + "CLIENT_RANDOM " + CR + "\n"
                + "CLIENT_RANDOM " + "aa".repeat(31) + " " + MS + "\n"
                + "SOMETHING_NEW " + CR + " " + MS + "\n"
                + "   \n";
        TlsSecrets s = TlsSecrets.parseKeyLog(log);
        assertThat(s.keyLogLines()).isEqualTo(4);
        assertThat(s.skippedLines()).isEqualTo(7);
        assertThat(s.isEmpty()).isFalse();
        assertThat(s.hasRsaKey()).isFalse();
        assertThat(s.secret("CLIENT_RANDOM", HEX.parseHex(CR))).isEqualTo(HEX.parseHex(MS));
        assertThat(s.secret("SERVER_HANDSHAKE_TRAFFIC_SECRET", HEX.parseHex(CR))).hasSize(32);
        assertThat(s.secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", HEX.parseHex(CR))).isNull();
        assertThat(s.secret("RSA", HEX.parseHex("0102030405060708"))).isEqualTo(HEX.parseHex("ee".repeat(48)));
        assertThat(s.secret("CLIENT_RANDOM", new byte[32])).isNull();
        assertThat(s.toString()).doesNotContain("bbbb");
    }

    @Test
    void laterSourceWinsOnMerge() {
        TlsSecrets a = TlsSecrets.parseKeyLog("CLIENT_RANDOM " + CR + " " + MS + "\n");
        TlsSecrets b = TlsSecrets.parseKeyLog("CLIENT_RANDOM " + CR + " " + "11".repeat(48) + "\n# x\n");
        TlsSecrets m = a.merge(b);
        assertThat(m.secret("CLIENT_RANDOM", HEX.parseHex(CR))).isEqualTo(HEX.parseHex("11".repeat(48)));
        assertThat(m.keyLogLines()).isEqualTo(2);
        assertThat(m.skippedLines()).isEqualTo(1);
        assertThat(TlsSecrets.NONE.isEmpty()).isTrue();
        assertThat(TlsSecrets.NONE.merge(a).secret("CLIENT_RANDOM", HEX.parseHex(CR))).isEqualTo(HEX.parseHex(MS));
    }

    @Test
    void rsaKeyPemBothForms() throws Exception {
        RSAKeyPairGenerator g = new RSAKeyPairGenerator();
        g.init(new RSAKeyGenerationParameters(BigInteger.valueOf(65537), new SecureRandom(), 1024, 80));
        AsymmetricCipherKeyPair kp = g.generateKeyPair();
        PrivateKeyInfo info = PrivateKeyInfoFactory.createPrivateKeyInfo(kp.getPrivate());
        String pkcs8 = pem("PRIVATE KEY", info.getEncoded());
        String pkcs1 = pem("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded());
        assertThat(TlsSecrets.rsaKeyPem(pkcs8).hasRsaKey()).isTrue();
        TlsSecrets both = TlsSecrets.rsaKeyPem(pkcs1).merge(TlsSecrets.parseKeyLog("CLIENT_RANDOM " + CR + " " + MS));
        assertThat(both.hasRsaKey()).isTrue();
        assertThat(both.keyLogLines()).isEqualTo(1);
        assertThat(both.toString()).contains("1 RSA key");
    }

    @Test
    void badPemIsDecodeException() {
        for (String bad : new String[] {"", "not a key", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}) {
            assertThatThrownBy(() -> TlsSecrets.rsaKeyPem(bad)).isInstanceOfSatisfying(DecodeException.class, e -> {
                assertThat(e.layer()).isEqualTo(Layer.TLS);
                assertThat(e.field()).isEqualTo("rsa key");
            });
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
