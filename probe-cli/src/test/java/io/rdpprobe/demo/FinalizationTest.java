package io.rdpprobe.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import io.rdpprobe.protocol.mcs.DomainPdu;
import io.rdpprobe.protocol.mcs.Mcs;
import io.rdpprobe.protocol.mcs.SendData;
import io.rdpprobe.protocol.rdp.DataPdu;
import io.rdpprobe.protocol.rdp.ShareControlHeader;
import io.rdpprobe.protocol.rdp.ShareDataHeader;
import io.rdpprobe.protocol.rdp.SharePdu;
import io.rdpprobe.protocol.rdp.InfoPacket;
import io.rdpprobe.protocol.x224.Protocols;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The demo endpoint's connection finalization (MS-RDPBCGR 1.3.1.1 step 13), which xfreerdp needs to reach the
 * active state: the client's PDUs after Client Info have no security header under TLS.
 */
class FinalizationTest {
    private static final int USER = 1004;

    private static RdpServerSession afterClientInfo() {
        RdpServerSession s = new RdpServerSession(Protocols.HYBRID, EncryptionMethod.NONE);
        s.clientInfo = InfoPacket.emptyLogon();
        return s;
    }

    private static byte[] client(byte[] sharePdu) {
        return Mcs.sendData(false, USER, 1003, sharePdu);
    }

    private static int pduType2(byte[] frame) {
        SendData sd = (SendData) DomainPdu.decode(Mcs.userData(Unpooled.wrappedBuffer(frame)));
        return ((DataPdu) SharePdu.decode(sd.data())).pduType2();
    }

    @Test
    void fontListGetsSynchronizeCooperateGrantedAndFontMap() {
        RdpServerSession s = afterClientInfo();
        assertThat(s.respond(client(DataPdu.synchronize(USER, RdpServerSession.SHARE_ID, 1002)))).isEmpty();
        assertThat(s.respond(client(DataPdu.control(USER, RdpServerSession.SHARE_ID, DataPdu.CTRLACTION_COOPERATE)))).isEmpty();
        List<byte[]> out = s.respond(client(DataPdu.fontList(USER, RdpServerSession.SHARE_ID)));
        assertThat(out).hasSize(4);
        assertThat(out.stream().map(FinalizationTest::pduType2).toList()).containsExactly(
                ShareDataHeader.PDUTYPE2_SYNCHRONIZE, ShareDataHeader.PDUTYPE2_CONTROL, ShareDataHeader.PDUTYPE2_CONTROL,
                ShareDataHeader.PDUTYPE2_FONTMAP);
        SendData granted = (SendData) DomainPdu.decode(Mcs.userData(Unpooled.wrappedBuffer(out.get(2))));
        byte[] body = ((DataPdu) SharePdu.decode(granted.data())).body();
        assertThat(body[0]).isEqualTo((byte) DataPdu.CTRLACTION_GRANTED_CONTROL);
        assertThat(s.fontLists).isEqualTo(1);
    }

    @Test
    void aPduWithAnOddLengthIsNotTakenForASecurityHeader() {
        // 6 + 12 + 3 = 21 bytes: totalLength 0x15 has SEC_EXCHANGE_PKT's bit, which broke xfreerdp's Confirm Active
        byte[] odd = DataPdu.encode(USER, RdpServerSession.SHARE_ID, ShareDataHeader.PDUTYPE2_INPUT, new byte[3]);
        assertThat(odd.length).isEqualTo(21);
        assertThat(Unpooled.wrappedBuffer(odd).getUnsignedShortLE(2) & 0xfff0).isEqualTo(ShareControlHeader.TS_PROTOCOL_VERSION);
        assertThat(afterClientInfo().respond(client(odd))).isEmpty();
    }
}
