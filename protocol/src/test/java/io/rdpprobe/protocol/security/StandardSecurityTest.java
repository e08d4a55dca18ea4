package io.rdpprobe.protocol.security;

import static io.rdpprobe.protocol.mcs.Fixtures.buf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.gcc.ConferenceCreateResponse;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import io.rdpprobe.protocol.gcc.ProprietaryCertificate;
import io.rdpprobe.protocol.gcc.RsaPublicKey;
import io.rdpprobe.protocol.mcs.ConnectResponse;
import io.rdpprobe.protocol.mcs.Mcs;
import io.rdpprobe.protocol.testutil.SharedCaptures;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Vectors: the real proprietary certificate of Zeek's capture (signed by Microsoft's server with the Terminal
 * Services key); key derivation, MAC, salted MAC, RC4 and the 128-bit key update against values computed
 * independently in Python (hashlib + a 10-line RC4) from the MS-RDPBCGR 5.3.5-5.3.7 formulas, client random
 * 00..1f, server random 20..3f.
 */
class StandardSecurityTest {
    static final byte[] CR = range(0, 32);
    static final byte[] SR = range(32, 64);

    static byte[] range(int a, int b) {
        byte[] r = new byte[b - a];
        for (int i = 0; i < r.length; i++) r[i] = (byte) (a + i);
        return r;
    }

    static ProprietaryCertificate zeekCertificate() {
        assumeTrue(SharedCaptures.available(), "shared/ not present");
        byte[] gcc = ConnectResponse.decode(Mcs.userData(buf(SharedCaptures.proprietaryConnectResponse()))).userData();
        return (ProprietaryCertificate) ConferenceCreateResponse.decode(buf(gcc)).userData().security().orElseThrow().certificate();
    }

    @Test
    void realServerCertificateVerifiesWithTerminalServicesKey() {
        ProprietaryCertificate c = zeekCertificate();
        assertThat(TerminalServicesKey.verify(c)).isEqualTo(TerminalServicesKey.Verification.VALID);
        byte[] tampered = c.signedData().clone();
        tampered[30] ^= 1;
        assertThat(TerminalServicesKey.verify(tampered, c.signature())).isEqualTo(TerminalServicesKey.Verification.HASH_MISMATCH);
        byte[] sig = c.signature().clone();
        sig[70] = 1;
        assertThat(TerminalServicesKey.verify(c.signedData(), sig)).isEqualTo(TerminalServicesKey.Verification.NONZERO_PADDING);
    }

    @Test
    void signThenVerifyAndSignatureMatchesServer() {
        ProprietaryCertificate c = zeekCertificate();
        // signing is deterministic, so our signature must equal the one the Windows server sent
        assertThat(TerminalServicesKey.sign(c.signedData())).isEqualTo(c.signature());
    }

    @Test
    void clientRandomEncryptionRoundTrips() {
        Random r = new Random(7);
        BigInteger p = BigInteger.probablePrime(256, r);
        BigInteger q = BigInteger.probablePrime(256, r);
        BigInteger n = p.multiply(q);
        BigInteger e = BigInteger.valueOf(65537);
        BigInteger d = e.modInverse(p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE)));
        RsaPublicKey key = new RsaPublicKey(72, 512, 63, 65537, TerminalServicesKey.toLe(n, 72));
        byte[] enc = ClientRandomEncryption.encrypt(key, CR);
        assertThat(enc).hasSize(72);
        assertThat(java.util.Arrays.copyOfRange(enc, 64, 72)).containsOnly(0);
        assertThat(ClientRandomEncryption.decrypt(n, d, enc)).isEqualTo(CR);
    }

    @Test
    void keyDerivationMatchesIndependentComputation() {
        SessionKeys c128 = SessionKeys.client(CR, SR, EncryptionMethod.BIT_128);
        assertThat(Wire.hex(c128.macKey())).isEqualTo("815370c6e31347c463ed25f1af48bbdf");
        assertThat(Wire.hex(c128.encryptKey())).isEqualTo("702783c08474414a33a259c6faed480c");
        assertThat(Wire.hex(c128.decryptKey())).isEqualTo("1cb207f61b7cd10dca9ec78871d0a142");
        SessionKeys s128 = SessionKeys.server(CR, SR, EncryptionMethod.BIT_128);
        assertThat(s128.decryptKey()).isEqualTo(c128.encryptKey());
        assertThat(s128.encryptKey()).isEqualTo(c128.decryptKey());
        assertThat(Wire.hex(SessionKeys.client(CR, SR, EncryptionMethod.BIT_40).encryptKey())).isEqualTo("d1269ec08474414a");
        assertThat(Wire.hex(SessionKeys.client(CR, SR, EncryptionMethod.BIT_56).macKey())).isEqualTo("d15370c6e31347c4");
        assertThat(c128.toString()).doesNotContain("7027");
    }

    @Test
    void macSaltedMacAndRc4MatchIndependentComputation() {
        SessionKeys k = SessionKeys.client(CR, SR, EncryptionMethod.BIT_128);
        Rc4Channel enc = Rc4Channel.encryptor(k);
        byte[] data = "hello rdp".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(Wire.hex(enc.mac(data, false, 0))).isEqualTo("eae971f9dcafdb35");
        assertThat(Wire.hex(enc.mac(data, true, 5))).isEqualTo("2628c802ea3c19e4");
        byte[] sealed = enc.seal(data, false);
        assertThat(Wire.hex(java.util.Arrays.copyOf(sealed, 8))).isEqualTo("eae971f9dcafdb35");
        assertThat(Wire.hex(java.util.Arrays.copyOfRange(sealed, 8, sealed.length))).isEqualTo("0530a4714a5313fd66");
    }

    @Test
    void keyUpdateAfter4096PacketsBothDirectionsStayInStep() {
        for (EncryptionMethod m : new EncryptionMethod[] {EncryptionMethod.BIT_40, EncryptionMethod.BIT_56, EncryptionMethod.BIT_128}) {
            Rc4Channel client = Rc4Channel.encryptor(SessionKeys.client(CR, SR, m));
            Rc4Channel server = Rc4Channel.decryptor(SessionKeys.server(CR, SR, m));
            for (int i = 0; i < 4100; i++) {
                byte[] msg = ("packet " + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                byte[] s = client.seal(msg, i % 2 == 0);
                Rc4Channel.Result r = server.open(java.util.Arrays.copyOf(s, 8), java.util.Arrays.copyOfRange(s, 8, s.length), i % 2 == 0);
                assertThat(r.macValid()).as("%s packet %d", m, i).isTrue();
                assertThat(r.plaintext()).isEqualTo(msg);
            }
            assertThat(client.keyUpdates()).isEqualTo(1);
            assertThat(server.keyUpdates()).isEqualTo(1);
        }
        Rc4Channel c = Rc4Channel.encryptor(SessionKeys.client(CR, SR, EncryptionMethod.BIT_128));
        for (int i = 0; i < 4097; i++) c.crypt(new byte[1]);
        assertThat(Wire.hex(c.currentKey())).isEqualTo("69d6cd7791712b7442a720f2d41b3e24");
    }

    @Test
    void tamperedPacketFailsMac() {
        Rc4Channel client = Rc4Channel.encryptor(SessionKeys.client(CR, SR, EncryptionMethod.BIT_128));
        Rc4Channel server = Rc4Channel.decryptor(SessionKeys.server(CR, SR, EncryptionMethod.BIT_128));
        byte[] s = client.seal(new byte[] {1, 2, 3}, false);
        s[9] ^= 0x40;
        assertThat(server.open(java.util.Arrays.copyOf(s, 8), java.util.Arrays.copyOfRange(s, 8, s.length), false).macValid()).isFalse();
    }
}
