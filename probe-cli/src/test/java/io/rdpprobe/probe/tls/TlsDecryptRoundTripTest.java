package io.rdpprobe.probe.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.rdpprobe.protocol.tls.CipherSuites;
import io.rdpprobe.protocol.tls.decrypt.DecryptFailure;
import io.rdpprobe.protocol.tls.decrypt.TlsDecryptor;
import io.rdpprobe.protocol.tls.decrypt.TlsSecrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Real round trips: BouncyCastle's TLS client and server (bctls) negotiate one suite and version, exchange
 * application data both ways (small, and larger than one record), and the records they wrote are fed to
 * TlsDecryptor with the secrets the client used (key log) or the server's RSA key (PEM). The plaintext must be
 * exactly what was sent.
 */
class TlsDecryptRoundTripTest {
    static final ProtocolVersion V10 = ProtocolVersion.TLSv10;
    static final ProtocolVersion V11 = ProtocolVersion.TLSv11;
    static final ProtocolVersion V12 = ProtocolVersion.TLSv12;
    static final ProtocolVersion V13 = ProtocolVersion.TLSv13;

    enum Secret { KEYLOG, RSA_PKCS8, RSA_PKCS1 }

    static final class Capture implements TlsDecryptor.Listener {
        final ByteArrayOutputStream client = new ByteArrayOutputStream();
        final ByteArrayOutputStream server = new ByteArrayOutputStream();
        final List<String> failures = new ArrayList<>();
        final List<String> types = new ArrayList<>();

        @Override
        public void plaintext(boolean fromClient, int contentType, ByteBuf data) {
            types.add((fromClient ? "c" : "s") + contentType);
            if (contentType == 23) {
                (fromClient ? client : server).writeBytes(ByteBufUtil.getBytes(data));
            }
        }

        @Override
        public void failed(boolean fromClient, DecryptFailure why, String detail) {
            failures.add((fromClient ? "client " : "server ") + why + ": " + detail);
        }
    }

    record Run(BcTlsPair pair, TlsDecryptor decryptor, Capture capture, byte[] clientData, byte[] serverData) {}

    /** Handshake with records buffered, then secrets are known and everything is fed in wire order. */
    static Run run(BcTlsPair.Options o, Secret secret, TlsSession resume) throws IOException {
        List<Object[]> wire = new ArrayList<>();
        BcTlsPair pair = new BcTlsPair(o, resume, (c, r) -> wire.add(new Object[] {c, ByteBufUtil.getBytes(r)}));
        Random rnd = new Random(o.suite() * 31L + o.version().getFullVersion());
        byte[] small = new byte[100];
        byte[] big = new byte[40_000];
        rnd.nextBytes(small);
        rnd.nextBytes(big);
        pair.clientSends(small);
        pair.serverSends(big);
        pair.clientSends(big);
        pair.serverSends(small);
        pair.close();
        TlsSecrets secrets = switch (secret) {
            case KEYLOG -> TlsSecrets.parseKeyLog(pair.keyLog);
            case RSA_PKCS8 -> TlsSecrets.rsaKeyPem(BcTlsPair.pem(BcTlsPair.RSA.getPrivate(), false));
            case RSA_PKCS1 -> TlsSecrets.rsaKeyPem(BcTlsPair.pem(BcTlsPair.RSA.getPrivate(), true));
        };
        Capture cap = new Capture();
        TlsDecryptor d = new TlsDecryptor(secrets, cap);
        for (Object[] w : wire) {
            d.record((Boolean) w[0], io.netty.buffer.Unpooled.wrappedBuffer((byte[]) w[1]));
        }
        return new Run(pair, d, cap, concat(small, big), concat(big, small));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] o = new byte[a.length + b.length];
        System.arraycopy(a, 0, o, 0, a.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }

    static void assertDecrypted(Run r, BcTlsPair.Options o) {
        assertThat(r.capture().failures).isEmpty();
        assertThat(r.decryptor().version()).isEqualTo(o.version().getFullVersion());
        assertThat(r.decryptor().suiteName()).isEqualTo(CipherSuites.name(o.suite()));
        assertThat(r.capture().client.toByteArray()).isEqualTo(r.clientData());
        assertThat(r.capture().server.toByteArray()).isEqualTo(r.serverData());
        // BC's own receivers got the same bytes: the test really sent them
        assertThat(r.pair().serverReceived.toByteArray()).isEqualTo(r.clientData());
        // the close_notify alert decrypted too
        assertThat(r.capture().types).contains("c21");
    }

    static Stream<Arguments> suites() {
        return Stream.of(
                // TLS 1.3
                Arguments.of(V13, CipherSuite.TLS_AES_128_GCM_SHA256, false, false, Secret.KEYLOG),
                Arguments.of(V13, CipherSuite.TLS_AES_256_GCM_SHA384, false, false, Secret.KEYLOG),
                Arguments.of(V13, CipherSuite.TLS_CHACHA20_POLY1305_SHA256, false, false, Secret.KEYLOG),
                // TLS 1.2 AEAD
                Arguments.of(V12, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, true, false, Secret.KEYLOG),
                Arguments.of(V12, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, true, false, Secret.KEYLOG),
                Arguments.of(V12, CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, true, false, Secret.KEYLOG),
                Arguments.of(V12, CipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, false, false, Secret.KEYLOG),
                // TLS 1.2 CBC, MAC-then-encrypt and encrypt-then-MAC
                Arguments.of(V12, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, true, false, Secret.KEYLOG),
                Arguments.of(V12, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, true, true, Secret.KEYLOG),
                Arguments.of(V12, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, true, true, Secret.KEYLOG),
                Arguments.of(V12, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, true, false, Secret.KEYLOG),
                Arguments.of(V12, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, true, true, Secret.KEYLOG),
                Arguments.of(V12, CipherSuite.TLS_RSA_WITH_3DES_EDE_CBC_SHA, false, false, Secret.KEYLOG),
                // static RSA with the server's PEM key, with and without the extended master secret
                Arguments.of(V12, CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, true, false, Secret.RSA_PKCS8),
                Arguments.of(V12, CipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384, false, false, Secret.RSA_PKCS1),
                Arguments.of(V12, CipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA256, true, true, Secret.RSA_PKCS8),
                Arguments.of(V12, CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, false, false, Secret.RSA_PKCS1),
                // TLS 1.1 and 1.0 (explicit and chained IVs; MD5+SHA-1 PRF)
                Arguments.of(V11, CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, true, false, Secret.KEYLOG),
                Arguments.of(V11, CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA, true, true, Secret.RSA_PKCS8),
                Arguments.of(V10, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, false, false, Secret.KEYLOG),
                Arguments.of(V10, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, true, true, Secret.KEYLOG),
                Arguments.of(V10, CipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA, true, false, Secret.RSA_PKCS1),
                Arguments.of(V10, CipherSuite.TLS_RSA_WITH_3DES_EDE_CBC_SHA, false, false, Secret.RSA_PKCS8));
    }

    @ParameterizedTest(name = "{0} {1} ems={2} etm={3} {4}")
    @MethodSource("suites")
    void decryptsWhatWasSent(ProtocolVersion v, int suite, boolean ems, boolean etm, Secret secret) throws IOException {
        BcTlsPair.Options o = new BcTlsPair.Options(v, suite, ems, etm);
        Run r = run(o, secret, null);
        assertDecrypted(r, o);
        assertThat(r.decryptor().extendedMasterSecret()).isEqualTo(ems && v != V13);
        assertThat(r.decryptor().encryptThenMac()).isEqualTo(etm);
    }

    @Test
    void abbreviatedHandshakeWithTheKeyLog() throws IOException {
        BcTlsPair.Options o = new BcTlsPair.Options(V12, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, true, false);
        Run first = run(o, Secret.KEYLOG, null);
        assertDecrypted(first, o);
        TlsSession session = first.pair().client.session;
        assertThat(session).isNotNull();
        Run again = run(o, Secret.KEYLOG, session);
        // the server's CCS came before the client's: an abbreviated handshake
        assertThat(again.capture().types.indexOf("s22")).isLessThan(again.capture().types.indexOf("c22"));
        assertDecrypted(again, o);
    }

    @Test
    void rsaKeyForAnEcdheSuiteIsNotRsaKeyExchange() throws IOException {
        BcTlsPair.Options o = new BcTlsPair.Options(V12, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, true, false);
        Run r = run(o, Secret.RSA_PKCS8, null);
        assertThat(r.capture().failures).hasSize(2).allMatch(f -> f.contains("NOT_RSA_KEY_EXCHANGE"));
        assertThat(r.capture().client.size() + r.capture().server.size()).isZero();
    }

    @Test
    void wrongRsaKeyIsRsaKeyMismatch() throws IOException {
        BcTlsPair.Options o = new BcTlsPair.Options(V12, CipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256, true, false);
        List<Object[]> wire = new ArrayList<>();
        BcTlsPair pair = new BcTlsPair(o, null, (c, rec) -> wire.add(new Object[] {c, ByteBufUtil.getBytes(rec)}));
        pair.clientSends(new byte[10]);
        Capture cap = new Capture();
        TlsDecryptor d = new TlsDecryptor(TlsSecrets.rsaKeyPem(BcTlsPair.pem(BcTlsPair.OTHER_RSA.getPrivate(), false)), cap);
        for (Object[] w : wire) {
            d.record((Boolean) w[0], io.netty.buffer.Unpooled.wrappedBuffer((byte[]) w[1]));
        }
        assertThat(cap.failures).hasSize(2).allMatch(f -> f.contains("RSA_KEY_MISMATCH"));
        assertThat(d.state()).isEqualTo(TlsDecryptor.State.FAILED);
    }

    @Test
    void wrongMasterSecretIsBadRecordMac() throws IOException {
        BcTlsPair.Options o = new BcTlsPair.Options(V12, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, true, true);
        List<Object[]> wire = new ArrayList<>();
        BcTlsPair pair = new BcTlsPair(o, null, (c, rec) -> wire.add(new Object[] {c, ByteBufUtil.getBytes(rec)}));
        pair.clientSends(new byte[10]);
        String log = pair.keyLog.toString();
        String bad = log.substring(0, log.length() - 2) + (log.charAt(log.length() - 2) == '0' ? '1' : '0') + "\n";
        Capture cap = new Capture();
        TlsDecryptor d = new TlsDecryptor(TlsSecrets.parseKeyLog(bad), cap);
        for (Object[] w : wire) {
            d.record((Boolean) w[0], io.netty.buffer.Unpooled.wrappedBuffer((byte[]) w[1]));
        }
        assertThat(cap.failures).hasSize(2).allMatch(f -> f.contains("BAD_RECORD_MAC"));
    }

    @Test
    void helloRetryRequest() throws IOException {
        BcTlsPair.Options o = new BcTlsPair.Options(V13, CipherSuite.TLS_AES_128_GCM_SHA256, false, false, true);
        List<Object[]> wire = new ArrayList<>();
        BcTlsPair pair = new BcTlsPair(o, null, (c, rec) -> wire.add(new Object[] {c, ByteBufUtil.getBytes(rec)}));
        pair.clientSends("after a HelloRetryRequest".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        long clientHellos = wire.stream().filter(w -> (Boolean) w[0] && ((byte[]) w[1])[0] == 22).count();
        assertThat(clientHellos).as("two plaintext ClientHellos").isEqualTo(2);
        Capture cap = new Capture();
        TlsDecryptor d = new TlsDecryptor(TlsSecrets.parseKeyLog(pair.keyLog), cap);
        for (Object[] w : wire) {
            d.record((Boolean) w[0], io.netty.buffer.Unpooled.wrappedBuffer((byte[]) w[1]));
        }
        assertThat(cap.failures).isEmpty();
        assertThat(cap.client.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("after a HelloRetryRequest");
    }
}
