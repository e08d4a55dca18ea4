package io.rdpprobe.protocol.rdp;

import static io.rdpprobe.protocol.mcs.Fixtures.buf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.errors.ErrorInfo;
import io.rdpprobe.protocol.mcs.DomainPdu;
import io.rdpprobe.protocol.mcs.Fixtures;
import io.rdpprobe.protocol.mcs.Mcs;
import io.rdpprobe.protocol.mcs.SendData;
import io.rdpprobe.protocol.testutil.SharedCaptures;
import java.util.List;
import org.junit.jupiter.api.Test;

class RdpPdusTest {

    @Test
    void securityExchangeFromZeekCapture() {
        assumeTrue(SharedCaptures.available(), "shared/ not present");
        // rdp-proprietary-encryption.pcap frame 32: SDrq on 1003 carrying the Security Exchange PDU
        SendData sd = (SendData) DomainPdu.decode(Mcs.userData(buf(SharedCaptures.proprietaryDomainPdu(
                SharedCaptures.Direction.CLIENT_TO_SERVER, SharedCaptures.SEND_DATA_REQUEST))));
        byte[] data = Fixtures.bytes(sd.data());
        SecurityExchangePdu x = SecurityExchangePdu.decode(buf(data));
        assertThat(SecurityFlags.names(x.flags())).containsExactly("SEC_EXCHANGE_PKT", "SEC_LICENSE_ENCRYPT");
        assertThat(x.encryptedClientRandom()).hasSize(72);
        assertThat(java.util.Arrays.copyOfRange(x.encryptedClientRandom(), 64, 72)).containsOnly(0);
        ByteBuf out = Unpooled.buffer();
        x.encode(out);
        assertThat(Fixtures.bytes(out)).isEqualTo(data);
        Fixtures.assertTruncationsFail(data, SecurityExchangePdu::decode);
    }

    @Test
    void infoPacketRoundTripAndRedaction() {
        InfoPacket p = new InfoPacket(0x409, InfoPacket.EMPTY_LOGON_FLAGS | InfoPacket.INFO_AUTOLOGON, "CORP", "alice",
                "s3cret", "", "", InfoPacket.ExtendedInfo.of("10.0.0.5", "C:\\x", 7));
        ByteBuf b = Unpooled.buffer();
        p.encode(b);
        byte[] bytes = Fixtures.bytes(b);
        assertThat(bytes).hasSize(p.encodedLength());
        InfoPacket back = InfoPacket.decode(buf(bytes));
        assertThat(back.userName()).isEqualTo("alice");
        assertThat(back.password()).isEqualTo("s3cret");
        assertThat(back.extended().clientAddress()).isEqualTo("10.0.0.5");
        assertThat(back.extended().performanceFlags()).isEqualTo(7);
        assertThat(back.toString()).doesNotContain("s3cret").contains("(redacted)");
        assertThat(back.flagNames()).contains("INFO_UNICODE", "INFO_LOGONERRORS", "INFO_AUTOLOGON");
        Fixtures.assertTruncationsFail(java.util.Arrays.copyOf(bytes, 18 + 20), InfoPacket::decode);
        Fixtures.assertGarbageOnlyDecodeException(bytes, 2000, InfoPacket::decode);
        InfoPacket empty = InfoPacket.emptyLogon();
        assertThat(InfoPacket.decode(buf(toBytes(empty))).userName()).isEmpty();
    }

    static byte[] toBytes(InfoPacket p) {
        ByteBuf b = Unpooled.buffer();
        p.encode(b);
        return Fixtures.bytes(b);
    }

    @Test
    void demandActiveSummary() {
        List<CapabilitySet> caps = ConfirmActivePdu.minimalClientCapabilities(1280, 800, 32, 0x409);
        byte[] da = DemandActivePdu.encode(1002, 0x103EA, caps, 1);
        SharePdu p = SharePdu.decode(buf(da));
        assertThat(p).isInstanceOf(DemandActivePdu.class);
        DemandActivePdu d = (DemandActivePdu) p;
        assertThat(d.shareId()).isEqualTo(0x103EA);
        assertThat(d.sourceDescriptorText()).isEqualTo("RDP");
        assertThat(d.capabilities()).hasSize(11);
        assertThat(d.capabilityNames()).contains("CAPSTYPE_GENERAL", "CAPSTYPE_BITMAP", "CAPSTYPE_VIRTUALCHANNEL");
        assertThat(d.general().orElseThrow().osMajorName()).isEqualTo("OSMAJORTYPE_WINDOWS");
        assertThat(d.general().orElseThrow().osMinorName()).isEqualTo("OSMINORTYPE_WINDOWS_NT");
        assertThat(d.bitmap().orElseThrow().desktopWidth()).isEqualTo(1280);
        assertThat(d.bitmap().orElseThrow().preferredBitsPerPixel()).isEqualTo(32);
        assertThat(d.sessionId()).isEqualTo(1);
        Fixtures.assertTruncationsFail(da, SharePdu::decode);
        Fixtures.assertGarbageOnlyDecodeException(da, 3000, b -> {
            SharePdu x = SharePdu.decode(b);
            if (x instanceof DemandActivePdu dd) {
                dd.capabilities().forEach(c -> {
                    if (c.type() == CapabilitySet.GENERAL) c.general();
                    if (c.type() == CapabilitySet.BITMAP) c.bitmap();
                });
            }
        });
    }

    @Test
    void confirmActiveHasTheMandatorySets() {
        byte[] ca = ConfirmActivePdu.encode(1007, 0x103EA, ConfirmActivePdu.minimalClientCapabilities(1024, 768, 16, 0x409));
        ConfirmActivePdu c = (ConfirmActivePdu) SharePdu.decode(buf(ca));
        assertThat(c.header().pduType()).isEqualTo(0x13);
        assertThat(c.header().pduSource()).isEqualTo(1007);
        assertThat(c.originatorId()).isEqualTo(0x3EA);
        // sizes per MS-RDPBCGR 2.2.7: general 24, bitmap 28, order 88, bitmap cache 40, pointer 10, input 88,
        // brush 8, glyph cache 52, offscreen 12, virtual channel 12, sound 8
        assertThat(c.capabilities()).extracting(CapabilitySet::encodedLength)
                .containsExactly(24, 28, 88, 40, 10, 88, 8, 52, 12, 12, 8);
    }

    @Test
    void setErrorInfoSaveSessionInfoAndOthers() {
        byte[] sei = SetErrorInfoPdu.encode(0x103EA, ErrorInfo.SERVER_DENIED_CONNECTION);
        assertThat(sei).hasSize(22);
        DataPdu d = (DataPdu) SharePdu.decode(buf(sei));
        assertThat(d.dataHeader().pduType2Name()).isEqualTo("PDUTYPE2_SET_ERROR_INFO_PDU");
        assertThat(d.setErrorInfo().orElseThrow().errorInfo().name()).isEqualTo("ERRINFO_SERVER_DENIED_CONNECTION");
        byte[] ssi = DataPdu.encode(1002, 1, ShareDataHeader.PDUTYPE2_SAVE_SESSION_INFO, SaveSessionInfoPdu.logonErrors(2, 0xFFFFFFFA));
        SaveSessionInfoPdu s = ((DataPdu) SharePdu.decode(buf(ssi))).saveSessionInfo().orElseThrow();
        assertThat(s.errorNotificationTypeName()).isEqualTo("LOGON_FAILED_OTHER");
        assertThat(s.errorNotificationDataName()).isEqualTo("LOGON_MSG_NO_PERMISSION");
        assertThat(SharePdu.decode(buf(DeactivateAllPdu.encode(1002, 5)))).isInstanceOf(DeactivateAllPdu.class);
        byte[] redir = SharePdu.encode(ShareControlHeader.PDUTYPE_SERVER_REDIR_PKT, 0, b -> b.writeZero(10));
        assertThat(SharePdu.decode(buf(redir))).isInstanceOf(ServerRedirectionPdu.class);
        assertThat(((DataPdu) SharePdu.decode(buf(DataPdu.synchronize(1007, 1, 0x3EA)))).pduType2()).isEqualTo(0x1F);
        assertThat(((DataPdu) SharePdu.decode(buf(DataPdu.control(1007, 1, DataPdu.CTRLACTION_COOPERATE)))).pduType2()).isEqualTo(0x14);
        assertThat(((DataPdu) SharePdu.decode(buf(DataPdu.fontList(1007, 1)))).pduType2()).isEqualTo(0x27);
        assertThatThrownBy(() -> SharePdu.decode(buf(new byte[] {4, 0, 0x17, 0, 0, 0})))
                .isInstanceOfSatisfying(DecodeException.class, e -> assertThat(e.kind()).isEqualTo(DecodeException.Kind.INVALID_LENGTH));
    }

    @Test
    void securityHeaders() {
        SecurityHeader h = SecurityHeader.decode(buf(new byte[] {0x48, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}), false);
        assertThat(h.flagNames()).containsExactly("SEC_ENCRYPT", "SEC_INFO_PKT");
        assertThat(h.signature()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(h.encodedLength()).isEqualTo(12);
        SecurityHeader f = SecurityHeader.decode(buf(new byte[] {8, 0, 0, 0, 0x10, 0, 1, 3, 1, 2, 3, 4, 5, 6, 7, 8}), true);
        assertThat(f.fipsPadLength()).isEqualTo(3);
        assertThat(f.encodedLength()).isEqualTo(16);
        assertThat(SecurityHeader.decode(buf(new byte[] {(byte) 0x80, 0, 0, 0}), false).signature()).isNull();
    }
}
