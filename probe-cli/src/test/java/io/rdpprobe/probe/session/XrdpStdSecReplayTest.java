package io.rdpprobe.probe.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.rdpprobe.capture.SharedFrames;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.gcc.ChannelDef;
import io.rdpprobe.protocol.mcs.DomainPdu;
import io.rdpprobe.protocol.mcs.Mcs;
import io.rdpprobe.protocol.mcs.SendData;
import io.rdpprobe.protocol.rdp.SecurityExchangePdu;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Feeds the xrdp 0.9.21 server frames of the project's own lab capture testdata/captures/xrdp-rdp-stdsec.pcap
 * (Standard RDP Security, read in place) into the sequence: the MCS stage completes as the recorded xfreerdp's
 * did (user 1007, five joins), the security exchange is encrypted for xrdp's 2048-bit proprietary key, and
 * xrdp's Disconnect Provider Ultimatum ends the run. Always runs (no ../shared needed).
 */
class XrdpStdSecReplayTest {
    static final String LAB = "xrdp-rdp-stdsec.pcap";

    @Test
    void replayOfXrdpServerFrames() {
        List<byte[]> server = SharedFrames.labFrames(LAB, false);
        // X.224 CC, Connect-Response, Attach User Confirm, 5 Channel Join Confirms, Disconnect Provider Ultimatum
        assertThat(server).hasSize(9);
        SessionSettings settings = SessionSettings.defaults("vm").withSkipChannelJoin(false).withChannels(List.of(
                new ChannelDef("rdpdr", 0xc0800000), new ChannelDef("rdpsnd", 0xc0000000),
                new ChannelDef("drdynvc", 0xc0800000)));
        SessionSequence seq = new SessionSequence(0, 0, settings, b -> java.util.Arrays.fill(b, (byte) 7), null);
        seq.start(0);
        SessionSequence.Step s = seq.receive(server.get(1), 10);
        assertThat(s.outbound()).hasSize(2); // Erect Domain + Attach User Request
        s = seq.receive(server.get(2), 20);
        assertThat(seq.userId()).isEqualTo(1007);
        for (int i = 3; i < 8; i++) {
            assertThat(s.outbound()).hasSize(1);
            s = seq.receive(server.get(i), 30);
        }
        // after the last join: Security Exchange + Client Info
        assertThat(s.outbound()).hasSize(2);
        SendData sx = (SendData) DomainPdu.decode(Mcs.userData(Unpooled.wrappedBuffer(s.outbound().get(0))));
        assertThat(SecurityExchangePdu.decode(sx.data()).encryptedClientRandom()).hasSize(264);

        StageResult mcs = seq.results().get(0);
        assertThat(mcs.status()).isEqualTo(Status.OK);
        assertThat(mcs.evidence()).containsEntry("userId", 1007)
                .containsEntry("encryptionMethod", "ENCRYPTION_METHOD_128BIT (0x00000002)").containsEntry("encryptionLevel", "ENCRYPTION_LEVEL_HIGH (0x00000003)")
                .containsEntry("certificateType", "RSA").containsEntry("certificatePermanent", true)
                .containsEntry("channelJoin", "joined 5 channel(s): user 1007, I/O 1003, 3 static virtual channels (rdpdr 1004, rdpsnd 1005, drdynvc 1006)").containsEntry("ioChannel", 1003)
                .containsEntry("serverRdpVersion", "RDP 5.0-8.1 (0x00080004)");

        seq.receive(server.get(8), 40);
        // xrdp cannot check the salted MAC xfreerdp asked for and hangs up: so does our replay (keyed for our random)
        StageResult sec = seq.results().get(1);
        assertThat(sec.stage()).isEqualTo(Stage.SECURITY_EXCHANGE);
        assertThat(sec.status()).isEqualTo(Status.FAILED);
        assertThat(sec.evidence()).containsEntry("proprietarySignature", "VALID").containsEntry("serverKeyBits", 2048)
                .containsEntry("ultimatum", "rn-user-requested (0x3)");
        assertThat(sec.cause().code()).isEqualTo("SERVER_DISCONNECTED");
        assertThat(seq.results().get(2).status()).isEqualTo(Status.NOT_REACHED);
    }
}
