package io.rdpprobe.probe.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.rdpprobe.capture.AnalyzedConnection;
import io.rdpprobe.capture.CaptureAnalyzer;
import io.rdpprobe.capture.CaptureSecrets;
import io.rdpprobe.capture.CaptureWriter;
import io.rdpprobe.capture.FrameBuilder;
import io.rdpprobe.capture.TcpConversation;
import io.rdpprobe.demo.RdpServerSession;
import io.rdpprobe.probe.model.ClientError;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.session.SessionSequence;
import io.rdpprobe.probe.session.SessionSettings;
import io.rdpprobe.protocol.errors.ErrorInfo;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import io.rdpprobe.protocol.mcs.DisconnectProviderUltimatum;
import io.rdpprobe.protocol.mcs.Mcs;
import io.rdpprobe.protocol.rdp.SetErrorInfoPdu;
import io.rdpprobe.protocol.x224.Protocols;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, one interpretation of the session inside TLS: the live {@link SessionSequence} (SSL selected) against the
 * demo's RDP server session, every PDU carried in a real TLS 1.3 session (BouncyCastle), the server ending with Set
 * Error Info then an MCS Disconnect Provider Ultimatum; written as a capture with its key log. The decrypted
 * session must get the live sequence's verdict for the stage, cause and mstsc code (0x3: disconnected by the server).
 */
class DecryptedSessionCrossPathTest {
    @TempDir
    Path dir;

    private static String verdict(StageResult r) {
        ClientError ce = r.cause() == null ? null : r.cause().clientError();
        return r.stage() + " " + r.status() + " " + (r.cause() == null ? "-" : r.cause().code()) + " mstsc "
                + (ce == null ? "-" : String.format("0x%X", ce.code()));
    }

    @Test
    void setErrorInfoThenUltimatumInsideTls() throws Exception {
        long start = 1_763_650_000_000_000_000L;
        TcpConversation t = new TcpConversation(new byte[] {10, 0, 0, 1}, 52000, new byte[] {10, 0, 0, 2}, 3389, start, 1, 2)
                .handshake();
        t.client(TcpConversation.connectionRequest("alice", Protocols.SSL));
        t.server(TcpConversation.connectionConfirm(Protocols.SSL));
        BcTlsPair pair = new BcTlsPair(new BcTlsPair.Options(ProtocolVersion.TLSv13, CipherSuite.TLS_AES_128_GCM_SHA256,
                false, false), null, (fromClient, rec) -> {
                    byte[] b = ByteBufUtil.getBytes(rec);
                    if (fromClient) t.client(b); else t.server(b);
                });
        RdpServerSession server = new RdpServerSession(Protocols.SSL, EncryptionMethod.NONE);
        server.afterClientInfo = s -> List.of(new RdpServerSession.Out(0,
                SetErrorInfoPdu.encode(RdpServerSession.SHARE_ID, ErrorInfo.SERVER_DENIED_CONNECTION)));
        Random r = new Random(1);
        SessionSequence seq = new SessionSequence(Protocols.SSL, Protocols.SSL, SessionSettings.defaults("P"), r::nextBytes, null);
        Deque<byte[]> toServer = new ArrayDeque<>(seq.start(0).outbound());
        long now = 0;
        while (!toServer.isEmpty()) {
            byte[] frame = toServer.poll();
            pair.clientSends(frame);
            for (byte[] reply : server.respond(frame)) {
                if (reply == RdpServerSession.CLOSE) {
                    break;
                }
                pair.serverSends(reply);
                toServer.addAll(seq.receive(reply, now += 5).outbound());
            }
        }
        byte[] ultimatum = Mcs.frame(DisconnectProviderUltimatum.USER_REQUESTED);
        pair.serverSends(ultimatum);
        seq.receive(ultimatum, now += 5);
        seq.closed(now += 5);
        t.fin(false).fin(true);
        StageResult live = seq.results().stream().filter(x -> x.cause() != null).findFirst().orElseThrow();

        Path cap = dir.resolve("sei.pcap");
        try (OutputStream os = Files.newOutputStream(cap);
             CaptureWriter w = new CaptureWriter(os, CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1)) {
            for (TcpConversation.Packet p : t.packets()) {
                w.write(p.timestampNanos(), 1, FrameBuilder.link(1, p.ip(), 0));
            }
        }
        Path keys = Files.writeString(dir.resolve("sei.keys"), pair.keyLog);
        List<AnalyzedConnection> all = new ArrayList<>();
        CaptureAnalyzer.analyze(cap, CaptureSecrets.load(List.of(keys), List.of()), all::add, null);
        assertThat(all).hasSize(1);
        Report rep = all.get(0).report();
        StageResult mine = rep.stages().stream().filter(s -> s.stage() == live.stage()).findFirst().orElseThrow();
        assertThat(verdict(mine)).isEqualTo(verdict(live)).contains("ERRINFO_SERVER_DENIED_CONNECTION").endsWith("mstsc 0x3");
        assertThat(rep.verdict().clientError().code()).isEqualTo(0x3);
        assertThat(stage(rep, Stage.MCS).status()).isEqualTo(stage(seq.results(), Stage.MCS).status());
        assertThat(mine.evidence()).containsKey("errorInfo").containsKey("disconnectProviderUltimatum");
    }

    private static StageResult stage(Report r, Stage s) {
        return stage(r.stages(), s);
    }

    private static StageResult stage(List<StageResult> rs, Stage s) {
        return rs.stream().filter(x -> x.stage() == s).findFirst().orElseThrow();
    }
}
