package io.rdpprobe.protocol.rdg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.testutil.Malformed;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every MS-TSGU 2.2.10 packet paired with its bytes. The byte strings are written out field by field from
 * the specification's layouts, in the form FreeRDP's rdg.c writes them (strings with their NUL, version 1.0).
 */
class RdgCodecTest {

    static Stream<Arguments> vectors() {
        return Stream.of(
                Arguments.of("handshake request, no extended auth",
                        HandshakeRequest.of(ExtendedAuth.NONE),
                        "0100 0000 0e000000  01 00 0000 0000"),
                Arguments.of("handshake request offering PAA",
                        HandshakeRequest.of(ExtendedAuth.PAA),
                        "0100 0000 0e000000  01 00 0000 0200"),
                Arguments.of("handshake response, S_OK, version 1.0",
                        new HandshakeResponse(0, 1, 0, 0, 0),
                        "0200 0000 12000000  00000000 01 00 0000 0000"),
                Arguments.of("tunnel create with QUAR_SOH, no optional fields",
                        TunnelCreate.of(Capabilities.QUAR_SOH, null),
                        "0400 0000 10000000  01000000 0000 0000"),
                Arguments.of("tunnel create with a PAA cookie \"ab\" (UTF-16LE with its NUL)",
                        TunnelCreate.of(Capabilities.QUAR_SOH, HttpBlob.utf16z("ab")),
                        "0400 0000 18000000  01000000 0100 0000  0600 6100 6200 0000"),
                Arguments.of("tunnel response with tunnel id 7 and capabilities 0x3f",
                        TunnelResponse.of(0, 7L, 0x3fL, null),
                        "0500 0000 1a000000  0100 00000000 0300 0000  07000000 3f000000"),
                Arguments.of("tunnel response E_PROXY_NAP_ACCESSDENIED with a consent message",
                        TunnelResponse.of(0x800759DBL, null, null, "ok"),
                        "0500 0000 1a000000  0100 db590780 1000 0000  0600 6f00 6b00 0000"),
                Arguments.of("tunnel auth, client name \"pc\"",
                        TunnelAuth.of("pc"),
                        "0600 0000 12000000  0000 0600 7000 6300 0000"),
                Arguments.of("tunnel auth response S_OK, redirection 0, idle timeout 30 minutes",
                        TunnelAuthResponse.of(0, 0L, 30L),
                        "0700 0000 18000000  00000000 0300 0000  00000000 1e000000"),
                Arguments.of("channel create for ts:3389, protocol RDP",
                        ChannelCreate.of("ts", 3389),
                        "0800 0000 16000000  01 00 3d0d 0300  0600 7400 7300 0000"),
                Arguments.of("channel create with one alternative name",
                        new ChannelCreate(List.of("a"), List.of("b"), 3389, 3),
                        "0800 0000 1a000000  01 01 3d0d 0300  0400 6100 0000  0400 6200 0000"),
                Arguments.of("channel response S_OK with channel id 1",
                        ChannelResponse.of(0, 1L),
                        "0900 0000 14000000  00000000 0100 0000  01000000"),
                Arguments.of("channel response with channel id, UDP port 3391 and an authn cookie",
                        new ChannelResponse(0, 7, 2L, 3391, new HttpBlob(new byte[] {9})),
                        "0900 0000 19000000  00000000 0700 0000  02000000 3f0d 0100 09"),
                Arguments.of("data packet carrying 4 bytes",
                        new DataPacket(new byte[] {3, 0, 0, 0x0b}),
                        "0a00 0000 0e000000  0400 0300000b"),
                Arguments.of("service message \"hi\"",
                        new ServiceMessage("hi"),
                        "0b00 0000 10000000  0600 6800 6900 0000"),
                Arguments.of("reauth message",
                        new ReauthMessage(0x0102030405060708L),
                        "0c00 0000 10000000  0807060504030201"),
                Arguments.of("keepalive", new Keepalive(), "0d00 0000 08000000"),
                Arguments.of("close channel E_PROXY_TS_CONNECTFAILED (Win32 form)",
                        new CloseChannel(false, 0x59DD),
                        "1000 0000 0c000000  dd590000"),
                Arguments.of("close channel response S_OK",
                        new CloseChannel(true, 0),
                        "1100 0000 0c000000  00000000"),
                Arguments.of("extended auth message with a 2-byte blob",
                        new ExtendedAuthMessage(0, new HttpBlob(new byte[] {1, 2})),
                        "0300 0000 10000000  00000000 0200 0102"),
                Arguments.of("a packet type outside the specification",
                        new UnknownPacket(0x42, new byte[] {1}),
                        "4200 0000 09000000  01"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void decodesAndEncodesTheSpecLayout(String name, RdgPacket packet, String hex) {
        byte[] bytes = Wire.unhex(hex);
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        assertThat(RdgHeader.frameLength(in, 65535 + 10)).isEqualTo(bytes.length);
        assertThat(RdgPacket.decode(in)).isEqualTo(packet);
        assertThat(in.isReadable()).as("consumes exactly packetLength").isFalse();
        ByteBuf out = Unpooled.buffer();
        packet.encode(out);
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(Wire.hex(bytes));
        assertThat(packet.encodedLength()).isEqualTo(bytes.length);
        Malformed.everyPrefixFails(bytes, RdgPacket::decode);
        Malformed.garbageOnlyThrowsDecodeException(bytes, RdgPacket::decode, bytes.length, 2_000);
    }

    @Test
    void twoPacketsInOneBufferAreFramedOneByOne() {
        ByteBuf b = Unpooled.wrappedBuffer(Wire.unhex("0d00 0000 08000000 0a00 0000 0b000000 0100 ff"));
        assertThat(RdgPacket.decode(b)).isEqualTo(new Keepalive());
        assertThat(RdgHeader.frameLength(b, 100)).isEqualTo(11);
        assertThat(RdgPacket.decode(b)).isEqualTo(new DataPacket(new byte[] {(byte) 0xff}));
    }

    @Test
    void frameLengthNeedsTheWholeHeaderAndBoundsTheLength() {
        assertThat(RdgHeader.frameLength(Unpooled.wrappedBuffer(Wire.unhex("0a00 0000 0b00")), 100))
                .isEqualTo(RdgHeader.NEED_MORE);
        assertThatThrownBy(() -> RdgHeader.frameLength(Unpooled.wrappedBuffer(Wire.unhex("0a00 0000 ffffff7f")), 70_000))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("packetLength").hasMessageContaining("2147483647");
        assertThatThrownBy(() -> RdgHeader.frameLength(Unpooled.wrappedBuffer(Wire.unhex("0a00 0000 04000000")), 100))
                .isInstanceOf(DecodeException.class).hasMessageContaining("claims 4");
    }

    @Test
    void dataLengthBeyondThePacketIsAnInvalidLength() {
        ByteBuf b = Unpooled.wrappedBuffer(Wire.unhex("0a00 0000 0b000000 0500 ff"));
        assertThatThrownBy(() -> RdgPacket.decode(b))
                .isInstanceOfSatisfying(DecodeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(DecodeException.Kind.INVALID_LENGTH);
                    assertThat(e.field()).isEqualTo("DATA.cbDataLen");
                });
    }

    @Test
    void dataPayloadIsASliceWithoutCopy() {
        ByteBuf b = Unpooled.wrappedBuffer(Wire.unhex("0a00 0000 0d000000 0300 030000"));
        ByteBuf p = DataPacket.payload(b);
        assertThat(ByteBufUtil.hexDump(p)).isEqualTo("030000");
        assertThat(p.unwrap()).isSameAs(b.unwrap() == null ? b : b.unwrap());
    }

    @Test
    void channelCreateWithoutResourcesIsInvalid() {
        ByteBuf b = Unpooled.wrappedBuffer(Wire.unhex("0800 0000 0e000000 00 00 3d0d 0300"));
        assertThatThrownBy(() -> RdgPacket.decode(b)).isInstanceOfSatisfying(DecodeException.class,
                e -> assertThat(e.field()).isEqualTo("CHANNEL_CREATE.numResources"));
    }

    @Test
    void freeRdpsTwentyByteNonceIsAccepted() {
        // SOH_REQ with a 20-byte nonce (as FreeRDP reads it) and then the certificate string "c"
        String nonce20 = "00".repeat(20);
        ByteBuf b = Unpooled.wrappedBuffer(Wire.unhex("0500 0000 2c000000 0100 00000000 0400 0000 " + nonce20 + "0400 6300 0000"));
        TunnelResponse r = TunnelResponse.decode(b);
        assertThat(r.nonce().length()).isEqualTo(20);
        assertThat(r.serverCert()).isEqualTo("c");
    }

    @Test
    void statusNamesMatchBothTheHresultAndTheWin32Form() {
        assertThat(new RdgStatus(0x800759DDL).name()).isEqualTo("E_PROXY_TS_CONNECTFAILED");
        assertThat(new RdgStatus(0x59DD).name()).isEqualTo("E_PROXY_TS_CONNECTFAILED");
        assertThat(new RdgStatus(0x800759DAL).name()).isEqualTo("E_PROXY_RAP_ACCESSDENIED");
        assertThat(new RdgStatus(0x80070005L).name()).isEqualTo("ERROR_ACCESS_DENIED");
        assertThat(new RdgStatus(0x8009030CL).name()).isEqualTo("SEC_E_LOGON_DENIED");
        assertThat(new RdgStatus(0x1234).name()).isEqualTo("UNKNOWN_HRESULT(0x00001234)");
        assertThat(new RdgStatus(-1).value()).isEqualTo(0xFFFFFFFFL);
        assertThat(RdgStatus.S_OK.isSuccess()).isTrue();
        assertThat(RdgStatus.E_PROXY_MAXCONNECTIONSREACHED.isSuccess()).isFalse();
    }

    @Test
    void flagNames() {
        assertThat(ExtendedAuth.names(ExtendedAuth.PAA | ExtendedAuth.SSPI_NTLM)).isEqualTo("PAA|SSPI_NTLM");
        assertThat(ExtendedAuth.names(0)).isEqualTo("NONE");
        assertThat(Capabilities.names(0x3f)).isEqualTo("QUAR_SOH|IDLE_TIMEOUT|MESSAGING_CONSENT_SIGN|MESSAGING_SERVICE_MSG|REAUTH|UDP_TRANSPORT");
        assertThat(Capabilities.redirectionNames(0x80000000L)).isEqualTo("ENABLE_ALL");
    }

    @Test
    void cookiesNeverPrintTheirBytes() {
        assertThat(HttpBlob.utf16z("secret-token").toString()).doesNotContain("secret").contains("26 bytes");
        assertThat(TunnelCreate.of(1, HttpBlob.utf16z("secret-token")).toString()).doesNotContain("secret");
    }
}
