package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.session.SessionSequence;
import io.rdpprobe.probe.session.SessionSettings;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 #4, capture side: what xrdp in tls mode does to a legacy client (bare Connection Confirm, Connect-Initial,
 * then a Disconnect Provider Ultimatum and a close) gets the live probe's verdict, SERVER_DISCONNECTED with the
 * Ultimatum's reason, and the same cause when the capture shows only the close.
 */
class ServerDisconnectCaptureTest {
    @TempDir
    Path dir;

    private StageResult mcs(boolean ultimatum, boolean reset) throws IOException {
        // a legacy CR (no RDP_NEG_REQ) and xrdp's bare CC, as recorded (testdata/captures/PROVENANCE.md)
        TcpConversation t = new TcpConversation(TestCaptures.C4, 40266, TestCaptures.S4, 3389, 1_000_000_000L, 1, 2);
        t.handshake().client(io.netty.buffer.ByteBufUtil.decodeHexDump("0300000b06e00000000000"))
                .server(io.netty.buffer.ByteBufUtil.decodeHexDump("0300000b06d00000123400"))
                .client(SessionSequence.connectInitialFrame(SessionSettings.defaults("P"), 0));
        if (ultimatum) {
            t.server(io.netty.buffer.ByteBufUtil.decodeHexDump("0300000902f0802180"));
        }
        if (reset) {
            t.rst(false);
        } else {
            t.fin(false).fin(true);
        }
        Path f = TestCaptures.write(dir.resolve("dpum-" + ultimatum + reset + ".pcap"), CaptureWriter.Format.PCAP_MICRO,
                ByteOrder.LITTLE_ENDIAN, 1, 0, t.packets());
        AnalyzedConnection c = TestCaptures.analyze(f).get(0);
        assertThat(c.report().verdict().stage()).isEqualTo(Stage.MCS);
        return c.report().stages().stream().filter(s -> s.stage() == Stage.MCS).findFirst().orElseThrow();
    }

    @Test
    void ultimatumInsteadOfConnectResponseIsTheServersDisconnectWithItsReason() throws IOException {
        StageResult r = mcs(true, true);
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.cause().code()).isEqualTo("SERVER_DISCONNECTED");
        assertThat(r.evidence()).containsEntry("ultimatum", "rn-user-requested (0x3)").containsEntry("close", "RST");
        assertThat(r.summary()).isEqualTo("the server disconnected while the client waited for the MCS Connect-Response: "
                + "MCS Disconnect Provider Ultimatum rn-user-requested (a user requested the disconnect), then RST");
    }

    @Test
    void theCloseAloneGivesTheSameCause() throws IOException {
        for (boolean reset : new boolean[] {false, true}) {
            StageResult r = mcs(false, reset);
            assertThat(r.cause().code()).isEqualTo("SERVER_DISCONNECTED");
            assertThat(r.evidence()).containsEntry("ultimatum", "none read").containsEntry("close", reset ? "RST" : "FIN");
        }
        assertThat(mcs(true, false).cause()).isEqualTo(mcs(false, false).cause());
    }
}
