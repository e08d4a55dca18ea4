package io.rdpprobe.probe.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.rdpprobe.capture.AnalyzedConnection;
import io.rdpprobe.capture.CaptureAnalyzer;
import io.rdpprobe.capture.CaptureSecrets;
import io.rdpprobe.capture.CaptureWriter;
import io.rdpprobe.capture.FrameBuilder;
import io.rdpprobe.capture.TcpConversation;
import io.rdpprobe.demo.DemoCredSspServer;
import io.rdpprobe.probe.credssp.CredSspClient;
import io.rdpprobe.probe.credssp.CredSspOptions;
import io.rdpprobe.probe.credssp.Credentials;
import io.rdpprobe.probe.credssp.Outcome;
import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.credssp.Step;
import io.rdpprobe.probe.model.ClientError;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.protocol.credssp.EarlyUserAuthResult;
import io.rdpprobe.protocol.credssp.NtStatus;
import io.rdpprobe.protocol.credssp.PubKeyAuth;
import io.rdpprobe.protocol.x224.Protocols;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, one interpretation past TLS: the live {@link CredSspClient} against the demo CredSSP server, its
 * messages carried in a real TLS 1.2 session (BouncyCastle, {@link BcTlsPair}) and written as a capture with the
 * session's key log. {@code analyze --keylog} must read the decrypted exchange to the live client's verdict (stage,
 * status, cause, mstsc code), with what it observed: an errorCode's NTSTATUS, HYBRID_EX's Early User
 * Authorization Result, a server that closes after AUTHENTICATE (the phase observed, not inferred from record
 * order). The client's AUTHENTICATE goes out split over two records and the server's Early User Authorization
 * Result joined with nothing: the plaintext streams reassemble the PDUs.
 */
class DecryptedCredSspCrossPathTest {
    @TempDir
    Path dir;
    private static byte[] key;
    private int port = 51000;

    @BeforeAll
    static void key() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        key = PubKeyAuth.subjectPublicKey(g.generateKeyPair().getPublic().getEncoded());
    }

    private record Both(StageResult capture, StageResult live, AnalyzedConnection a) {}

    private static String verdict(StageResult r) {
        ClientError ce = r.cause() == null ? null : r.cause().clientError();
        return r.stage() + " " + r.status() + " " + (r.cause() == null ? "-" : r.cause().code()) + " mstsc "
                + (ce == null ? "-" : String.format("0x%X", ce.code()));
    }

    private Both run(DemoCredSspServer server, CredSspOptions opts, String user, String password, int selected)
            throws Exception {
        long startNanos = 1_763_650_000_000_000_000L;
        TcpConversation t = new TcpConversation(new byte[] {10, 0, 0, 1}, port++, new byte[] {10, 0, 0, 2}, 3389,
                startNanos, 1, 2).handshake();
        t.client(TcpConversation.connectionRequest("alice", Protocols.SSL | Protocols.HYBRID | Protocols.HYBRID_EX));
        t.server(TcpConversation.connectionConfirm(selected));
        BcTlsPair pair = new BcTlsPair(new BcTlsPair.Options(ProtocolVersion.TLSv12,
                CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, true, false), null,
                (fromClient, rec) -> {
                    byte[] b = ByteBufUtil.getBytes(rec);
                    if (fromClient) t.client(b); else t.server(b);
                });
        long now = startNanos / 1_000_000L + 50;
        Random r = new Random(7);
        CredSspClient client = new CredSspClient(Credentials.parse(user, Secret.of(password.toCharArray())), key,
                "TERMSRV/srv", opts, r::nextBytes);
        byte[] out = client.start(now);
        pair.clientSends(out);
        Outcome live = null;
        for (int i = 0; i < 10 && live == null; i++) {
            DemoCredSspServer.Reply reply = server.onMessage(out);
            now += 20;
            if (reply.close()) {
                pair.serverProtocol.close(); // close_notify, then FIN
                int n = pair.serverProtocol.getAvailableOutputBytes();
                byte[] b = new byte[n];
                pair.serverProtocol.readOutput(b, 0, n);
                t.server(b);
                t.fin(false);
                live = client.onClosed(now);
                break;
            }
            pair.serverSends(reply.bytes());
            Step step = client.onMessage(reply.bytes(), now);
            if (step.send() != null) {
                out = step.send();
                int half = out.length / 2; // one TSRequest over two TLS records
                pair.clientSends(Arrays.copyOfRange(out, 0, half));
                pair.clientSends(Arrays.copyOfRange(out, half, out.length));
            }
            if (step.isDone()) {
                live = step.outcome();
            }
        }
        assertThat(live).isNotNull();
        Path cap = dir.resolve("c" + port + ".pcap");
        try (OutputStream os = Files.newOutputStream(cap);
             CaptureWriter w = new CaptureWriter(os, CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1)) {
            for (TcpConversation.Packet p : t.packets()) {
                w.write(p.timestampNanos(), 1, FrameBuilder.link(1, p.ip(), 0));
            }
        }
        Path keys = Files.writeString(dir.resolve("c" + port + ".keys"), pair.keyLog);
        List<AnalyzedConnection> all = new ArrayList<>();
        CaptureAnalyzer.analyze(cap, CaptureSecrets.load(List.of(keys), List.of()), all::add, null);
        assertThat(all).hasSize(1);
        StageResult mine = all.get(0).report().stages().stream().filter(s -> s.stage() == Stage.CREDSSP).findFirst()
                .orElseThrow();
        return new Both(mine, live.toStageResult(0), all.get(0));
    }

    private static DemoCredSspServer server() {
        return new DemoCredSspServer(key, 1_763_650_000_000L);
    }

    @Test
    void wrongPasswordWithErrorCode() throws Exception {
        Both b = run(server(), CredSspOptions.defaults(), "CORP\\alice", "wrong", Protocols.HYBRID);
        assertThat(verdict(b.capture())).isEqualTo(verdict(b.live())).startsWith("CREDSSP FAILED LOGON_FAILURE");
        assertThat(b.capture().inferred()).isFalse();
        assertThat(b.capture().evidence()).containsEntry("errorCode", "0xC000006D").containsEntry("ntStatus", "STATUS_LOGON_FAILURE")
                .containsEntry("ntlmUser", "alice").containsEntry("ntlmDomain", "CORP")
                .containsEntry("netbiosComputerName", "SRV01").containsKey("os");
        assertThat(b.capture().summary()).isEqualTo(b.live().summary().replaceAll("\\(\\d+ ms\\)", "(" + b.capture()
                .summary().replaceAll(".*\\((\\d+) ms\\).*", "$1") + " ms)"));
    }

    @Test
    void passwordExpiredGivesItsCauseAndMstscCode() throws Exception {
        DemoCredSspServer s = server();
        s.forcedStatus = NtStatus.STATUS_PASSWORD_EXPIRED;
        Both b = run(s, CredSspOptions.defaults(), "CORP\\alice", "S3cret!", Protocols.HYBRID);
        assertThat(verdict(b.capture())).isEqualTo(verdict(b.live())).isEqualTo("CREDSSP FAILED PASSWORD_EXPIRED mstsc 0xF07");
        assertThat(b.capture().evidence()).containsEntry("mstscCode", b.live().evidence().get("mstscCode"));
    }

    @Test
    void closeAfterAuthenticateIsObserved() throws Exception {
        DemoCredSspServer s = server();
        s.onBadPassword = DemoCredSspServer.OnBadPassword.CLOSE;
        Both b = run(s, CredSspOptions.defaults(), "CORP\\alice", "wrong", Protocols.HYBRID);
        assertThat(verdict(b.capture())).isEqualTo(verdict(b.live())).startsWith("CREDSSP FAILED LOGON_FAILURE");
        assertThat(b.capture().inferred()).isEqualTo(b.live().inferred()).isTrue(); // the cause, not the phase
        assertThat(b.capture().evidence()).containsKey("phaseObservedFrom").doesNotContainKey("phaseInferredFrom")
                .containsKey("msAfterAuthenticate");
        assertThat(b.capture().summary()).contains("close_notify").contains("right after NTLM AUTHENTICATE");
    }

    @Test
    void rightPasswordIsOk() throws Exception {
        Both b = run(server(), CredSspOptions.defaults(), "CORP\\alice", "S3cret!", Protocols.HYBRID);
        assertThat(verdict(b.capture())).isEqualTo(verdict(b.live())).startsWith("CREDSSP OK");
        assertThat(b.capture().evidence()).containsEntry("serverPubKeyAuth", "sealed: not decrypted")
                .containsEntry("clientPubKeyAuth", "sealed: not decrypted");
    }

    @Test
    void hybridExEarlyUserAuthorization() throws Exception {
        DemoCredSspServer denied = server();
        denied.earlyAuth = EarlyUserAuthResult.AUTHZ_ACCESS_DENIED;
        CredSspOptions ex = CredSspOptions.defaults().withDelegate(true).withHybridEx(true);
        Both b = run(denied, ex, "CORP\\alice", "S3cret!", Protocols.HYBRID_EX);
        assertThat(verdict(b.capture())).isEqualTo(verdict(b.live())).startsWith("CREDSSP FAILED EARLY_USER_AUTH_DENIED");
        assertThat(b.capture().evidence()).containsEntry("earlyUserAuthorization", "AUTHZ_ACCESS_DENIED")
                .containsEntry("authInfo", "sealed: not decrypted (TSCredentials)");

        DemoCredSspServer ok = server();
        ok.earlyAuth = EarlyUserAuthResult.AUTHZ_SUCCESS;
        Both b2 = run(ok, ex, "CORP\\alice", "S3cret!", Protocols.HYBRID_EX);
        assertThat(verdict(b2.capture())).isEqualTo(verdict(b2.live())).startsWith("CREDSSP OK");
        assertThat(b2.capture().summary()).contains("AUTHZ_SUCCESS");
        // the ladder names the recovered PDUs
        assertThat(b2.a().tcp().ladder()).extracting(io.rdpprobe.capture.RdpConnection.LadderPdu::name)
                .contains("Early User Authorization Result (AUTHZ_SUCCESS)")
                .anyMatch(n -> n.startsWith("TSRequest v6: NTLM AUTHENTICATE"));
    }
}
