package io.rdpprobe.protocol.tls.decrypt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Known-answer vectors for the PRFs and HKDF-Expand-Label. */
class KeyDerivationTest {
    static final HexFormat HEX = HexFormat.of();

    /** The TLS 1.2 P_SHA256 vector circulated on the IETF TLS list (msg03416). */
    @Test
    void tls12PrfSha256() {
        byte[] out = KeyDerivation.prf(0x0303, SuiteSpec.Hash.SHA256, HEX.parseHex("9bbe436ba940f017b17652849a71db35"),
                "test label", HEX.parseHex("a0ba9f936cda311827a6f796ffd5198c"), 100);
        assertThat(HEX.formatHex(out)).isEqualTo("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
                + "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
                + "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701" + "87347b66");
    }

    /** The P_SHA384 vector of the same set (for the *_SHA384 suites). */
    @Test
    void tls12PrfSha384() {
        byte[] out = KeyDerivation.prf(0x0303, SuiteSpec.Hash.SHA384, HEX.parseHex("b80b733d6ceefcdc71566ea48e5567df"),
                "test label", HEX.parseHex("cd665cf6a8447dd6ff8b27555edb7465"), 148);
        assertThat(HEX.formatHex(out)).isEqualTo("7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd"
                + "e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473"
                + "ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d"
                + "5eaa3be85e0990703d73e56f");
    }

    /** The TLS 1.0/1.1 MD5 XOR SHA-1 PRF vector ("PRF Testvector", secret 48 x 0xab, seed 64 x 0xcd). */
    @Test
    void tls10PrfMd5Sha1() {
        byte[] secret = new byte[48];
        Arrays.fill(secret, (byte) 0xab);
        byte[] seed = new byte[64];
        Arrays.fill(seed, (byte) 0xcd);
        byte[] out = KeyDerivation.prf(0x0301, SuiteSpec.Hash.SHA256, secret, "PRF Testvector", seed, 104);
        assertThat(HEX.formatHex(out)).isEqualTo("d3d4d1e349b5d515044666d51de32bab258cb521b6b053463e354832fd976754"
                + "443bcf9a296519bc289abcbc1187e4ebd31e602353776c408aafb74cbc85eff69255f9788faa184cbb957a9819d84a5d7eb006eb"
                + "459d3ae8de9810454b8b2d8f1afbc655a8c9a013");
    }

    /** RFC 8448 section 3: the server handshake traffic key and IV. */
    @Test
    void expandLabelRfc8448() {
        byte[] shs = HEX.parseHex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
        assertThat(HEX.formatHex(KeyDerivation.expandLabel(SuiteSpec.Hash.SHA256, shs, "key", new byte[0], 16)))
                .isEqualTo("3fce516009c21727d0f2e4e86ee403bc");
        assertThat(HEX.formatHex(KeyDerivation.expandLabel(SuiteSpec.Hash.SHA256, shs, "iv", new byte[0], 12)))
                .isEqualTo("5d313eb2671276ee13000b30");
    }
}
