package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.rdpprobe.demo.DemoCredSspServer;
import io.rdpprobe.demo.RdpServerSession;
import io.rdpprobe.probe.credssp.CredSspClient;
import io.rdpprobe.probe.credssp.CredSspOptions;
import io.rdpprobe.probe.credssp.Credentials;
import io.rdpprobe.probe.credssp.Outcome;
import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.model.ClientError;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.session.SessionSequence;
import io.rdpprobe.probe.session.SessionSettings;
import io.rdpprobe.protocol.credssp.PubKeyAuth;
import io.rdpprobe.protocol.errors.ErrorInfo;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import io.rdpprobe.protocol.licensing.LicenseBinaryBlob;
import io.rdpprobe.protocol.licensing.LicenseErrorCode;
import io.rdpprobe.protocol.licensing.LicenseErrorMessage;
import io.rdpprobe.protocol.licensing.LicensePdu;
import io.rdpprobe.protocol.licensing.StateTransition;
import io.rdpprobe.protocol.mcs.DisconnectProviderUltimatum;
import io.rdpprobe.protocol.mcs.Mcs;
import io.rdpprobe.protocol.rdp.DemandActivePdu;
import io.rdpprobe.protocol.rdp.SecurityFlags;
import io.rdpprobe.protocol.rdp.SetErrorInfoPdu;
import io.rdpprobe.protocol.x224.Protocols;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, the five observations the live probe and {@code analyze} used to read differently (design review 2.3).
 * Each is written as a capture of the server's bytes, read by the capture analyser and by the live path (the
 * sans-IO {@link io.rdpprobe.probe.connector.ProbeConnector} fed the same server units, {@link LiveReplay}; for
 * CredSSP, whose bytes are encrypted, the live {@link CredSspClient} against a server that closes after
 * AUTHENTICATE), and must get the same, right, verdict both ways.
 */
class OneInterpretationTest {
    @TempDir
    Path dir;
    private int port = 50000;

    private RdpConnection capture(TcpConversation t) throws IOException {
        Path f = TestCaptures.write(dir.resolve("c" + port + ".pcap"), CaptureWriter.Format.PCAP_MICRO,
                ByteOrder.LITTLE_ENDIAN, 1, 0, t.packets());
        List<AnalyzedConnection> all = TestCaptures.analyze(f);
        assertThat(all).hasSize(1);
        return all.get(0).tcp();
    }

    private TcpConversation conversation() {
        return new TcpConversation(TestCaptures.C4, port++, TestCaptures.S4, 3389, 1_000_000_000L, 1, 2).handshake();
    }

    private static Report report(RdpConnection c) {
        return ReportBuilder.build(c);
    }

    private static StageResult stage(List<StageResult> rs, Stage s) {
        return rs.stream().filter(r -> r.stage() == s).findFirst().orElseThrow();
    }

    private static String verdict(StageResult r) {
        ClientError ce = r.cause() == null ? null : r.cause().clientError();
        return r.stage() + " " + r.status() + " " + (r.cause() == null ? "-" : r.cause().code()) + " "
                + (ce == null ? "-" : String.format("0x%X", ce.code()) + (ce.extended() == null ? "" : String.format("/0x%X", ce.extended())));
    }

    /** The stage read by both paths from the same capture: the same verdict, returned. */
    private static StageResult bothPaths(RdpConnection c, Stage s) {
        StageResult mine = stage(report(c).stages(), s);
        StageResult live = stage(LiveReplay.run(c).stages(), s);
        assertThat(verdict(mine)).as("capture vs live at " + s).isEqualTo(verdict(live));
        return mine;
    }

    @Test
    void bareConnectionConfirmAnsweringAnRdpNegReqIsNegotiationIgnored() throws IOException {
        RdpConnection c = capture(conversation().client(TcpConversation.connectionRequest("alice", Protocols.SSL))
                .server(ByteBufUtil.decodeHexDump("0300000b06d00000123400")).fin(false).fin(true));
        StageResult x = bothPaths(c, Stage.X224);
        assertThat(x.status()).isEqualTo(Status.WARNING);
        assertThat(x.cause().code()).isEqualTo("NEGOTIATION_IGNORED");
        assertThat(x.evidence()).containsEntry("requested", "SSL").containsEntry("selected", "RDP")
                .containsEntry("negotiation", "none (bare Connection Confirm)");
    }

    @Test
    void rdpSelectedForAnSslRequestIsProtocolNotRequested() throws IOException {
        RdpConnection c = capture(conversation().client(TcpConversation.connectionRequest("alice", Protocols.SSL))
                .server(TcpConversation.connectionConfirm(Protocols.RDP)).fin(false).fin(true));
        StageResult x = bothPaths(c, Stage.X224);
        assertThat(x.status()).isEqualTo(Status.WARNING);
        assertThat(x.cause().code()).isEqualTo("PROTOCOL_NOT_REQUESTED");
        assertThat(x.summary()).contains("the server selected RDP (Standard RDP Security) although the request was SSL");
        assertThat(x.evidence()).containsEntry("requested", "SSL").containsEntry("selected", "RDP");
    }

    // ---- CREDSSP ------------------------------------------------------------------------------------------

    @Test
    void serverCloseRightAfterNtlmAuthenticateIsAnInferredLogonFailure() throws Exception {
        // capture: TLS 1.2 handshake in clear, then NEGOTIATE, CHALLENGE, AUTHENTICATE as encrypted records, then
        // the server's FIN (FreeRDP's shadow server with a wrong password)
        TcpConversation t = conversation().client(TcpConversation.connectionRequest("alice", Protocols.SSL | Protocols.HYBRID))
                .server(TcpConversation.connectionConfirm(Protocols.HYBRID))
                .client(TcpConversation.clientHelloRecord("srv"))
                .server(TcpConversation.serverFlightRecord(0xC02F, List.of()))
                .client(TcpConversation.concat(TcpConversation.changeCipherSpec(), TcpConversation.applicationData(40)))
                .server(TcpConversation.changeCipherSpec())
                .client(TcpConversation.applicationData(60))     // TSRequest: NTLM NEGOTIATE
                .server(TcpConversation.applicationData(300))    // TSRequest: NTLM CHALLENGE
                .client(TcpConversation.applicationData(450))    // TSRequest: NTLM AUTHENTICATE + pubKeyAuth
                .fin(false).fin(true);
        StageResult mine = stage(report(capture(t)).stages(), Stage.CREDSSP);

        // live: the CredSSP client against a server that closes after a wrong password's AUTHENTICATE
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        byte[] key = PubKeyAuth.subjectPublicKey(g.generateKeyPair().getPublic().getEncoded());
        long now = 1_763_650_000_000L;
        DemoCredSspServer server = new DemoCredSspServer(key, now);
        server.onBadPassword = DemoCredSspServer.OnBadPassword.CLOSE;
        Random r = new Random(1);
        CredSspClient client = new CredSspClient(Credentials.parse("CORP\\alice", Secret.of("wrong".toCharArray())), key,
                "TERMSRV/srv", CredSspOptions.defaults(), r::nextBytes);
        byte[] out = client.start(now);
        Outcome live = null;
        for (int i = 0; i < 10 && live == null; i++) {
            DemoCredSspServer.Reply reply = server.onMessage(out);
            now += 20;
            if (reply.close()) {
                live = client.onClosed(now);
            } else {
                var step = client.onMessage(reply.bytes(), now);
                out = step.send();
            }
        }
        assertThat(live).isNotNull();
        StageResult liveResult = live.toStageResult(0);

        assertThat(verdict(mine)).isEqualTo(verdict(liveResult)).isEqualTo("CREDSSP FAILED LOGON_FAILURE "
                + verdict(liveResult).substring(verdict(liveResult).lastIndexOf(' ') + 1));
        assertThat(mine.inferred()).isTrue();
        assertThat(liveResult.inferred()).isTrue();
        assertThat(mine.summary()).contains("right after NTLM AUTHENTICATE").contains("(inferred");
        assertThat(mine.evidence()).containsKey("msAfterAuthenticate").containsKey("phaseInferredFrom")
                .containsEntry("closedBy", "server (FIN)");
        assertThat(liveResult.evidence()).containsKey("msAfterAuthenticate");
    }

    // ---- the session, in clear (ENCRYPTION_METHOD_NONE) -----------------------------------------------------

    /**
     * A real client/server exchange up to the Client Info (the live sequence against the demo's spec-faithful
     * server, ENCRYPTION_METHOD_NONE so every PDU is in clear), then {@code after} from the server, written as a
     * capture with a legacy Connection Request and a bare Connection Confirm.
     */
    private TcpConversation session(List<RdpServerSession.Out> afterInfo) {
        RdpServerSession server = new RdpServerSession(Protocols.RDP, EncryptionMethod.NONE);
        server.afterClientInfo = s -> afterInfo;
        TcpConversation t = conversation().client(ByteBufUtil.decodeHexDump("0300000b06e00000000000"))
                .server(ByteBufUtil.decodeHexDump("0300000b06d00000123400"));
        Random r = new Random(1);
        SessionSequence seq = new SessionSequence(Protocols.RDP, 0, SessionSettings.defaults("P"), r::nextBytes, null);
        Deque<byte[]> toServer = new ArrayDeque<>(seq.start(0).outbound());
        long now = 0;
        while (!toServer.isEmpty()) {
            byte[] frame = toServer.poll();
            t.client(frame);
            for (byte[] reply : server.respond(frame)) {
                if (reply == RdpServerSession.CLOSE) {
                    return t;
                }
                t.server(reply);
                SessionSequence.Step st = seq.receive(reply, now += 5);
                toServer.addAll(st.outbound());
            }
        }
        return t;
    }

    @Test
    void licensingErrorWithNoTransitionIsAWarningAndTheSessionGoesOn() throws IOException {
        LicenseErrorMessage err = new LicenseErrorMessage(new LicenseErrorCode(0x06), StateTransition.ST_NO_TRANSITION,
                new LicenseBinaryBlob(LicenseBinaryBlob.BB_ERROR_BLOB, new byte[0]));
        List<RdpServerSession.Out> after = new ArrayList<>();
        after.add(new RdpServerSession.Out(SecurityFlags.SEC_LICENSE_PKT, LicensePdu.errorAlert(err)));
        after.add(new RdpServerSession.Out(0, DemandActivePdu.encode(RdpServerSession.SERVER_USER, RdpServerSession.SHARE_ID,
                io.rdpprobe.protocol.rdp.ConfirmActivePdu.minimalClientCapabilities(1280, 1024, 32, 0x409), 3)));
        RdpConnection c = capture(session(after).fin(true).fin(false));
        StageResult lic = bothPaths(c, Stage.LICENSING);
        assertThat(lic.status()).isEqualTo(Status.WARNING);
        assertThat(lic.cause().code()).isEqualTo("LICENSE_ERR_NO_LICENSE_SERVER");
        assertThat(lic.summary()).contains("ST_NO_TRANSITION: the server continues");
        StageResult act = bothPaths(c, Stage.ACTIVATION);
        assertThat(act.status()).isEqualTo(Status.OK);
        assertThat(report(c).verdict().status()).isEqualTo(Status.WARNING);
    }

    @Test
    void setErrorInfoThenUltimatumThenFinIsTheErrInfosDisconnectByTheServer() throws IOException {
        List<RdpServerSession.Out> after = List.of(new RdpServerSession.Out(0,
                SetErrorInfoPdu.encode(RdpServerSession.SHARE_ID, ErrorInfo.SERVER_DENIED_CONNECTION)));
        RdpConnection c = capture(session(after).server(Mcs.frame(DisconnectProviderUltimatum.USER_REQUESTED))
                .fin(false).fin(true));
        StageResult r = bothPaths(c, Stage.LICENSING);
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.cause().code()).isEqualTo("ERRINFO_SERVER_DENIED_CONNECTION");
        // an Ultimatum after the Set Error Info: mstsc's "disconnected by the server" (0x3), with the ERRINFO
        assertThat(r.cause().clientError().code()).isEqualTo(0x3);
        assertThat(report(c).verdict().clientError().code()).isEqualTo(0x3);

        // the same Set Error Info with only the close after it: the socket's close (0x904), in both paths too
        RdpConnection closeOnly = capture(session(after).fin(false).fin(true));
        StageResult s = bothPaths(closeOnly, Stage.LICENSING);
        assertThat(s.cause().code()).isEqualTo("ERRINFO_SERVER_DENIED_CONNECTION");
        assertThat(s.cause().clientError().code()).isEqualTo(0x904);
    }
}
