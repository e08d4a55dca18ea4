package io.rdpprobe.probe.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import io.rdpprobe.protocol.mcs.DisconnectProviderUltimatum;
import io.rdpprobe.protocol.x224.Protocols;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 #4: a Disconnect Provider Ultimatum where a Connect-Response is expected is the server's disconnect (with
 * its T.125 reason), not a malformed Connect-Response, and a plain close gives the same verdict.
 */
class ServerDisconnectTest {
    /** What xrdp 0.9.21 in tls mode sends after a legacy Connect-Initial: TPKT, X.224 DT, DPUm rn-user-requested. */
    static final byte[] XRDP_DPUM = ByteBufUtil.decodeHexDump("0300000902f0802180");
    /** DPUm rn-provider-initiated (an administrator's disconnect, MS-RDPBCGR 1.3.1.4.3). */
    static final byte[] DPUM_PROVIDER = ByteBufUtil.decodeHexDump("0300000902f0802080");

    private static SessionSequence awaitingConnectResponse() {
        SessionSequence seq = new SessionSequence(Protocols.RDP, Protocols.RDP, SessionSettings.defaults("P"), b -> {}, null);
        seq.start(0);
        assertThat(seq.state()).isEqualTo(SessionSequence.State.AWAIT_CONNECT_RESPONSE);
        return seq;
    }

    private static StageResult mcs(SessionSequence s) {
        return s.results().get(0);
    }

    @Test
    void decodesTheUltimatumAndItsReason() {
        DisconnectProviderUltimatum d = ServerDisconnect.ultimatum(Unpooled.wrappedBuffer(XRDP_DPUM));
        assertThat(d).isNotNull();
        assertThat(d.reason().value()).isEqualTo(3);
        assertThat(d.reason().name()).isEqualTo("rn-user-requested");
        assertThat(ServerDisconnect.ultimatum(Unpooled.wrappedBuffer(DPUM_PROVIDER)).reason().name())
                .isEqualTo("rn-provider-initiated");
        // anything else is not an Ultimatum (and nothing throws): an Attach User Confirm, a truncated frame, junk
        assertThat(ServerDisconnect.ultimatum(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("0300000b02f0802e0003ef")))).isNull();
        assertThat(ServerDisconnect.ultimatum(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("0300000902f08021")))).isNull();
        assertThat(ServerDisconnect.ultimatum(Unpooled.wrappedBuffer(new byte[] {1, 2}))).isNull();
    }

    @Test
    void ultimatumInsteadOfConnectResponseIsTheServersDisconnect() {
        SessionSequence seq = awaitingConnectResponse();
        SessionSequence.Step st = seq.receive(XRDP_DPUM, 5);
        assertThat(st.close()).isTrue();
        StageResult r = mcs(seq);
        assertThat(r.stage()).isEqualTo(Stage.MCS);
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.cause().code()).isEqualTo("SERVER_DISCONNECTED");
        assertThat(r.summary()).isEqualTo("the server disconnected while the client waited for the MCS Connect-Response: "
                + "MCS Disconnect Provider Ultimatum rn-user-requested (a user requested the disconnect)")
                .doesNotContain("malformed");
        assertThat(r.evidence()).containsEntry("ultimatum", "rn-user-requested (0x3)");
        assertThat(seq.connectResponseFrame()).isNull();
        // the close that follows changes nothing
        seq.closed(6, true);
        assertThat(mcs(seq)).isEqualTo(r);
    }

    @Test
    void aCloseWithoutTheUltimatumGivesTheSameVerdict() {
        SessionSequence withUltimatum = awaitingConnectResponse();
        withUltimatum.receive(XRDP_DPUM, 5);
        for (boolean reset : new boolean[] {false, true}) {
            SessionSequence lost = awaitingConnectResponse();
            lost.closed(5, reset);
            StageResult r = mcs(lost);
            assertThat(r.status()).isEqualTo(mcs(withUltimatum).status());
            assertThat(r.cause()).isEqualTo(mcs(withUltimatum).cause());
            assertThat(r.evidence()).containsEntry("ultimatum", "none read").containsEntry("close", reset ? "RST" : "FIN");
        }
    }

    @Test
    void encryptionTableSaysNoWhenTheServerDisconnectsEveryMethod() {
        List<EncryptionEnumeration.Attempt> attempts = new java.util.ArrayList<>();
        for (EncryptionMethod m : EncryptionEnumeration.METHODS) {
            attempts.add(new EncryptionEnumeration.Attempt(m, null, "MCS SERVER_DISCONNECTED",
                    "the server disconnected while the client waited for the MCS Connect-Response: ...", true));
        }
        io.rdpprobe.probe.model.EncryptionSection r = EncryptionEnumeration.build(attempts);
        assertThat(r.rows()).allSatisfy(row -> {
            assertThat(row.accepted()).isFalse();
            assertThat(row.tested()).isTrue();
            assertThat(row.note()).isEqualTo("MCS SERVER_DISCONNECTED");
        });
        assertThat(r.legacyRdpSecurityAllowed()).isEqualTo("no");

        // one method that timed out: not tested, so the answer is "unknown", never "yes"
        attempts.set(3, new EncryptionEnumeration.Attempt(EncryptionMethod.FIPS, null, "MCS SERVER_STALLED", "no reply", false));
        assertThat(EncryptionEnumeration.build(attempts).legacyRdpSecurityAllowed()).isEqualTo("unknown");
        assertThat(EncryptionEnumeration.build(attempts).rows().get(3).tested()).isFalse();
    }
}
