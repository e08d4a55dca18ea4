package io.rdpprobe.protocol.tls.decrypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TlsDecryptor on RFC 8448 section 3's records (known answers), and its failure paths: every one is a single
 * {@code failed} call with the right reason, never an exception.
 */
class TlsDecryptorTest {
    static final HexFormat HEX = HexFormat.of();

    static final class Events implements TlsDecryptor.Listener {
        final List<String> plain = new ArrayList<>();
        final List<String> failures = new ArrayList<>();

        @Override
        public void plaintext(boolean fromClient, int contentType, ByteBuf data) {
            plain.add((fromClient ? "c " : "s ") + contentType + " " + ByteBufUtil.hexDump(data));
        }

        @Override
        public void failed(boolean fromClient, DecryptFailure why, String detail) {
            failures.add((fromClient ? "c " : "s ") + why + " " + detail);
        }
    }

    static Events feed(TlsSecrets secrets, Object[][] records) {
        Events e = new Events();
        TlsDecryptor d = new TlsDecryptor(secrets, e);
        for (Object[] r : records) {
            d.record((Boolean) r[0], Unpooled.wrappedBuffer(HEX.parseHex((String) r[1])));
        }
        return e;
    }

    @Test
    void rfc8448SimpleHandshakeDecrypts() {
        Events e = new Events();
        TlsDecryptor d = new TlsDecryptor(TlsSecrets.parseKeyLog(Rfc8448.keyLog(true, true)), e);
        for (Object[] r : Rfc8448.records()) {
            d.record((Boolean) r[0], Unpooled.wrappedBuffer(HEX.parseHex((String) r[1])));
        }
        assertThat(e.failures).isEmpty();
        assertThat(d.version()).isEqualTo(0x0304);
        assertThat(d.suiteName()).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(d.state()).isEqualTo(TlsDecryptor.State.DECRYPTING);
        assertThat(e.plain).hasSize(7);
        // server flight: EncryptedExtensions (8, length 0x24) first, the Finished (20, 32 bytes) last
        assertThat(e.plain.get(0)).startsWith("s 22 08000024");
        assertThat(e.plain.get(0)).contains("14000020" + "9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718");
        assertThat(e.plain.get(0)).endsWith("9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718");
        assertThat(e.plain.get(1)).startsWith("c 22 14000020"); // client Finished
        assertThat(e.plain.get(2)).startsWith("s 22 04"); // NewSessionTicket under the application key
        assertThat(e.plain.get(3)).isEqualTo("s 23 " + Rfc8448.APP_DATA);
        assertThat(e.plain.get(4)).isEqualTo("c 23 " + Rfc8448.APP_DATA);
        assertThat(e.plain.get(5)).isEqualTo("s 21 0100"); // close_notify
        assertThat(e.plain.get(6)).isEqualTo("c 21 0100");
        assertThat(d.decryptedRecords(true)).isEqualTo(3);
        assertThat(d.decryptedRecords(false)).isEqualTo(4);
    }

    @Test
    void applicationSecretsAloneSkipTheHandshakeRecords() {
        Events e = feed(TlsSecrets.parseKeyLog(Rfc8448.keyLog(false, true)), Rfc8448.records());
        assertThat(e.failures).isEmpty();
        assertThat(e.plain).containsExactly("s 22 " + e.plain.get(0).substring(5), "s 23 " + Rfc8448.APP_DATA,
                "c 23 " + Rfc8448.APP_DATA, "s 21 0100", "c 21 0100");
        assertThat(e.plain.get(0)).startsWith("s 22 04");
    }

    @Test
    void handshakeSecretsAloneStopAtFinished() {
        Events e = feed(TlsSecrets.parseKeyLog(Rfc8448.keyLog(true, false)), Rfc8448.records());
        assertThat(e.plain).hasSize(2);
        assertThat(e.failures).hasSize(2).allMatch(f -> f.contains("NO_SECRET") && f.contains("_TRAFFIC_SECRET_0"));
    }

    @Test
    void missingLineIsNoSecretForBothSides() {
        Events e = feed(TlsSecrets.NONE, Rfc8448.records());
        assertThat(e.plain).isEmpty();
        assertThat(e.failures).hasSize(2).allMatch(f -> f.contains(" NO_SECRET ") && f.contains(Rfc8448.CLIENT_RANDOM));
    }

    @Test
    void wrongSecretIsBadRecordMac() {
        String log = Rfc8448.keyLog(true, true).replace(Rfc8448.SERVER_HS, Rfc8448.SERVER_HS.replace('b', 'c'));
        Events e = feed(TlsSecrets.parseKeyLog(log), Rfc8448.records());
        assertThat(e.failures).containsExactly(e.failures.get(0));
        assertThat(e.failures.get(0)).startsWith("s BAD_RECORD_MAC");
        // the client side is unaffected
        assertThat(e.plain).contains("c 23 " + Rfc8448.APP_DATA);
    }

    @Test
    void truncatedRecordIsMalformed() {
        Object[][] recs = Rfc8448.records();
        String flight = (String) recs[2][1];
        recs[2][1] = flight.substring(0, flight.length() - 40); // header still says 0x2a2 bytes
        Events e = feed(TlsSecrets.parseKeyLog(Rfc8448.keyLog(true, true)), recs);
        assertThat(e.failures).hasSize(1);
        assertThat(e.failures.get(0)).startsWith("s MALFORMED truncated record");
    }

    @Test
    void recordShorterThanTagIsMalformed() {
        Object[][] recs = Arrays.copyOf(Rfc8448.records(), 4);
        recs[2] = new Object[] {false, "17030300050102030405"};
        Events e = feed(TlsSecrets.parseKeyLog(Rfc8448.keyLog(true, true)), recs);
        assertThat(e.failures).hasSize(1);
        assertThat(e.failures.get(0)).startsWith("s MALFORMED").contains("shorter than tag");
    }

    @Test
    void gapStopsThatSideOnly() {
        Events e = new Events();
        TlsDecryptor d = new TlsDecryptor(TlsSecrets.parseKeyLog(Rfc8448.keyLog(true, true)), e);
        Object[][] recs = Rfc8448.records();
        for (int i = 0; i < recs.length; i++) {
            if (i == 4) {
                d.gap(false, 1234);
            }
            d.record((Boolean) recs[i][0], Unpooled.wrappedBuffer(HEX.parseHex((String) recs[i][1])));
        }
        assertThat(e.failures).hasSize(1);
        assertThat(e.failures.get(0)).startsWith("s GAP 1234 byte(s)");
        assertThat(e.plain).contains("c 23 " + Rfc8448.APP_DATA).doesNotContain("s 23 " + Rfc8448.APP_DATA);
        assertThat(d.state(false)).isEqualTo(TlsDecryptor.State.FAILED);
        assertThat(d.state(true)).isEqualTo(TlsDecryptor.State.DECRYPTING);
        d.gap(false, 10); // once per side
        assertThat(e.failures).hasSize(1);
    }

    @Test
    void applicationDataWithoutHandshakeIsGap() {
        Events e = feed(TlsSecrets.parseKeyLog(Rfc8448.keyLog(true, true)),
                new Object[][] {{true, Rfc8448.CLIENT_APP_REC}, {false, Rfc8448.SERVER_APP_REC}});
        assertThat(e.failures).hasSize(2).allMatch(f -> f.contains(" GAP ") && f.contains("does not hold the handshake"));
    }

    @Test
    void unsupportedSuiteIsNamed() {
        // the ServerHello of the trace with TLS_AES_128_CCM_SHA256 (0x1304) selected
        Object[][] recs = Arrays.copyOf(Rfc8448.records(), 3);
        recs[1] = new Object[] {false, Rfc8448.SH_REC.replace("e2692800130100", "e2692800130400")};
        Events e = feed(TlsSecrets.parseKeyLog(Rfc8448.keyLog(true, true)), recs);
        assertThat(e.failures).hasSize(2).allMatch(f -> f.contains("UNSUPPORTED_SUITE") && f.contains("0x1304"));
    }

    @Test
    void garbageIsMalformedNotAnException() {
        Events e = feed(TlsSecrets.parseKeyLog(Rfc8448.keyLog(true, true)),
                new Object[][] {{true, "ff00"}, {false, "16030300050200000100"}, {false, "160303000401000001"}});
        assertThat(e.failures).hasSize(2).allMatch(f -> f.contains("MALFORMED"));
        assertThat(e.failures).noneMatch(f -> f.contains("internal error"));
    }

    @Test
    void malformedServerHelloIsMalformed() {
        Object[][] recs = Arrays.copyOf(Rfc8448.records(), 2);
        recs[1] = new Object[] {false, "160303000602000002030300"};
        Events e = feed(TlsSecrets.parseKeyLog(Rfc8448.keyLog(true, true)), recs);
        assertThat(e.failures).hasSize(1);
        assertThat(e.failures.get(0)).startsWith("s MALFORMED").doesNotContain("internal error");
    }

    @Test
    void listenerExceptionsAreNotSwallowed() {
        TlsDecryptor d = new TlsDecryptor(TlsSecrets.parseKeyLog(Rfc8448.keyLog(true, true)), new TlsDecryptor.Listener() {
            @Override
            public void plaintext(boolean fromClient, int contentType, ByteBuf data) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void failed(boolean fromClient, DecryptFailure why, String detail) {
            }
        });
        Object[][] recs = Rfc8448.records();
        d.record(true, Unpooled.wrappedBuffer(HEX.parseHex((String) recs[0][1])));
        d.record(false, Unpooled.wrappedBuffer(HEX.parseHex((String) recs[1][1])));
        assertThatThrownBy(() -> d.record(false, Unpooled.wrappedBuffer(HEX.parseHex((String) recs[2][1]))))
                .isInstanceOf(IllegalStateException.class).hasMessage("listener bug");
    }

    @Test
    void recordIsNotConsumed() {
        Events e = new Events();
        TlsDecryptor d = new TlsDecryptor(TlsSecrets.NONE, e);
        ByteBuf b = Unpooled.wrappedBuffer(HEX.parseHex(Rfc8448.CH_REC));
        d.record(true, b);
        assertThat(b.readerIndex()).isZero();
        assertThat(d.state()).isEqualTo(TlsDecryptor.State.WAITING_FOR_HELLOS);
    }

    /** Seals one TLS 1.3 record under a traffic secret (BouncyCastle GCM directly), as a server would. */
    static String seal13(byte[] secret, long seq, int innerType, byte[] content) throws Exception {
        byte[] key = KeyDerivation.expandLabel(SuiteSpec.Hash.SHA256, secret, "key", new byte[0], 16);
        byte[] iv = KeyDerivation.expandLabel(SuiteSpec.Hash.SHA256, secret, "iv", new byte[0], 12);
        for (int i = 0; i < 8; i++) {
            iv[11 - i] ^= (byte) (seq >>> (8 * i));
        }
        byte[] inner = Arrays.copyOf(content, content.length + 1);
        inner[content.length] = (byte) innerType;
        int len = inner.length + 16;
        byte[] rec = new byte[5 + len];
        rec[0] = 23;
        rec[1] = 3;
        rec[2] = 3;
        rec[3] = (byte) (len >> 8);
        rec[4] = (byte) len;
        org.bouncycastle.crypto.modes.GCMModeCipher gcm =
                org.bouncycastle.crypto.modes.GCMBlockCipher.newInstance(org.bouncycastle.crypto.engines.AESEngine.newInstance());
        gcm.init(true, new org.bouncycastle.crypto.params.AEADParameters(new org.bouncycastle.crypto.params.KeyParameter(key), 128, iv));
        gcm.processAADBytes(rec, 0, 5);
        int n = gcm.processBytes(inner, 0, inner.length, rec, 5);
        gcm.doFinal(rec, 5 + n);
        return HEX.formatHex(rec);
    }

    /** A server KeyUpdate after RFC 8448's application data: the next record is under the updated secret (RFC 8446 7.2). */
    @Test
    void keyUpdateSwitchesToTheNextSecret() throws Exception {
        byte[] ap = HEX.parseHex(Rfc8448.SERVER_AP);
        byte[] next = KeyDerivation.expandLabel(SuiteSpec.Hash.SHA256, ap, "traffic upd", new byte[0], 32);
        Object[][] base = Arrays.copyOf(Rfc8448.records(), 7); // up to the client's application data
        Object[][] recs = Arrays.copyOf(base, 9);
        recs[7] = new Object[] {false, seal13(ap, 2, 22, HEX.parseHex("1800000100"))}; // KeyUpdate(update_not_requested)
        recs[8] = new Object[] {false, seal13(next, 0, 23, "after the key update".getBytes(java.nio.charset.StandardCharsets.US_ASCII))};
        Events e = feed(TlsSecrets.parseKeyLog(Rfc8448.keyLog(true, true)), recs);
        assertThat(e.failures).isEmpty();
        assertThat(e.plain).contains("s 22 1800000100");
        assertThat(e.plain.get(e.plain.size() - 1)).isEqualTo("s 23 " + HEX.formatHex("after the key update".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII)));
    }
}
