package io.rdpprobe.protocol.mcs;

import static io.rdpprobe.protocol.mcs.Fixtures.buf;
import static io.rdpprobe.protocol.testutil.SharedCaptures.ATTACH_USER_CONFIRM;
import static io.rdpprobe.protocol.testutil.SharedCaptures.ATTACH_USER_REQUEST;
import static io.rdpprobe.protocol.testutil.SharedCaptures.CHANNEL_JOIN_REQUEST;
import static io.rdpprobe.protocol.testutil.SharedCaptures.ERECT_DOMAIN_REQUEST;
import static io.rdpprobe.protocol.testutil.SharedCaptures.SEND_DATA_REQUEST;
import static io.rdpprobe.protocol.testutil.SharedCaptures.proprietaryChannelJoinConfirms;
import static io.rdpprobe.protocol.testutil.SharedCaptures.proprietaryConnectInitial;
import static io.rdpprobe.protocol.testutil.SharedCaptures.proprietaryConnectResponse;
import static io.rdpprobe.protocol.testutil.SharedCaptures.proprietaryDomainPdu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.testutil.SharedCaptures;
import io.rdpprobe.protocol.testutil.SharedCaptures.Direction;
import org.junit.jupiter.api.Test;

/** MCS PDUs of Zeek's rdp-proprietary-encryption.pcap (read in place from ../shared; those tests skip without it). */
class McsTest {

    static void needsShared() {
        assumeTrue(SharedCaptures.available(), "shared/ not present");
    }

    private static byte[] mcs(byte[] frame) {
        return Fixtures.bytes(Mcs.userData(buf(frame)));
    }

    @Test
    void connectInitialFromZeekCaptureDecodesAndRoundTrips() {
        needsShared();
        byte[] frame = proprietaryConnectInitial();
        byte[] m = mcs(frame);
        ConnectInitial ci = ConnectInitial.decode(buf(m));
        assertThat(ci.callingDomainSelector()).containsExactly(1);
        assertThat(ci.upwardFlag()).isTrue();
        assertThat(ci.targetParameters()).isEqualTo(DomainParameters.TARGET);
        assertThat(ci.minimumParameters()).isEqualTo(DomainParameters.MINIMUM);
        assertThat(ci.maximumParameters()).isEqualTo(DomainParameters.MAXIMUM);
        assertThat(ci.encodedLength()).isEqualTo(m.length);
        assertThat(Mcs.frame(ci)).isEqualTo(frame);
    }

    @Test
    void connectResponseFromZeekCaptureDecodesAndRoundTripsByValue() {
        needsShared();
        byte[] m = mcs(proprietaryConnectResponse());
        ConnectResponse cr = ConnectResponse.decode(buf(m));
        assertThat(cr.result()).isEqualTo(McsResult.SUCCESSFUL);
        assertThat(cr.result().name()).isEqualTo("rt-successful");
        assertThat(cr.calledConnectId()).isZero();
        assertThat(cr.domainParameters()).isEqualTo(new DomainParameters(34, 3, 0, 1, 0, 1, 0xFFF8, 2));
        ByteBuf out = Unpooled.buffer();
        cr.encode(out);
        assertThat(out.readableBytes()).isEqualTo(cr.encodedLength());
        ConnectResponse again = ConnectResponse.decode(out);
        assertThat(again.result()).isEqualTo(cr.result());
        assertThat(again.domainParameters()).isEqualTo(cr.domainParameters());
        assertThat(again.userData()).isEqualTo(cr.userData());
    }

    @Test
    void connectPdusTruncatedAndGarbage() {
        needsShared();
        byte[] ci = mcs(proprietaryConnectInitial());
        byte[] cr = mcs(proprietaryConnectResponse());
        Fixtures.assertTruncationsFail(ci, ConnectInitial::decode);
        Fixtures.assertTruncationsFail(cr, ConnectResponse::decode);
        Fixtures.assertGarbageOnlyDecodeException(ci, 3000, ConnectInitial::decode);
        Fixtures.assertGarbageOnlyDecodeException(cr, 3000, ConnectResponse::decode);
    }

    @Test
    void berRejectsBadLengthForms() {
        // indefinite length 0x80, and 0x83 form
        assertThatThrownBy(() -> ConnectInitial.decode(buf(Wire.unhex("7f6580"))))
                .isInstanceOfSatisfying(DecodeException.class, e -> assertThat(e.kind()).isEqualTo(DecodeException.Kind.INVALID_LENGTH));
        assertThatThrownBy(() -> ConnectInitial.decode(buf(Wire.unhex("7f6583000001"))))
                .isInstanceOf(DecodeException.class);
        // inner INTEGER longer than its SEQUENCE
        assertThatThrownBy(() -> DomainParameters.decode(buf(Wire.unhex("3003020522")), "p"))
                .isInstanceOf(DecodeException.class);
        // 5-byte integer
        assertThatThrownBy(() -> DomainParameters.decode(buf(Wire.unhex("3007020501020304 05".replace(" ", ""))), "p"))
                .isInstanceOfSatisfying(DecodeException.class, e -> assertThat(e.kind()).isEqualTo(DecodeException.Kind.INVALID_LENGTH));
        // wrong application tag
        assertThatThrownBy(() -> ConnectResponse.decode(buf(Wire.unhex("7f650100"))))
                .isInstanceOfSatisfying(DecodeException.class, e -> assertThat(e.kind()).isEqualTo(DecodeException.Kind.UNEXPECTED_TYPE));
    }

    @Test
    void domainPdusFromCapture() {
        needsShared();
        // client frames 16, 17, 20 and server frames 19, 21, 23 of rdp-proprietary-encryption.pcap
        byte[] erect = proprietaryDomainPdu(Direction.CLIENT_TO_SERVER, ERECT_DOMAIN_REQUEST);
        byte[] attachReq = proprietaryDomainPdu(Direction.CLIENT_TO_SERVER, ATTACH_USER_REQUEST);
        byte[] attachCfm = proprietaryDomainPdu(Direction.SERVER_TO_CLIENT, ATTACH_USER_CONFIRM);
        byte[] joinReq = proprietaryDomainPdu(Direction.CLIENT_TO_SERVER, CHANNEL_JOIN_REQUEST);
        byte[] joinUser = proprietaryChannelJoinConfirms().get(0);
        byte[] joinIo = proprietaryChannelJoinConfirms().get(1);
        assertThat(DomainPdu.decode(buf(mcs(erect)))).isEqualTo(new ErectDomainRequest(0, 0));
        assertThat(DomainPdu.decode(buf(mcs(attachReq)))).isEqualTo(new AttachUserRequest());
        assertThat(DomainPdu.decode(buf(mcs(attachCfm))))
                .isEqualTo(new AttachUserConfirm(McsResult.SUCCESSFUL, 1008));
        assertThat(DomainPdu.decode(buf(mcs(joinReq))))
                .isEqualTo(new ChannelJoinRequest(1008, 1008));
        assertThat(DomainPdu.decode(buf(mcs(joinUser))))
                .isEqualTo(new ChannelJoinConfirm(McsResult.SUCCESSFUL, 1008, 1008, 1008));
        assertThat(DomainPdu.decode(buf(mcs(joinIo))))
                .isEqualTo(new ChannelJoinConfirm(McsResult.SUCCESSFUL, 1008, 1003, 1003));
        String[] names = {"erect domain", "attach user request", "attach user confirm", "channel join request",
            "channel join confirm (user)", "channel join confirm (I/O)"};
        byte[][] frames = {erect, attachReq, attachCfm, joinReq, joinUser, joinIo};
        for (int k = 0; k < frames.length; k++) {
            String f = names[k];
            byte[] frame = frames[k];
            DomainPdu p = DomainPdu.decode(buf(mcs(frame)));
            assertThat(Mcs.frame(p)).as(f).isEqualTo(frame);
            byte[] m = mcs(frame);
            if (m.length > 1) {
                Fixtures.assertTruncationsFail(m, b -> {
                    if (!b.isReadable()) throw DecodeException.notEnough(io.rdpprobe.protocol.codec.Layer.MCS, "x", b, 1);
                    DomainPdu.decode(b);
                });
            }
        }
    }

    @Test
    void specExamplesOfDomainPdus() {
        // protocol-notes 2.8 examples
        assertThat(DomainPdu.decode(buf(Wire.unhex("2e000006")))).isEqualTo(new AttachUserConfirm(McsResult.SUCCESSFUL, 1007));
        assertThat(DomainPdu.decode(buf(Wire.unhex("38000603eb")))).isEqualTo(new ChannelJoinRequest(1007, 1003));
        assertThat(Mcs.frame(DisconnectProviderUltimatum.USER_REQUESTED)).isEqualTo(Wire.unhex("030000090 2f0802180".replace(" ", "")));
        for (int r = 0; r < 8; r++) {
            DisconnectProviderUltimatum d = new DisconnectProviderUltimatum(new DisconnectReason(r));
            ByteBuf b = Unpooled.buffer();
            d.encode(b);
            assertThat(DomainPdu.decode(b)).isEqualTo(d);
        }
        assertThat(((DisconnectProviderUltimatum) DomainPdu.decode(buf(Wire.unhex("2080")))).reason().name())
                .isEqualTo("rn-provider-initiated");
        assertThat(((OtherDomainPdu) DomainPdu.decode(buf(Wire.unhex("30")))).name()).isEqualTo("detachUserRequest");
    }

    @Test
    void sendDataHeaderAndLengths() {
        byte[] data = new byte[300];
        byte[] frame = Mcs.sendData(true, 1002, 1003, data);
        ByteBuf m = Mcs.userData(buf(frame));
        SendData sd = (SendData) DomainPdu.decode(m);
        assertThat(sd.indication()).isTrue();
        assertThat(sd.initiator()).isEqualTo(1002);
        assertThat(sd.channelId()).isEqualTo(1003);
        assertThat(sd.data().readableBytes()).isEqualTo(300);
        if (SharedCaptures.available()) {
            // Zeek capture (frame 32 of rdp-proprietary-encryption.pcap, read in place): security exchange SDrq
            ByteBuf sx = Mcs.userData(buf(proprietaryDomainPdu(Direction.CLIENT_TO_SERVER, SEND_DATA_REQUEST)));
            SendData req = (SendData) DomainPdu.decode(sx);
            assertThat(req.indication()).isFalse();
            assertThat(req.initiator()).isEqualTo(1008);
            assertThat(req.channelId()).isEqualTo(1003);
            assertThat(req.data().readableBytes()).isEqualTo(0x50);
        }
        // PER length longer than the data; trailing bytes; fragmented length
        assertThatThrownBy(() -> DomainPdu.decode(buf(Wire.unhex("68000103eb700501"))))
                .isInstanceOfSatisfying(DecodeException.class, e -> assertThat(e.kind()).isEqualTo(DecodeException.Kind.NOT_ENOUGH_BYTES));
        assertThatThrownBy(() -> DomainPdu.decode(buf(Wire.unhex("68000103eb70010102"))))
                .isInstanceOfSatisfying(DecodeException.class, e -> assertThat(e.kind()).isEqualTo(DecodeException.Kind.INVALID_LENGTH));
        assertThatThrownBy(() -> DomainPdu.decode(buf(Wire.unhex("68000103eb70c10102"))))
                .isInstanceOfSatisfying(DecodeException.class, e -> assertThat(e.kind()).isEqualTo(DecodeException.Kind.INVALID_LENGTH));
        Fixtures.assertGarbageOnlyDecodeException(Fixtures.bytes(Mcs.userData(buf(frame))), 3000, DomainPdu::decode);
    }

    @Test
    void resultNamesAreOpen() {
        assertThat(McsResult.USER_REJECTED.name()).isEqualTo("rt-user-rejected");
        assertThat(new McsResult(99).name()).isEqualTo("UNKNOWN(99)");
    }
}
