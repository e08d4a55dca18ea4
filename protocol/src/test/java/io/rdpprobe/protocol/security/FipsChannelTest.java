package io.rdpprobe.protocol.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.protocol.codec.Wire;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * FIPS (3DES + HMAC-SHA1). Vectors come from a Python re-implementation of the same published algorithm
 * (MS-RDPBCGR 5.3.5.2 as implemented by FreeRDP/xrdp), client random 00..1f, server random 20..3f; this
 * checks the Java code, not interoperability with a Windows FIPS server (none was available).
 */
class FipsChannelTest {
    static final byte[] CR = StandardSecurityTest.range(0, 32);
    static final byte[] SR = StandardSecurityTest.range(32, 64);

    @Test
    void keysMatchIndependentComputation() {
        FipsChannel.Keys k = FipsChannel.clientKeys(CR, SR);
        assertThat(Wire.hex(k.hmacKey())).isEqualTo("bb45ea4383cd332a1f15df0981a4aaec95dc14eb");
        assertThat(Wire.hex(k.encryptKey())).isEqualTo("6708701a086d106b2a767f20017343203b16641a0d490132");
        assertThat(Wire.hex(k.decryptKey())).isEqualTo("4f75384f4f520b2561513261256e79490b61130b2a076e26");
        for (byte b : k.encryptKey()) {
            assertThat(Integer.bitCount(b & 0xFF) % 2).as("odd parity").isEqualTo(1);
        }
        FipsChannel.Keys s = FipsChannel.serverKeys(CR, SR);
        assertThat(s.decryptKey()).isEqualTo(k.encryptKey());
        assertThat(k.toString()).doesNotContain("6708");
    }

    @Test
    void macAndRoundTripAcrossManyPackets() {
        FipsChannel c = FipsChannel.encryptor(FipsChannel.clientKeys(CR, SR));
        FipsChannel s = FipsChannel.decryptor(FipsChannel.serverKeys(CR, SR));
        byte[] hello = "hello rdp".getBytes(StandardCharsets.US_ASCII);
        assertThat(Wire.hex(c.mac(hello, 0))).isEqualTo("ad2b8826088a46c9");
        for (int i = 0; i < 50; i++) {
            byte[] msg = Arrays.copyOf(hello, 1 + i);
            FipsChannel.Sealed x = c.seal(msg);
            assertThat(x.ciphertext().length % 8).isZero();
            assertThat(x.padLength()).isEqualTo((8 - msg.length % 8) % 8);
            FipsChannel.Opened o = s.open(x.signature(), x.ciphertext(), x.padLength());
            assertThat(o.macValid()).isTrue();
            assertThat(o.plaintext()).isEqualTo(msg);
        }
        FipsChannel.Sealed bad = c.seal(hello);
        bad.ciphertext()[0] ^= 1;
        assertThat(s.open(bad.signature(), bad.ciphertext(), bad.padLength()).macValid()).isFalse();
        assertThat(s.open(new byte[8], new byte[7], 0).macValid()).isFalse();
    }
}
