package io.rdpprobe.protocol.licensing;

import static io.rdpprobe.protocol.mcs.Fixtures.buf;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.gcc.ProprietaryCertificate;
import io.rdpprobe.protocol.gcc.RsaPublicKey;
import io.rdpprobe.protocol.gcc.ServerCertificate;
import io.rdpprobe.protocol.mcs.DomainPdu;
import io.rdpprobe.protocol.mcs.Fixtures;
import io.rdpprobe.protocol.mcs.Mcs;
import io.rdpprobe.protocol.mcs.SendData;
import io.rdpprobe.protocol.rdp.SecurityFlags;
import io.rdpprobe.protocol.security.ClientRandomEncryption;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Real xrdp 0.9.21 / xfreerdp 2.11.7 licensing bytes (testdata/fixtures/licensing, decrypted from a TLS capture). */
class XrdpLicensingTest {

    /** The Send Data user data (security header onwards) of a recorded TPKT frame. */
    static byte[] userData(String fixture) {
        ByteBuf mcs = Mcs.userData(buf(Fixtures.hex(fixture)));
        SendData sd = (SendData) DomainPdu.decode(mcs);
        assertThat(sd.channelId()).isEqualTo(1003);
        return ByteBufUtil.getBytes(sd.data());
    }

    @Test
    void xrdpLicenseRequestHasTheLengthInFlagsHi() {
        byte[] data = userData("licensing/xrdp-tls-license-request.hex");
        ByteBuf b = buf(data);
        int flags = b.readUnsignedShortLE();
        int flagsHi = b.readUnsignedShortLE();
        assertThat(flags).isEqualTo(SecurityFlags.SEC_LICENSE_PKT);
        assertThat(flagsHi).isEqualTo(0x013e).isEqualTo(data.length - 4); // xrdp quirk: the length, not flags
        byte[] body = ByteBufUtil.getBytes(b);
        LicensePdu p = LicensePdu.decode(buf(body));
        assertThat(p.preamble().msgTypeName()).isEqualTo("LICENSE_REQUEST");
        assertThat(p.preamble().flags()).isEqualTo(0x02);
        assertThat(p.preamble().msgSize()).isEqualTo(0x013e);
        LicenseRequest r = p.licenseRequest();
        assertThat(r.companyName()).isEqualTo("Microsoft Corporation");
        assertThat(r.productId()).isEqualTo("236");
        assertThat(r.productVersion()).isEqualTo(0x00040000);
        assertThat(r.keyExchangeAlgorithms()).containsExactly(ClientNewLicenseRequest.KEY_EXCHANGE_ALG_RSA);
        assertThat(r.scopes()).containsExactly("microsoft.com");
        assertThat(r.serverCertificateLength()).isEqualTo(0xb8);
        ServerCertificate cert = ServerCertificate.decode(Unpooled.wrappedBuffer(r.serverCertificate()));
        assertThat(cert).isInstanceOf(ProprietaryCertificate.class);
        RsaPublicKey key = ((ProprietaryCertificate) cert).publicKey();
        assertThat(key.bitlen()).isEqualTo(512); // the modulus itself is 511 bits long
        assertThat(key.keylen()).isEqualTo(72);
        // encode back to the same bytes
        ByteBuf again = Unpooled.buffer();
        r.encode(again);
        assertThat(LicensePdu.message(LicensePreamble.LICENSE_REQUEST, ByteBufUtil.getBytes(again)))
                .isEqualTo(withPreambleFlags(body, LicensePreamble.PREAMBLE_VERSION_3_0));
        Fixtures.assertTruncationsFail(body, LicensePdu::decode);
        Fixtures.assertGarbageOnlyDecodeException(body, 3000, LicensePdu::decode);
    }

    private static byte[] withPreambleFlags(byte[] pdu, int flags) {
        byte[] c = pdu.clone();
        c[1] = (byte) flags;
        return c;
    }

    @Test
    void xrdpValidClientWithOddBlobType() {
        byte[] data = userData("licensing/xrdp-tls-valid-client.hex");
        assertThat(data[0] & 0xff).isEqualTo(SecurityFlags.SEC_LICENSE_PKT);
        assertThat((data[2] & 0xff) | (data[3] & 0xff) << 8).isEqualTo(0x0010);
        LicensePdu p = LicensePdu.decode(buf(Arrays.copyOfRange(data, 4, data.length)));
        assertThat(p.isValidClient()).isTrue();
        assertThat(p.errorMessage().errorInfo().typeName()).isEqualTo("UNKNOWN(0x1428)");
    }

    @Test
    void xfreerdpNewLicenseRequestDecodesAndRoundTrips() {
        byte[] data = userData("licensing/xfreerdp-tls-new-license-request.hex");
        assertThat(Arrays.copyOf(data, 4)).containsExactly(0x80, 0, 0, 0);
        byte[] pdu = Arrays.copyOfRange(data, 4, data.length);
        ClientNewLicenseRequest r = ClientNewLicenseRequest.decodePdu(buf(pdu));
        assertThat(r.keyExchangeAlg()).isEqualTo(ClientNewLicenseRequest.KEY_EXCHANGE_ALG_RSA);
        assertThat(r.platformId()).isEqualTo(ClientNewLicenseRequest.PLATFORM_ID).isEqualTo(0x04010000);
        assertThat(r.encryptedPreMasterSecret().typeName()).isEqualTo("BB_RANDOM_BLOB");
        assertThat(r.encryptedPreMasterSecret().data()).hasSize(72); // 64-byte modulus + 8 zero bytes
        assertThat(Arrays.copyOfRange(r.encryptedPreMasterSecret().data(), 64, 72)).containsOnly(0);
        assertThat(r.clientUserName().typeName()).isEqualTo("BB_CLIENT_USER_NAME_BLOB");
        assertThat(r.userName()).isEqualTo("root");
        assertThat(r.clientMachineName().typeName()).isEqualTo("BB_CLIENT_MACHINE_NAME_BLOB");
        assertThat(r.machineName()).isEqualTo("vm");
        assertThat(r.toPdu(LicensePreamble.PREAMBLE_VERSION_3_0 | LicensePreamble.EXTENDED_ERROR_MSG_SUPPORTED)).isEqualTo(pdu);
        // our builder produces the same layout
        ClientNewLicenseRequest built = ClientNewLicenseRequest.of(r.clientRandom(), r.encryptedPreMasterSecret().data(), "root", "vm");
        assertThat(built.toPdu(0x83)).isEqualTo(pdu);
        Fixtures.assertTruncationsFail(pdu, ClientNewLicenseRequest::decodePdu);
        Fixtures.assertGarbageOnlyDecodeException(pdu, 3000, ClientNewLicenseRequest::decodePdu);
    }

    @Test
    void premasterSecretEncryptionRoundTrips() {
        Random rnd = new Random(7);
        BigInteger p = BigInteger.probablePrime(256, rnd);
        BigInteger q = BigInteger.probablePrime(256, rnd);
        BigInteger n = p.multiply(q);
        BigInteger d = BigInteger.valueOf(65537).modInverse(p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE)));
        byte[] be = n.toByteArray();
        byte[] le = new byte[72];
        for (int i = 0; i < 64; i++) le[i] = be[be.length - 1 - i];
        RsaPublicKey key = new RsaPublicKey(72, 512, 63, 65537, le);
        byte[] premaster = new byte[48];
        rnd.nextBytes(premaster);
        byte[] enc = ClientRandomEncryption.encrypt(key, premaster);
        assertThat(enc).hasSize(72);
        assertThat(ClientRandomEncryption.decrypt(n, d, enc, 48)).isEqualTo(premaster);
    }
}
