package io.rdpprobe.protocol.credssp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.ntlm.Fixtures;
import io.rdpprobe.protocol.ntlm.NegotiateMessage;
import io.rdpprobe.protocol.ntlm.NtlmVersion;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TsRequestTest {
    static byte[] seq(int n, int from) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    static TsRequest full(int version) {
        return new TsRequest(version, List.of(seq(40, 1), seq(3, 9)), seq(200, 7), seq(286, 3),
                0xC000006D, version >= 5 ? seq(32, 0x40) : null);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 6})
    void roundTripsEveryField(int version) {
        TsRequest r = full(version);
        byte[] der = r.toBytes();
        assertThat(der[0]).isEqualTo((byte) 0x30);
        assertThat(r.encodedLength()).isEqualTo(der.length);
        assertThat(TsRequest.frameLength(Unpooled.wrappedBuffer(der))).isEqualTo(der.length);
        TsRequest back = TsRequest.decode(der);
        assertThat(back).isEqualTo(r);
        assertThat(back.version()).isEqualTo(version);
        assertThat(back.negoTokens()).hasSize(2);
        assertThat(back.negoTokens().get(1)).isEqualTo(seq(3, 9));
        assertThat(back.authInfo()).isEqualTo(seq(200, 7));
        assertThat(back.pubKeyAuth()).isEqualTo(seq(286, 3));
        assertThat(back.errorCode()).isEqualTo(0xC000006D);
        assertThat(back.status()).isEqualTo(NtStatus.STATUS_LOGON_FAILURE);
        assertThat(back.toBytes()).isEqualTo(der);
        ByteBuf buf = Unpooled.buffer();
        r.encode(buf);
        buf.writeBytes(new byte[] {1, 2, 3});
        TsRequest.decode(buf);
        assertThat(buf.readableBytes()).isEqualTo(3);
    }

    @Test
    void errorCodeAsWindowsSendsIt() {
        byte[] b = Fixtures.hex("credssp", "tsrequest-v6-errorcode-logon-failure");
        TsRequest r = TsRequest.decode(b);
        assertThat(r.version()).isEqualTo(6);
        assertThat(r.errorCode()).isEqualTo(0xC000006D);
        assertThat(r.status().name()).isEqualTo("STATUS_LOGON_FAILURE");
        assertThat(r.negoTokens()).isEmpty();
        assertThat(r.toBytes()).isEqualTo(b);
    }

    @Test
    void errorCodeAsFiveBytePositiveInteger() {
        TsRequest r = TsRequest.decode(Fixtures.hex("credssp", "tsrequest-v3-errorcode-5byte"));
        assertThat(r.errorCode()).isEqualTo(0xC000006D);
        assertThat(r.version()).isEqualTo(3);
    }

    @Test
    void rawNtlmNegotiateFixture() {
        byte[] b = Fixtures.hex("credssp", "tsrequest-v96-raw-ntlm-negotiate");
        TsRequest r = TsRequest.decode(b);
        assertThat(r.version()).isEqualTo(0x60);
        NegotiateMessage n = NegotiateMessage.decode(Unpooled.wrappedBuffer(r.firstToken()));
        assertThat(n.flags().value()).isEqualTo(0xe20882b7);
        assertThat(n.version()).isEqualTo(new NtlmVersion(10, 0, 17763, 15));
        assertThat(r.toBytes()).isEqualTo(b);
    }

    @Test
    void freerdpShadowChallengeRecording() {
        byte[] b = Fixtures.hex("credssp", "freerdp-2.11-shadow-challenge-v6");
        assertThat(TsRequest.frameLength(Unpooled.wrappedBuffer(b))).isEqualTo(b.length);
        TsRequest r = TsRequest.decode(b);
        assertThat(r.version()).isEqualTo(6);
        assertThat(r.clientNonce()).hasSize(32);
        assertThat(r.toBytes()).isEqualTo(b);
        io.rdpprobe.protocol.ntlm.ChallengeMessage ch =
                io.rdpprobe.protocol.ntlm.ChallengeMessage.decode(Unpooled.wrappedBuffer(r.firstToken()));
        assertThat(ch.targetName()).isEqualTo("VM");
        assertThat(ch.flags().value()).isEqualTo(0xe2888235);
        assertThat(ch.version()).isEqualTo(new NtlmVersion(6, 1, 7601, 15));
        assertThat(ch.targetInfo().nbComputerName()).contains("VM");
        assertThat(ch.targetInfo().dnsComputerName()).contains("vm");
        assertThat(ch.targetInfo().dnsTreeName()).isEmpty();
        assertThat(ch.targetInfo().timestampMillis()).hasValueSatisfying(ms -> assertThat(ms).isBetween(1_790_000_000_000L,
                1_800_000_000_000L));
        assertThat(ch.toBytes()).isEqualTo(r.firstToken());
    }

    @Test
    void freerdpShadowPubKeyAuthRecordings() {
        TsRequest v6 = TsRequest.decode(Fixtures.hex("credssp", "freerdp-2.11-shadow-pubkeyauth-v6"));
        assertThat(v6.pubKeyAuth()).hasSize(16 + 32);
        assertThat(v6.negoTokens()).isEmpty();
        assertThat(v6.toBytes()).isEqualTo(Fixtures.hex("credssp", "freerdp-2.11-shadow-pubkeyauth-v6"));
        TsRequest v3 = TsRequest.decode(Fixtures.hex("credssp", "freerdp-2.11-shadow-pubkeyauth-v3-echo"));
        assertThat(v3.pubKeyAuth()).hasSize(16 + 270);
        assertThat(v3.pubKeyAuth()[0]).isEqualTo((byte) 1); // signature version
        assertThat(v3.toBytes()).isEqualTo(Fixtures.hex("credssp", "freerdp-2.11-shadow-pubkeyauth-v3-echo"));
    }

    @Test
    void frameLengthProbe() {
        assertThat(TsRequest.frameLength(Unpooled.buffer())).isEqualTo(TsRequest.NEED_MORE);
        assertThat(TsRequest.frameLength(Unpooled.wrappedBuffer(new byte[] {0x30}))).isEqualTo(TsRequest.NEED_MORE);
        assertThat(TsRequest.frameLength(Unpooled.wrappedBuffer(new byte[] {0x30, 0x05}))).isEqualTo(7);
        assertThat(TsRequest.frameLength(Unpooled.wrappedBuffer(new byte[] {0x30, (byte) 0x82, 0x01}))).isEqualTo(TsRequest.NEED_MORE);
        assertThat(TsRequest.frameLength(Unpooled.wrappedBuffer(new byte[] {0x30, (byte) 0x82, 0x01, 0x00}))).isEqualTo(260);
        assertThat(TsRequest.frameLength(Unpooled.wrappedBuffer(new byte[] {0x30, (byte) 0x83, 0x00, (byte) 0xff, (byte) 0xf0})))
                .isEqualTo(65525);
        assertThatThrownBy(() -> TsRequest.frameLength(Unpooled.wrappedBuffer(new byte[] {0x30, (byte) 0x83, 0x01, 0x00, 0x00})))
                .isInstanceOf(DecodeException.class).hasMessageContaining("exceeds");
        assertThatThrownBy(() -> TsRequest.frameLength(Unpooled.wrappedBuffer(new byte[] {0x30, (byte) 0x84, 0x7f, 0, 0, 0})))
                .isInstanceOf(DecodeException.class);
        assertThatThrownBy(() -> TsRequest.frameLength(Unpooled.wrappedBuffer(new byte[] {0x30, (byte) 0x80})))
                .isInstanceOf(DecodeException.class).hasMessageContaining("indefinite");
        assertThatThrownBy(() -> TsRequest.frameLength(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x03})))
                .isInstanceOf(DecodeException.class).hasMessageContaining("0x16");
        ByteBuf b = Unpooled.wrappedBuffer(new byte[] {0x30, 0x05});
        TsRequest.frameLength(b);
        assertThat(b.readerIndex()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 6})
    void everyTruncatedPrefixThrows(int version) {
        byte[] der = full(version).toBytes();
        for (int n = 0; n < der.length; n++) {
            int len = n;
            Throwable t = catchThrowable(() -> TsRequest.decode(Unpooled.wrappedBuffer(Arrays.copyOf(der, len))));
            assertThat(t).as("prefix %d", n).isInstanceOf(DecodeException.class);
            assertThat(((DecodeException) t).kind()).isIn(DecodeException.Kind.NOT_ENOUGH_BYTES, DecodeException.Kind.INVALID_LENGTH);
        }
    }

    @Test
    void malformedInnerDerIsADecodeException() {
        // outer length fine, inner garbage
        byte[] b = {0x30, 0x03, (byte) 0xa0, 0x05, 0x02};
        Throwable t = catchThrowable(() -> TsRequest.decode(b));
        assertThat(t).isInstanceOf(DecodeException.class);
        assertThat(((DecodeException) t).layer()).isEqualTo(io.rdpprobe.protocol.codec.Layer.CREDSSP);
        // missing version
        assertThatThrownBy(() -> TsRequest.decode(new byte[] {0x30, 0x04, (byte) 0xa2, 0x02, 0x04, 0x00}))
                .isInstanceOf(DecodeException.class).hasMessageContaining("version");
        // implicit tag instead of explicit
        assertThatThrownBy(() -> TsRequest.decode(new byte[] {0x30, 0x03, (byte) 0x80, 0x01, 0x06}))
                .isInstanceOf(DecodeException.class);
        // out of order
        assertThatThrownBy(() -> TsRequest.decode(new byte[] {0x30, 0x0a, (byte) 0xa0, 0x03, 0x02, 0x01, 0x06,
                (byte) 0xa0, 0x03, 0x02, 0x01, 0x06})).isInstanceOf(DecodeException.class);
        // trailing bytes in the byte[] form
        byte[] ok = Fixtures.hex("credssp", "tsrequest-v6-errorcode-logon-failure");
        byte[] longer = Arrays.copyOf(ok, ok.length + 1);
        assertThatThrownBy(() -> TsRequest.decode(longer)).isInstanceOf(DecodeException.class);
    }

    @Test
    void deepNestingIsRefusedBeforeBouncyCastle() {
        // 30 83 00 ff f0 then 30 80 30 80 ... (BER indefinite) and then definite-length nesting
        byte[] b = new byte[5 + 0xfff0];
        b[0] = 0x30;
        b[1] = (byte) 0x83;
        b[2] = 0;
        b[3] = (byte) 0xff;
        b[4] = (byte) 0xf0;
        for (int i = 5; i < b.length; i += 2) {
            b[i] = 0x30;
            b[i + 1] = (byte) 0x80;
        }
        Throwable t = catchThrowable(() -> TsRequest.decode(b));
        assertThat(t).isInstanceOf(DecodeException.class).hasMessageContaining("indefinite");
        // definite lengths nested 40 deep
        byte[] nested = {0x05, 0x00};
        for (int i = 0; i < 40; i++) {
            byte[] n = new byte[nested.length + 2];
            n[0] = 0x30;
            n[1] = (byte) nested.length;
            System.arraycopy(nested, 0, n, 2, nested.length);
            nested = n;
            if (nested.length > 120) {
                break;
            }
        }
        byte[] deep = nested;
        assertThatThrownBy(() -> TsRequest.decode(deep)).isInstanceOf(DecodeException.class);
    }

    @Test
    void randomGarbageThrowsOnlyDecodeException() {
        Random r = new Random(7);
        byte[] base = full(6).toBytes();
        for (int i = 0; i < 5000; i++) {
            byte[] b;
            if (i % 3 == 0) {
                b = new byte[r.nextInt(120)];
                r.nextBytes(b);
                if (b.length > 1) {
                    b[0] = 0x30;
                    b[1] = (byte) Math.min(0x7f, b.length - 2);
                }
            } else {
                b = base.clone();
                for (int k = 0; k < 1 + r.nextInt(4); k++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt();
                }
            }
            try {
                TsRequest.decode(Unpooled.wrappedBuffer(b));
            } catch (DecodeException expected) {
                // fine
            }
            try {
                TsCredentials.decode(b);
            } catch (DecodeException expected) {
                // fine
            }
            try {
                TsPasswordCreds.decode(b);
            } catch (DecodeException expected) {
                // fine
            }
        }
    }

    @Test
    void credentialsEncodeAndDecodeWithoutLeakingThePassword() {
        TsPasswordCreds p = new TsPasswordCreds("CORP", "alice", "S3cret!".toCharArray());
        byte[] der = p.toBytes();
        TsCredentials c = new TsCredentials(TsCredentials.PASSWORD, der);
        TsCredentials back = TsCredentials.decode(c.toBytes());
        assertThat(back.credType()).isEqualTo(1);
        TsPasswordCreds pb = TsPasswordCreds.decode(back.credentials());
        assertThat(pb).isEqualTo(p);
        assertThat(pb.password()).containsExactly("S3cret!".toCharArray());
        assertThat(pb.toString()).doesNotContain("S3cret").contains("***");
        assertThat(c.toString()).doesNotContain("S3cret");
        pb.clear();
        assertThat(pb.password()).containsOnly('\0');
        // Restricted Admin: all empty
        byte[] empty = new TsPasswordCreds("", "", new char[0]).toBytes();
        assertThat(empty).containsExactly(0x30, 0x0c, 0xa0, 0x02, 0x04, 0x00, 0xa1, 0x02, 0x04, 0x00, 0xa2, 0x02, 0x04, 0x00);
    }

    @Test
    void toStringShowsStatusNames() {
        assertThat(TsRequest.decode(Fixtures.hex("credssp", "tsrequest-v6-errorcode-logon-failure")).toString())
                .contains("STATUS_LOGON_FAILURE (0xC000006D)");
    }
}
