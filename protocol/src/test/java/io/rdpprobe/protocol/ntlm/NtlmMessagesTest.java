package io.rdpprobe.protocol.ntlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class NtlmMessagesTest {
    static final byte[] CHALLENGE = Fixtures.ntlm("ms-nlmp-4.2.4.3-challenge");
    static final byte[] AUTHENTICATE = Fixtures.ntlm("ms-nlmp-4.2.4.3-authenticate");

    @Test
    void decodesTheSpecChallenge_4_2_4_3() {
        ChallengeMessage c = ChallengeMessage.decode(Unpooled.wrappedBuffer(CHALLENGE));
        assertThat(c.targetName()).isEqualTo("Server");
        assertThat(c.flags().value()).isEqualTo(0xe28a8233);
        assertThat(c.flags().names()).contains("NEGOTIATE_UNICODE", "NEGOTIATE_SEAL", "NEGOTIATE_KEY_EXCH",
                "NEGOTIATE_EXTENDED_SESSIONSECURITY", "TARGET_TYPE_SERVER", "NEGOTIATE_VERSION", "NEGOTIATE_TARGET_INFO");
        assertThat(c.serverChallenge()).isEqualTo(NtlmVectorsTest.SERVER_CHALLENGE);
        assertThat(c.version()).isEqualTo(new NtlmVersion(6, 0, 6000, 15));
        assertThat(c.version().windowsName()).isEqualTo("Windows Vista / Server 2008 (6.0 build 6000)");
        assertThat(c.targetInfo().nbDomainName()).contains("Domain");
        assertThat(c.targetInfo().nbComputerName()).contains("Server");
        assertThat(c.targetInfo().timestampMillis()).isEmpty();
        assertThat(c.targetInfo().pairs()).hasSize(2);
    }

    @Test
    void challengeRoundTripsByteForByte() {
        ChallengeMessage c = ChallengeMessage.decode(Unpooled.wrappedBuffer(CHALLENGE));
        assertThat(c.toBytes()).isEqualTo(CHALLENGE);
        assertThat(c.encodedLength()).isEqualTo(CHALLENGE.length);
    }

    @Test
    void authenticateRoundTripsByteForByte() {
        AuthenticateMessage a = AuthenticateMessage.decode(Unpooled.wrappedBuffer(AUTHENTICATE));
        assertThat(a.toBytes()).isEqualTo(AUTHENTICATE);
        assertThat(a.encodedLength()).isEqualTo(AUTHENTICATE.length);
    }

    @Test
    void negotiateRoundTrips() {
        NegotiateMessage n = new NegotiateMessage(NegotiateFlags.CREDSSP_CLIENT
                .with(NegotiateFlags.NEGOTIATE_OEM_DOMAIN_SUPPLIED | NegotiateFlags.NEGOTIATE_OEM_WORKSTATION_SUPPLIED),
                "DOM", "WS", new NtlmVersion(10, 0, 17763, 15));
        byte[] b = n.toBytes();
        assertThat(NegotiateMessage.decode(Unpooled.wrappedBuffer(b))).isEqualTo(n);
        assertThat(b).hasSize(n.encodedLength());
        NegotiateMessage bare = new NegotiateMessage(NegotiateFlags.CREDSSP_CLIENT, "", "", new NtlmVersion(10, 0, 19041, 15));
        assertThat(bare.toBytes()).hasSize(40);
        assertThat(NegotiateMessage.decode(Unpooled.wrappedBuffer(bare.toBytes()))).isEqualTo(bare);
    }

    @Test
    void authenticateWithMicRoundTrips() {
        AuthenticateMessage a = AuthenticateMessage.decode(Unpooled.wrappedBuffer(AUTHENTICATE));
        AuthenticateMessage withMic = a.withMic(NtlmVectorsTest.filled(16, 0x42));
        byte[] b = withMic.toBytes();
        AuthenticateMessage back = AuthenticateMessage.decode(Unpooled.wrappedBuffer(b));
        assertThat(back.mic()).isEqualTo(NtlmVectorsTest.filled(16, 0x42));
        assertThat(back.toBytes()).isEqualTo(b);
        assertThat(Arrays.copyOfRange(b, AuthenticateMessage.MIC_OFFSET, AuthenticateMessage.MIC_OFFSET + 16))
                .isEqualTo(NtlmVectorsTest.filled(16, 0x42));
    }

    @Test
    void everyTruncatedPrefixThrowsDecodeException() {
        assertPrefixesFail(CHALLENGE, ChallengeMessage::decode);
        assertPrefixesFail(AUTHENTICATE, AuthenticateMessage::decode);
        byte[] neg = new NegotiateMessage(NegotiateFlags.CREDSSP_CLIENT.with(NegotiateFlags.NEGOTIATE_OEM_DOMAIN_SUPPLIED
                | NegotiateFlags.NEGOTIATE_OEM_WORKSTATION_SUPPLIED), "DOMAIN", "WS", new NtlmVersion(10, 0, 1, 15)).toBytes();
        assertPrefixesFail(neg, NegotiateMessage::decode);
        // the NTLMv2 response: every prefix shorter than its fixed part fails
        byte[] nt = AuthenticateMessage.decode(Unpooled.wrappedBuffer(AUTHENTICATE)).ntChallengeResponse();
        for (int n = 0; n < 44; n++) {
            int len = n;
            assertThat(catchThrowable(() -> Ntlmv2Response.decode(Arrays.copyOf(nt, len)))).isInstanceOf(DecodeException.class);
        }
    }

    static void assertPrefixesFail(byte[] msg, Function<ByteBuf, ?> decoder) {
        for (int n = 0; n < msg.length; n++) {
            int len = n;
            Throwable t = catchThrowable(() -> decoder.apply(Unpooled.wrappedBuffer(Arrays.copyOf(msg, len))));
            assertThat(t).as("prefix of %d bytes", n).isInstanceOf(DecodeException.class);
            assertThat(((DecodeException) t).kind()).as("prefix %d: %s", n, t.getMessage())
                    .isIn(DecodeException.Kind.NOT_ENOUGH_BYTES, DecodeException.Kind.INVALID_LENGTH);
        }
    }

    @Test
    void offsetsOutsideTheMessageAreRejected() {
        byte[] bad = CHALLENGE.clone();
        bad[40] = (byte) 0xff; // TargetInfoFields.Len = 0x24ff
        assertThatThrownBy(() -> ChallengeMessage.decode(Unpooled.wrappedBuffer(bad)))
                .isInstanceOf(DecodeException.class).hasMessageContaining("CHALLENGE.TargetInfo");
        byte[] bad2 = CHALLENGE.clone();
        bad2[16] = 0x10; // TargetName offset 0x10: inside the fixed part
        assertThatThrownBy(() -> ChallengeMessage.decode(Unpooled.wrappedBuffer(bad2)))
                .isInstanceOf(DecodeException.class).hasMessageContaining("TargetName");
        byte[] bad3 = CHALLENGE.clone();
        bad3[8] = 3;
        assertThatThrownBy(() -> ChallengeMessage.decode(Unpooled.wrappedBuffer(bad3)))
                .isInstanceOf(DecodeException.class).hasMessageContaining("MessageType");
    }

    @Test
    void randomGarbageThrowsOnlyDecodeException() {
        Random r = new Random(4242);
        List<Function<ByteBuf, ?>> decoders = List.of(ChallengeMessage::decode, AuthenticateMessage::decode,
                NegotiateMessage::decode, AvPairs::decode, Ntlmv2Response::decode);
        for (int i = 0; i < 4000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[r.nextInt(200)];
                r.nextBytes(b);
            } else {
                byte[] base = (i % 4 == 1) ? CHALLENGE : AUTHENTICATE;
                b = base.clone();
                for (int k = 0; k < 1 + r.nextInt(6); k++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt();
                }
            }
            for (Function<ByteBuf, ?> d : decoders) {
                byte[] in = b;
                try {
                    d.apply(Unpooled.wrappedBuffer(in));
                } catch (DecodeException expected) {
                    // fine
                }
            }
        }
    }

    @Test
    void avPairsRoundTripAllIds() {
        AvPairs p = new AvPairs(List.of(
                AvPair.ofString(AvPair.MSV_AV_NB_COMPUTER_NAME, "SRV01"),
                AvPair.ofString(AvPair.MSV_AV_NB_DOMAIN_NAME, "CORP"),
                AvPair.ofString(AvPair.MSV_AV_DNS_COMPUTER_NAME, "srv01.corp.example"),
                AvPair.ofString(AvPair.MSV_AV_DNS_DOMAIN_NAME, "corp.example"),
                AvPair.ofString(AvPair.MSV_AV_DNS_TREE_NAME, "example"),
                AvPair.ofU32(AvPair.MSV_AV_FLAGS, 2),
                AvPair.timestampMillis(1_700_000_000_123L),
                new AvPair(AvPair.MSV_AV_SINGLE_HOST, new byte[48]),
                AvPair.ofString(AvPair.MSV_AV_TARGET_NAME, "TERMSRV/srv01"),
                new AvPair(AvPair.MSV_AV_CHANNEL_BINDINGS, new byte[16]),
                new AvPair(0x00ff, new byte[] {1, 2})));
        byte[] b = p.toBytes();
        assertThat(b).hasSize(p.encodedLength());
        AvPairs back = AvPairs.decode(b);
        assertThat(back).isEqualTo(p);
        assertThat(back.dnsTreeName()).contains("example");
        assertThat(back.flags()).contains(2);
        assertThat(back.timestampMillis()).contains(1_700_000_000_123L);
        assertThat(back.get(0xff).orElseThrow().name()).isEqualTo("UNKNOWN(0x00ff)");
        assertThat(back.toString()).contains("MsvAvDnsComputerName=srv01.corp.example");
        assertThat(p.with(AvPair.ofU32(AvPair.MSV_AV_FLAGS, 6)).flags()).contains(6);
    }

    @Test
    void flagsNamesKeepUnknownBits() {
        NegotiateFlags f = new NegotiateFlags(0xE2088235 | 0x08);
        assertThat(f.names()).containsExactly("NEGOTIATE_UNICODE", "REQUEST_TARGET", "NEGOTIATE_SIGN", "NEGOTIATE_SEAL",
                "NEGOTIATE_NTLM", "NEGOTIATE_ALWAYS_SIGN", "NEGOTIATE_EXTENDED_SESSIONSECURITY", "NEGOTIATE_VERSION",
                "NEGOTIATE_128", "NEGOTIATE_KEY_EXCH", "NEGOTIATE_56", "0x00000008");
    }

    @Test
    void versionNames() {
        assertThat(new NtlmVersion(10, 0, 17763, 15).windowsName()).isEqualTo("Windows 10 1809 / Server 2019 (10.0 build 17763)");
        assertThat(new NtlmVersion(10, 0, 12345, 15).windowsName()).isEqualTo("Windows 10 / Server 2016+ (10.0 build 12345)");
        assertThat(new NtlmVersion(6, 1, 7601, 15).windowsName()).isEqualTo("Windows 7 / Server 2008 R2 (6.1 build 7601)");
        assertThat(new NtlmVersion(6, 3, 9600, 15).windowsName()).startsWith("Windows 8.1 / Server 2012 R2");
        assertThat(new NtlmVersion(10, 0, 20348, 15).windowsName()).startsWith("Windows Server 2022");
        ByteBuf b = Unpooled.buffer();
        new NtlmVersion(10, 0, 26100, 15).encode(b);
        assertThat(NtlmVersion.decode(b)).isEqualTo(new NtlmVersion(10, 0, 26100, 15));
    }

    @Test
    void minimalOldStyleChallengeOf32Bytes() {
        byte[] min = Arrays.copyOf(CHALLENGE, 32);
        min[12] = 0; // TargetNameFields.Len = 0
        min[14] = 0;
        ChallengeMessage c = ChallengeMessage.decode(Unpooled.wrappedBuffer(min));
        assertThat(c.targetInfo()).isNull();
        assertThat(c.version()).isNull();
        assertThat(c.targetName()).isEmpty();
        // old form with the target name right after the 32-byte header
        byte[] old = new byte[32 + 12];
        System.arraycopy(min, 0, old, 0, 32);
        old[12] = 12;
        old[14] = 12;
        old[16] = 32;
        byte[] name = "Server".getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        System.arraycopy(name, 0, old, 32, 12);
        ChallengeMessage o = ChallengeMessage.decode(Unpooled.wrappedBuffer(old));
        assertThat(o.targetName()).isEqualTo("Server");
        assertThat(o.targetInfo()).isNull();
    }
}
