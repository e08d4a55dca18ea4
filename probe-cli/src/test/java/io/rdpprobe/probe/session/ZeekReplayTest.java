package io.rdpprobe.probe.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * Feeds the real Windows server frames of Zeek's rdp-proprietary-encryption capture into the sequence: the
 * MCS stage completes exactly as the recorded client's did (same user id, same joins), the security exchange
 * uses the real proprietary certificate (whose Terminal Services signature verifies), and the server's first
 * encrypted PDU — keyed for the recorded client's random, not ours — fails the MAC check. The frames are read
 * in place from ../shared with {@link SharedFrames} (never copied into the project); without it the tests skip.
 */
class ZeekReplayTest {
    @Test
    void replayOfRealServerFrames() throws Exception {
        assumeTrue(SharedFrames.available(), "shared/ not present");
        SessionSettings settings = SessionSettings.defaults("FROG-POND").withSkipChannelJoin(false).withChannels(List.of(
                new ChannelDef("rdpdr", 0x80800000), new ChannelDef("rdpsnd", 0xc0000000),
                new ChannelDef("drdynvc", 0xc0800000), new ChannelDef("cliprdr", 0xc0a00000)));
        SessionSequence seq = new SessionSequence(0, 0, settings, b -> java.util.Arrays.fill(b, (byte) 7), null);
        seq.start(0);
        SessionSequence.Step s = seq.receive(SharedFrames.proprietaryConnectResponse(), 10); // frame 15
        assertThat(s.outbound()).hasSize(2);
        s = seq.receive(SharedFrames.first(SharedFrames.PROPRIETARY, false,
                SharedFrames.domainPdu(SharedFrames.ATTACH_USER_CONFIRM)), 20); // frame 19
        assertThat(seq.userId()).isEqualTo(1008);
        // frames 21..31: Channel Join Confirms for the user channel, 1003, 1004, 1005, 1006, 1007
        List<byte[]> joins = SharedFrames.frames(SharedFrames.PROPRIETARY, false,
                SharedFrames.domainPdu(SharedFrames.CHANNEL_JOIN_CONFIRM));
        assertThat(joins).hasSize(6);
        for (byte[] j : joins) {
            assertThat(s.outbound()).hasSize(1);
            s = seq.receive(j, 30);
        }
        // after the last join: Security Exchange + Client Info
        assertThat(s.outbound()).hasSize(2);
        SendData sx = (SendData) DomainPdu.decode(Mcs.userData(io.netty.buffer.Unpooled.wrappedBuffer(s.outbound().get(0))));
        assertThat(SecurityExchangePdu.decode(sx.data()).encryptedClientRandom()).hasSize(72);

        StageResult mcs = seq.results().get(0);
        assertThat(mcs.status()).isEqualTo(Status.OK);
        assertThat(mcs.evidence()).containsEntry("serverRdpVersion", "RDP 5.0-8.1 (0x00080004)").containsEntry("userId", 1008)
                .containsEntry("encryptionMethod", "ENCRYPTION_METHOD_128BIT (0x00000002)").containsEntry("encryptionLevel", "ENCRYPTION_LEVEL_HIGH (0x00000003)")
                .containsEntry("certificateType", "RSA").containsEntry("certificatePermanent", true)
                .containsEntry("channelJoin", "joined 6 channel(s): user 1008, I/O 1003, 4 static virtual channels (rdpdr 1004, rdpsnd 1005, drdynvc 1006, cliprdr 1007)");

        // frame 35: the server's first SDin, an RC4-encrypted licensing PDU
        seq.receive(SharedFrames.first(SharedFrames.PROPRIETARY, false,
                SharedFrames.domainPdu(SharedFrames.SEND_DATA_INDICATION)), 40);
        StageResult sec = seq.results().get(1);
        assertThat(sec.stage()).isEqualTo(Stage.SECURITY_EXCHANGE);
        assertThat(sec.evidence()).containsEntry("proprietarySignature", "VALID").containsEntry("serverKeyBits", 512);
        assertThat(sec.status()).isEqualTo(Status.FAILED);
        assertThat(sec.cause().code()).isEqualTo("SESSION_KEY_MISMATCH");
    }

    @Test
    void x509ChainServerGetsASecurityExchange() throws Exception {
        assumeTrue(SharedFrames.available(), "shared/ not present");
        SessionSequence seq = new SessionSequence(0, 0, SessionSettings.defaults("P").withSkipChannelJoin(false),
                b -> java.util.Arrays.fill(b, (byte) 1), null);
        seq.start(0);
        seq.receive(SharedFrames.x509ConnectResponse(), 1);
        SessionSequence.Step s = seq.receive(Mcs.frame(new io.rdpprobe.protocol.mcs.AttachUserConfirm(
                io.rdpprobe.protocol.mcs.McsResult.SUCCESSFUL, 1007)), 2);
        // joins: user, I/O and the four channel ids of the response
        int joins = 0;
        while (s.outbound().size() == 1 && joins < 10) {
            io.rdpprobe.protocol.mcs.ChannelJoinRequest r = (io.rdpprobe.protocol.mcs.ChannelJoinRequest) DomainPdu.decode(
                    Mcs.userData(io.netty.buffer.Unpooled.wrappedBuffer(s.outbound().get(0))));
            s = seq.receive(Mcs.frame(new io.rdpprobe.protocol.mcs.ChannelJoinConfirm(io.rdpprobe.protocol.mcs.McsResult.SUCCESSFUL,
                    1007, r.channelId(), r.channelId())), 3);
            joins++;
        }
        assertThat(joins).isEqualTo(6);
        assertThat(s.outbound()).hasSize(2);
        assertThat(seq.results().get(0).evidence()).containsEntry("certificateType", "X.509").containsEntry("certificateCount", 2)
                .containsEntry("certificatePermanent", false);
    }
}
