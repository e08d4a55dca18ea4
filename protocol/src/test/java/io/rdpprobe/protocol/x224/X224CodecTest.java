package io.rdpprobe.protocol.x224;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.testutil.Fixtures;
import io.rdpprobe.protocol.testutil.Malformed;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class X224CodecTest {

    /** Real replies measured on loopback (shared/docs/lab-notes.md section 1 and 2). */
    static Stream<Arguments> realConfirms() {
        return Stream.of(
                // xrdp 0.9.21 rdp mode: RDP_NEG_RSP selecting PROTOCOL_RDP, flags EXTENDED_CLIENT_DATA_SUPPORTED
                Arguments.of("030000130ed000001234000201080000000000",
                        new ConnectionConfirm(0, 0x1234, 0, new NegotiationResponse(0x01, Protocols.RDP))),
                // xrdp tls mode: selects SSL
                Arguments.of("030000130ed000001234000201080001000000",
                        new ConnectionConfirm(0, 0x1234, 0, new NegotiationResponse(0x01, Protocols.SSL))),
                // xrdp tls mode to an RDP-only request: RDP_NEG_FAILURE SSL_REQUIRED_BY_SERVER
                Arguments.of("030000130ed000001234000300080001000000",
                        new ConnectionConfirm(0, 0x1234, 0, new NegotiationFailure(0, FailureCode.SSL_REQUIRED_BY_SERVER))),
                // xrdp answering a legacy CR: bare CC
                Arguments.of("0300000b06d00000123400", new ConnectionConfirm(0, 0x1234, 0, null)),
                // FreeRDP shadow server nla mode: HYBRID_REQUIRED_BY_SERVER, src-ref 0
                Arguments.of("030000130ed000000000000300080005000000",
                        new ConnectionConfirm(0, 0, 0, new NegotiationFailure(0, FailureCode.HYBRID_REQUIRED_BY_SERVER))),
                // FreeRDP shadow server nla mode selecting HYBRID, flags 0x03
                Arguments.of("030000130ed000000000000203080002000000",
                        new ConnectionConfirm(0, 0, 0, new NegotiationResponse(0x03, Protocols.HYBRID))));
    }

    @ParameterizedTest
    @MethodSource("realConfirms")
    void decodesAndReencodesRealConfirms(String hex, ConnectionConfirm expected) {
        ByteBuf in = Fixtures.buf(hex);
        ConnectionConfirm cc = ConnectionConfirm.decode(in);
        assertThat(cc).isEqualTo(expected);
        assertThat(in.isReadable()).isFalse();
        ByteBuf out = Unpooled.buffer();
        cc.encode(out);
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(hex);
        assertThat(cc.encodedLength()).isEqualTo(hex.length() / 2);
        assertThat(X224Tpdu.decode(Fixtures.buf(hex))).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("realConfirms")
    void everyTruncatedConfirmFails(String hex, ConnectionConfirm ignored) {
        Malformed.everyPrefixFails(Wire.unhex(hex), ConnectionConfirm::decode);
        Malformed.everyPrefixFails(Wire.unhex(hex), X224Tpdu::decode);
    }

    @Test
    void encodesTheMinimalRequestFromTheSpecNotes() {
        // protocol-notes 1.2: CR with RDP_NEG_REQ asking SSL|HYBRID
        ConnectionRequest cr = ConnectionRequest.of(null, Protocols.SSL | Protocols.HYBRID);
        ByteBuf out = Unpooled.buffer();
        cr.encode(out);
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo("030000130ee000000000000100080003000000");
        assertThat(ConnectionRequest.decode(out)).isEqualTo(cr);
    }

    @Test
    void roundTripsCookieRoutingTokenAndCorrelationInfo() {
        byte[] id = Wire.unhex("0102030405060708090a0b0c0e0f1011");
        List<ConnectionRequest> crs = List.of(
                ConnectionRequest.of(new CrToken.Cookie("administrator"), 0x0b),
                new ConnectionRequest(0, 0, 0, new CrToken.RoutingToken("tsv://MS Terminal Services Plugin.1.Sales"),
                        new NegotiationRequest(NegotiationRequest.CORRELATION_INFO_PRESENT, 3), new CorrelationInfo(id)),
                new ConnectionRequest(0, 0, 0, new CrToken.RoutingToken("Cookie: msts=3640205228.15629.0000"), null, null),
                ConnectionRequest.legacy(new CrToken.Cookie("u")),
                ConnectionRequest.legacy(null));
        for (ConnectionRequest cr : crs) {
            ByteBuf out = Unpooled.buffer();
            cr.encode(out);
            assertThat(out.readableBytes()).isEqualTo(cr.encodedLength());
            byte[] bytes = ByteBufUtil.getBytes(out);
            assertThat(ConnectionRequest.decode(Unpooled.wrappedBuffer(bytes))).isEqualTo(cr);
            Malformed.everyPrefixFails(bytes, ConnectionRequest::decode);
        }
        assertThat(new CorrelationInfo(id).isValidId()).isTrue();
        assertThat(new CorrelationInfo(new byte[16]).isValidId()).isFalse();
    }

    @Test
    void decodesAMstscStyleRequestWithCookie() {
        // "Cookie: mstshash=eltons\r\n" + RDP_NEG_REQ(SSL|HYBRID) as in MS-RDPBCGR 4.1.1
        String hex = "03 00 00 2c 27 e0 00 00 00 00 00 43 6f 6f 6b 69 65 3a 20 6d 73 74 73 68 61 73 68 3d 65 6c 74 6f 6e"
                + " 73 0d 0a 01 00 08 00 03 00 00 00";
        ConnectionRequest cr = ConnectionRequest.decode(Fixtures.buf(hex));
        assertThat(cr.token()).isEqualTo(new CrToken.Cookie("eltons"));
        assertThat(cr.requestedProtocols()).isEqualTo(3);
        assertThat(Protocols.describe(cr.requestedProtocols())).isEqualTo("SSL|HYBRID");
    }

    @Test
    void rejectsACookieWithoutCrLf() {
        ConnectionRequest good = ConnectionRequest.legacy(new CrToken.Cookie("abc"));
        ByteBuf out = Unpooled.buffer();
        good.encode(out);
        byte[] b = ByteBufUtil.getBytes(out);
        b[b.length - 1] = 'x'; // LF -> x
        assertThatThrownBy(() -> ConnectionRequest.decode(Unpooled.wrappedBuffer(b)))
                .isInstanceOf(DecodeException.class)
                .satisfies(e -> assertThat(((DecodeException) e).field()).isEqualTo("CR.cookie"));
    }

    @Test
    void aCrIsReadInPlaceWithTheFramesOffsets() {
        // RDP_NEG_REQ with length 9 instead of 8: its length field is byte 13 of the frame (not of the variable part)
        DecodeException e = (DecodeException) org.assertj.core.api.Assertions.catchThrowable(() ->
                ConnectionRequest.decode(Fixtures.buf("030000130ee00000000000010009000b000000")));
        assertThat(e.field()).isEqualTo("RDP_NEG_REQ.length");
        assertThat(e.offset()).isEqualTo(13);
        // a good CR followed by the next frame's bytes: the reader stops at the frame's end, the writer index is kept
        ByteBuf two = Unpooled.buffer().writeBytes(Fixtures.buf("030000130ee00000000000010008000b000000"))
                .writeBytes(new byte[] {3, 0});
        assertThat(ConnectionRequest.decode(two).requestedProtocols()).isEqualTo(0x0b);
        assertThat(two.readerIndex()).isEqualTo(19);
        assertThat(two.writerIndex()).isEqualTo(21);
    }

    @Test
    void namesLayerFieldAndOffsetOfABadNegotiationLength() {
        // RDP_NEG_RSP with length 9 instead of 8
        DecodeException e = (DecodeException) org.assertj.core.api.Assertions.catchThrowable(() ->
                ConnectionConfirm.decode(Fixtures.buf("030000130ed000001234000201090001000000")));
        assertThat(e.layer()).isEqualTo(Layer.X224);
        assertThat(e.field()).isEqualTo("RDP_NEG_RSP.length");
        assertThat(e.offset()).isEqualTo(13);
        assertThat(e.kind()).isEqualTo(DecodeException.Kind.INVALID_LENGTH);
    }

    @Test
    void keepsUnknownFailureCodesAndFlags() {
        ConnectionConfirm cc = ConnectionConfirm.decode(Fixtures.buf("030000130ed000001234000300080099000000"));
        NegotiationFailure f = (NegotiationFailure) cc.negotiation();
        assertThat(f.failureCode().isKnown()).isFalse();
        assertThat(f.failureCode().name()).isEqualTo("UNKNOWN_FAILURE_CODE(0x00000099)");
        NegotiationResponse r = new NegotiationResponse(0x1f | 0x40, Protocols.HYBRID_EX);
        assertThat(r.flagNames()).contains("EXTENDED_CLIENT_DATA_SUPPORTED", "REDIRECTED_AUTHENTICATION_MODE_SUPPORTED", "0x40");
        assertThat(Protocols.names(0x1f | 0x100)).containsExactly("SSL", "HYBRID", "RDSTLS", "HYBRID_EX", "RDSAAD", "0x00000100");
    }

    @Test
    void decodesDisconnectRequestAndErrorTpdus() {
        DisconnectRequest dr = new DisconnectRequest(0, 0x1234, 136);
        ByteBuf out = Unpooled.buffer();
        dr.encode(out);
        assertThat(X224Tpdu.decode(out)).isEqualTo(dr);
        assertThat(dr.reasonName()).contains("refused");
        ErrorTpdu er = new ErrorTpdu(0, 2);
        out = Unpooled.buffer();
        er.encode(out);
        assertThat(X224Tpdu.decode(out)).isEqualTo(er);
        assertThat(er.causeName()).isEqualTo("invalid TPDU type");
    }

    @Test
    void dataTpduHeader() {
        ByteBuf out = Unpooled.buffer();
        DataTpdu.writeHeader(out, 2);
        out.writeByte(0x21).writeByte(0x80); // Disconnect Provider Ultimatum
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo("0300000902f0802180");
        DataTpdu dt = (DataTpdu) X224Tpdu.decode(out.duplicate());
        assertThat(ByteBufUtil.hexDump(dt.userData())).isEqualTo("2180");
        Malformed.everyPrefixFails(ByteBufUtil.getBytes(out), DataTpdu::decode);
    }

    @Test
    void garbageRaisesOnlyDecodeException() {
        Malformed.garbageOnlyThrowsDecodeException(Wire.unhex("030000130ed000001234000201080001000000"),
                X224Tpdu::decode, 42, 20_000);
        Malformed.garbageOnlyThrowsDecodeException(Wire.unhex("030000130ee000000000000100080003000000"),
                ConnectionRequest::decode, 43, 20_000);
    }

    @Test
    void protocolListsParse() {
        assertThat(Protocols.parse("ssl,hybrid,hybrid_ex")).isEqualTo(0x0b);
        assertThat(Protocols.parse("SSL|HYBRID")).isEqualTo(3);
        assertThat(Protocols.parse("rdp")).isZero();
        assertThat(Protocols.parse("0x10")).isEqualTo(0x10);
        assertThatThrownBy(() -> Protocols.parse("kerberos")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Protocols.parse("0xZZ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'0xZZ' is not a hex mask (use rdp, ssl");
        assertThatThrownBy(() -> Protocols.parse("0x1FFFFFFFF")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Protocols.parse("0xFFFFFFFF")).isEqualTo(-1);
    }

    /** Every recorded reply in testdata/fixtures/x224 decodes, re-encodes to the same bytes, and fails when cut. */
    @Test
    void recordedFixturesRoundTrip() {
        for (Path p : Fixtures.list("x224", "*.hex")) {
            assertThat(Fixtures.provenance(p)).as(p + " provenance").startsWith("#");
            byte[] bytes = Fixtures.parse(p);
            X224Tpdu t = X224Tpdu.decode(Unpooled.wrappedBuffer(bytes));
            ByteBuf out = Unpooled.buffer();
            t.encode(out);
            assertThat(ByteBufUtil.getBytes(out)).as(p.toString()).isEqualTo(bytes);
            Malformed.everyPrefixFails(bytes, X224Tpdu::decode);
        }
    }

    @Test
    void hexOfABufferIsNettysHexDumpOfItsReadableBytesAndMovesNoIndex() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        ByteBuf b = Unpooled.wrappedBuffer(all).readerIndex(3).writerIndex(250);
        assertThat(Wire.hex(b)).isEqualTo(ByteBufUtil.hexDump(b)).startsWith("030405").endsWith("f8f9");
        assertThat(b.readerIndex()).isEqualTo(3);
        assertThat(b.writerIndex()).isEqualTo(250);
        assertThat(Wire.hex(Unpooled.EMPTY_BUFFER)).isEmpty();
    }
}
