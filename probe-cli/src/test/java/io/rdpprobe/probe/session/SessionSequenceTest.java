package io.rdpprobe.probe.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.demo.RdpServerSession;
import io.rdpprobe.probe.model.ClientError;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.model.Verdict;
import io.rdpprobe.protocol.errors.ErrorInfo;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import io.rdpprobe.protocol.licensing.LicenseErrorCode;
import io.rdpprobe.protocol.licensing.LicenseErrorMessage;
import io.rdpprobe.protocol.licensing.LicenseBinaryBlob;
import io.rdpprobe.protocol.licensing.LicensePdu;
import io.rdpprobe.protocol.licensing.LicensePreamble;
import io.rdpprobe.protocol.licensing.LicenseRequest;
import io.rdpprobe.protocol.licensing.StateTransition;
import io.rdpprobe.protocol.mcs.McsResult;
import io.rdpprobe.protocol.rdp.ConfirmActivePdu;
import io.rdpprobe.protocol.rdp.DemandActivePdu;
import io.rdpprobe.protocol.rdp.SecurityFlags;
import io.rdpprobe.protocol.rdp.SetErrorInfoPdu;
import io.rdpprobe.protocol.x224.Protocols;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SessionSequenceTest {

    /** Runs client against server until someone closes; returns the client's sequence. */
    static SessionSequence run(RdpServerSession server, int selected, SessionSettings settings, LogonInfo logon) {
        return run(server, selected, settings, logon, s -> { });
    }

    static SessionSequence run(RdpServerSession server, int selected, SessionSettings settings, LogonInfo logon,
                               java.util.function.Consumer<SessionSequence> prepare) {
        Random r = new Random(1);
        SessionSequence seq = new SessionSequence(selected, selected == 0 ? 0 : Protocols.SSL | Protocols.HYBRID,
                settings, r::nextBytes, logon);
        prepare.accept(seq);
        long t = 100;
        Deque<byte[]> toServer = new ArrayDeque<>(seq.start(t).outbound());
        int guard = 0;
        outer:
        while (!toServer.isEmpty() && guard++ < 100) {
            for (byte[] reply : server.respond(toServer.poll())) {
                t += 5;
                if (reply == RdpServerSession.CLOSE) {
                    seq.closed(t);
                    break outer;
                }
                SessionSequence.Step s = seq.receive(reply, t);
                toServer.addAll(s.outbound());
                if (s.close()) {
                    while (!toServer.isEmpty()) server.respond(toServer.poll());
                    break outer;
                }
            }
        }
        return seq;
    }

    static StageResult stage(SessionSequence s, Stage st) {
        return s.results().stream().filter(r -> r.stage() == st).findFirst().orElseThrow();
    }

    static RdpServerSession.Out validClient() {
        return new RdpServerSession.Out(SecurityFlags.SEC_LICENSE_PKT, LicensePdu.errorAlert(LicenseErrorMessage.validClient()));
    }

    static RdpServerSession.Out demandActive() {
        return new RdpServerSession.Out(0, DemandActivePdu.encode(1002, 0x000103EA,
                ConfirmActivePdu.minimalClientCapabilities(1280, 1024, 32, 0x409), 3));
    }

    @Test
    void happyPathStandardSecurity128BitToDemandActive() {
        RdpServerSession server = new RdpServerSession(0, EncryptionMethod.BIT_128);
        server.afterClientInfo = s -> List.of(validClient(), demandActive());
        SessionSequence seq = run(server, 0, SessionSettings.defaults("PROBE").withSkipChannelJoin(false), null);

        assertThat(seq.results()).extracting(StageResult::status).containsExactly(Status.OK, Status.OK, Status.OK, Status.OK);
        StageResult mcs = stage(seq, Stage.MCS);
        assertThat(mcs.evidence()).containsEntry("serverRdpVersion", "RDP 10.7 (0x0008000c)")
                .containsEntry("encryptionMethod", "ENCRYPTION_METHOD_128BIT (0x00000002)")
                .containsEntry("encryptionLevel", "ENCRYPTION_LEVEL_HIGH (0x00000003)")
                .containsEntry("certificateType", "RSA").containsEntry("certificateCount", 1)
                .containsEntry("certificatePermanent", true).containsEntry("userId", 1008);
        assertThat(server.joined).containsExactly(1008, 1003, 1004, 1005, 1006, 1007);
        StageResult sx = stage(seq, Stage.SECURITY_EXCHANGE);
        assertThat(sx.evidence()).containsEntry("proprietarySignature", "VALID").containsEntry("macVerified", true);
        // the server really decrypted the client random and the Client Info
        assertThat(server.clientInfoMacValid).isTrue();
        assertThat(server.clientInfo.userName()).isEmpty();
        assertThat(server.clientInfo.flagNames()).contains("INFO_UNICODE", "INFO_LOGONERRORS", "INFO_LOGONNOTIFY");
        assertThat(server.clientData.core().orElseThrow().clientName()).isEqualTo("PROBE");
        StageResult act = stage(seq, Stage.ACTIVATION);
        assertThat(act.evidence()).containsEntry("desktopSize", "1280x1024").containsEntry("colorDepth", 32)
                .containsEntry("capabilityCount", 11).containsEntry("osMajorType", "OSMAJORTYPE_WINDOWS (0x0001)")
                .containsEntry("shareId", "0x000103ea");
        assertThat(server.ultimatumReceived).isTrue();
        assertThat(seq.isDone()).isTrue();
        assertThat(mcs.elapsedMs()).isPositive();
    }

    @Test
    void anX509ChainUnderStandardSecurityIsJudgedLikeATlsCertificate() {
        RdpServerSession server = new RdpServerSession(0, EncryptionMethod.BIT_128);
        server.afterClientInfo = s -> List.of(validClient(), demandActive());
        // as an old Windows server: a self-signed, SHA-1, 512-bit certificate that expired in 2016
        server.x509Chain = List.of(server.x509Leaf("CN=SERVR", java.time.Instant.parse("2015-01-01T00:00:00Z"),
                java.time.Instant.parse("2016-12-31T23:59:59Z"), "SHA1withRSA"));
        SessionSequence seq = run(server, 0, SessionSettings.defaults("PROBE"), null,
                s -> s.judgeCertificatesAt(java.time.Instant.parse("2026-12-01T00:00:00Z"),
                        io.rdpprobe.probe.tls.TrustSettings.defaults()));
        StageResult sx = stage(seq, Stage.SECURITY_EXCHANGE);
        assertThat(sx.status()).isEqualTo(Status.WARNING);
        assertThat(sx.cause().code()).isEqualTo("CERT_EXPIRED");
        assertThat(sx.summary()).contains("session keys").contains("server certificate chain").contains("2016-12-31");
        assertThat(sx.evidence().get("certificateFindings").toString())
                .contains("CERT_EXPIRED").contains("CERT_WEAK_KEY").contains("CERT_SELF_SIGNED");
        assertThat(sx.evidence()).containsEntry("certificateType", "X.509").containsKey("serverCertificates");
        // the keys still work: the server decrypted the client random with its own key and accepted the MACs
        assertThat(server.clientInfoMacValid).isTrue();
        assertThat(stage(seq, Stage.ACTIVATION).status()).isEqualTo(Status.OK);
    }

    @Test
    void happyPathStandardSecurityFips() {
        RdpServerSession server = new RdpServerSession(0, EncryptionMethod.FIPS);
        server.afterClientInfo = s -> List.of(validClient(), demandActive());
        SessionSequence seq = run(server, 0, SessionSettings.defaults("PROBE"), null);
        assertThat(seq.results()).extracting(StageResult::status).containsExactly(Status.OK, Status.OK, Status.OK, Status.OK);
        assertThat(server.clientInfoMacValid).isTrue();
        assertThat(stage(seq, Stage.SECURITY_EXCHANGE).summary()).contains("FIPS 3DES");
    }

    @Test
    void happyPathTlsWithSkipChannelJoinAndLogon() {
        RdpServerSession server = new RdpServerSession(Protocols.SSL, EncryptionMethod.NONE);
        server.skipChannelJoinSupported = true;
        server.afterClientInfo = s -> List.of(validClient(), demandActive());
        SessionSequence seq = run(server, Protocols.SSL, SessionSettings.defaults("PROBE"),
                new LogonInfo("CORP", "alice"));
        assertThat(seq.results()).extracting(StageResult::status)
                .containsExactly(Status.OK, Status.SKIPPED, Status.OK, Status.OK);
        assertThat(server.joined).isEmpty();
        assertThat(stage(seq, Stage.MCS).evidence().get("channelJoin").toString()).startsWith("skipped");
        assertThat(server.clientInfo.userName()).isEqualTo("alice");
        assertThat(server.clientInfo.flagNames()).contains("INFO_AUTOLOGON");
        assertThat(server.clientInfo.password()).isEmpty();
        assertThat(server.clientInfoBytes[12] | server.clientInfoBytes[13]).isZero(); // cbPassword
    }

    @Test
    void setErrorInfoDeniedThenClose() {
        RdpServerSession server = new RdpServerSession(0, EncryptionMethod.BIT_128);
        server.afterClientInfo = s -> {
            java.util.ArrayList<RdpServerSession.Out> l = new java.util.ArrayList<>();
            l.add(new RdpServerSession.Out(0, SetErrorInfoPdu.encode(0x103EA, ErrorInfo.SERVER_DENIED_CONNECTION)));
            l.add(null);
            return l;
        };
        SessionSequence seq = run(server, 0, SessionSettings.defaults("PROBE"), null);
        StageResult lic = stage(seq, Stage.LICENSING);
        assertThat(lic.status()).isEqualTo(Status.FAILED);
        assertThat(lic.cause().code()).isEqualTo("ERRINFO_SERVER_DENIED_CONNECTION");
        assertThat(lic.cause().clientError()).isEqualTo(ClientError.of(0x904, 0x7));
        assertThat(lic.cause().clientError().display()).isEqualTo("0x904 / extended 0x7");
        Verdict v = Verdict.from(seq.results());
        assertThat(v.stage()).isEqualTo(Stage.LICENSING);
        assertThat(v.cause()).isEqualTo("ERRINFO_SERVER_DENIED_CONNECTION");
        assertThat(stage(seq, Stage.ACTIVATION).status()).isEqualTo(Status.NOT_REACHED);
    }

    @Test
    void autodetectAndOtherChannelDataAreSkippedUnderTls() {
        RdpServerSession server = new RdpServerSession(Protocols.SSL, EncryptionMethod.NONE);
        server.afterClientInfo = s -> List.of(new RdpServerSession.Out(SecurityFlags.SEC_AUTODETECT_REQ, new byte[] {6, 0, 0, 0, 1, 0}),
                validClient(), demandActive());
        SessionSequence seq = run(server, Protocols.SSL, SessionSettings.defaults("PROBE"), null);
        assertThat(seq.results()).extracting(StageResult::status).containsExactly(Status.OK, Status.SKIPPED, Status.OK, Status.OK);
        // static virtual channel data before activation is ignored, not parsed as a share PDU
        RdpServerSession svc = new RdpServerSession(Protocols.SSL, EncryptionMethod.NONE);
        svc.rawFramesAfterInfo = List.of(io.rdpprobe.protocol.mcs.Mcs.sendData(true, 1002, 1004, new byte[] {1, 2, 3}));
        svc.afterClientInfo = s -> List.of(validClient(), demandActive());
        SessionSequence seq2 = run(svc, Protocols.SSL, SessionSettings.defaults("PROBE"), null);
        assertThat(seq2.results()).extracting(StageResult::status).containsExactly(Status.OK, Status.SKIPPED, Status.OK, Status.OK);
    }

    @Test
    void disconnectProviderUltimatumAfterSetErrorInfo() {
        RdpServerSession server = new RdpServerSession(Protocols.SSL, EncryptionMethod.NONE);
        server.afterClientInfo = s -> List.of(new RdpServerSession.Out(0, SetErrorInfoPdu.encode(0x103EA, new ErrorInfo(0x102))));
        SessionSequence seq = new SessionSequence(Protocols.SSL, Protocols.SSL, SessionSettings.defaults("P"), b -> { }, null);
        java.util.Deque<byte[]> q = new java.util.ArrayDeque<>(seq.start(0).outbound());
        while (!q.isEmpty()) {
            for (byte[] f : server.respond(q.poll())) q.addAll(seq.receive(f, 1).outbound());
        }
        seq.receive(io.rdpprobe.protocol.mcs.Mcs.frame(new io.rdpprobe.protocol.mcs.DisconnectProviderUltimatum(
                io.rdpprobe.protocol.mcs.DisconnectReason.PROVIDER_INITIATED)), 2);
        StageResult lic = stage(seq, Stage.LICENSING);
        assertThat(lic.cause().code()).isEqualTo("ERRINFO_LICENSE_NO_LICENSE");
        assertThat(lic.cause().clientError()).isEqualTo(ClientError.of(0x3, 0x102));
        assertThat(lic.evidence()).containsEntry("ultimatum", "rn-provider-initiated");
    }

    @Test
    void connectResponseUserRejected() {
        RdpServerSession server = new RdpServerSession(Protocols.SSL, EncryptionMethod.NONE);
        server.connectResult = McsResult.USER_REJECTED;
        SessionSequence seq = run(server, Protocols.SSL, SessionSettings.defaults("PROBE"), null);
        StageResult mcs = stage(seq, Stage.MCS);
        assertThat(mcs.status()).isEqualTo(Status.FAILED);
        assertThat(mcs.cause().code()).isEqualTo("MCS_CONNECT_REJECTED");
        assertThat(mcs.cause().title()).contains("rt-user-rejected");
        assertThat(mcs.evidence()).containsEntry("mcsResult", "rt-user-rejected (0x0f)");
        assertThat(seq.results().subList(1, 4)).extracting(StageResult::status).containsOnly(Status.NOT_REACHED);
    }

    @Test
    void channelJoinRefused() {
        RdpServerSession server = new RdpServerSession(Protocols.SSL, EncryptionMethod.NONE);
        server.joinResult = McsResult.NOT_ADMITTED;
        SessionSequence seq = run(server, Protocols.SSL, SessionSettings.defaults("PROBE").withSkipChannelJoin(false), null);
        assertThat(stage(seq, Stage.MCS).cause().code()).isEqualTo("CHANNEL_JOIN_FAILED");
        assertThat(stage(seq, Stage.MCS).evidence()).containsEntry("channelJoinResult", "rt-not-admitted");
    }

    @Test
    void licensingErrorAbort() {
        RdpServerSession server = new RdpServerSession(0, EncryptionMethod.BIT_56);
        server.afterClientInfo = s -> List.of(new RdpServerSession.Out(SecurityFlags.SEC_LICENSE_PKT,
                LicensePdu.errorAlert(new LicenseErrorMessage(LicenseErrorCode.ERR_NO_LICENSE_SERVER,
                        StateTransition.ST_TOTAL_ABORT, new LicenseBinaryBlob(LicenseBinaryBlob.BB_ERROR_BLOB, new byte[0])))));
        SessionSequence seq = run(server, 0, SessionSettings.defaults("PROBE"), null);
        assertThat(stage(seq, Stage.SECURITY_EXCHANGE).status()).isEqualTo(Status.OK);
        StageResult lic = stage(seq, Stage.LICENSING);
        assertThat(lic.status()).isEqualTo(Status.FAILED);
        assertThat(lic.cause().code()).isEqualTo("LICENSE_ERR_NO_LICENSE_SERVER");
        assertThat(lic.cause().clientError()).isEqualTo(ClientError.of(0x808));
        assertThat(lic.evidence()).containsEntry("stateTransition", "ST_TOTAL_ABORT (0x00000001)");
    }

    @Test
    void licenseRequestWithoutUsableCertificateIsMalformed() {
        RdpServerSession server = new RdpServerSession(Protocols.SSL, EncryptionMethod.NONE);
        LicenseRequest req = new LicenseRequest(new byte[32], 0x60000, "Microsoft Corporation", "A02", List.of(1), new byte[100],
                List.of("microsoft.com"));
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
        req.encode(b);
        byte[] body = io.netty.buffer.ByteBufUtil.getBytes(b);
        server.afterClientInfo = s -> List.of(new RdpServerSession.Out(SecurityFlags.SEC_LICENSE_PKT,
                LicensePdu.message(LicensePreamble.LICENSE_REQUEST, body)));
        SessionSequence seq = run(server, Protocols.SSL, SessionSettings.defaults("PROBE"), null);
        StageResult lic = stage(seq, Stage.LICENSING);
        assertThat(lic.status()).isEqualTo(Status.FAILED);
        assertThat(lic.cause().code()).isEqualTo("MALFORMED_RESPONSE");
        assertThat(lic.evidence()).containsEntry("licenseCompany", "Microsoft Corporation");
    }

    @Test
    void licensingErrorWithNoTransitionContinues() {
        RdpServerSession server = new RdpServerSession(Protocols.SSL, EncryptionMethod.NONE);
        server.afterClientInfo = s -> List.of(new RdpServerSession.Out(SecurityFlags.SEC_LICENSE_PKT,
                LicensePdu.errorAlert(new LicenseErrorMessage(LicenseErrorCode.ERR_NO_LICENSE_SERVER,
                        StateTransition.ST_NO_TRANSITION, new LicenseBinaryBlob(LicenseBinaryBlob.BB_ERROR_BLOB, new byte[0])))),
                demandActive());
        SessionSequence seq = run(server, Protocols.SSL, SessionSettings.defaults("PROBE"), null);
        assertThat(stage(seq, Stage.LICENSING).status()).isEqualTo(Status.WARNING);
        assertThat(stage(seq, Stage.ACTIVATION).status()).isEqualTo(Status.OK);
    }

    @Test
    void tamperedServerMacIsSessionKeyMismatch() {
        RdpServerSession server = new RdpServerSession(0, EncryptionMethod.BIT_40);
        server.tamperMac = true;
        server.afterClientInfo = s -> List.of(validClient());
        SessionSequence seq = run(server, 0, SessionSettings.defaults("PROBE"), null);
        StageResult sx = stage(seq, Stage.SECURITY_EXCHANGE);
        assertThat(sx.status()).isEqualTo(Status.FAILED);
        assertThat(sx.cause().code()).isEqualTo("SESSION_KEY_MISMATCH");
    }

    @Test
    void closeWithoutErrorInfoIsTheServersDisconnect() {
        RdpServerSession server = new RdpServerSession(Protocols.SSL, EncryptionMethod.NONE);
        java.util.ArrayList<RdpServerSession.Out> close = new java.util.ArrayList<>();
        close.add(null);
        server.afterClientInfo = s -> close;
        SessionSequence seq = run(server, Protocols.SSL, SessionSettings.defaults("PROBE"), null);
        // a plain close gives the same cause as a Disconnect Provider Ultimatum (ServerDisconnect): one event
        assertThat(stage(seq, Stage.LICENSING).cause().code()).isEqualTo("SERVER_DISCONNECTED");
        assertThat(stage(seq, Stage.LICENSING).evidence()).containsEntry("ultimatum", "none read").containsEntry("close", "FIN");
    }

    @Test
    void malformedServerBytesAreMalformedResponse() {
        SessionSequence seq = new SessionSequence(Protocols.SSL, Protocols.SSL, SessionSettings.defaults("P"), b -> { }, null);
        seq.start(0);
        SessionSequence.Step s = seq.receive(new byte[] {3, 0, 0, 12, 2, (byte) 0xF0, (byte) 0x80, 0x7F, 0x66, (byte) 0x82, 0x10, 0}, 1);
        assertThat(s.close()).isTrue();
        assertThat(stage(seq, Stage.MCS).cause().code()).isEqualTo("MALFORMED_RESPONSE");
        // garbage never escapes as anything but a failed stage
        Random r = new Random(3);
        for (int i = 0; i < 2000; i++) {
            SessionSequence q = new SessionSequence(Protocols.SSL, Protocols.SSL, SessionSettings.defaults("P"), b -> { }, null);
            q.start(0);
            byte[] g = new byte[r.nextInt(40)];
            r.nextBytes(g);
            if (g.length > 0) g[0] = 3;
            q.receive(g, 1);
        }
    }

    @Test
    void mutatedServerFramesNeverThrow() {
        Random r = new Random(11);
        int failures = 0;
        for (int i = 0; i < 300; i++) {
            int target = r.nextInt(12);
            int[] seen = {0};
            RdpServerSession server = new RdpServerSession(0, i % 2 == 0 ? EncryptionMethod.BIT_128 : EncryptionMethod.FIPS) {
                @Override
                public List<byte[]> respond(byte[] frame) {
                    List<byte[]> out;
                    try {
                        out = new java.util.ArrayList<>(super.respond(frame));
                    } catch (RuntimeException e) {
                        return List.of(CLOSE); // the scripted server gives up; only the client must never throw
                    }
                    for (int k = 0; k < out.size(); k++) {
                        byte[] f = out.get(k);
                        if (f != CLOSE && seen[0]++ == target && f.length > 7) {
                            byte[] m = f.clone();
                            for (int n = 0; n < 1 + r.nextInt(3); n++) m[7 + r.nextInt(m.length - 7)] = (byte) r.nextInt(256);
                            out.set(k, m);
                        }
                    }
                    return out;
                }
            };
            server.afterClientInfo = s -> List.of(validClient(), demandActive());
            SessionSequence seq = run(server, 0, SessionSettings.defaults("P").withSkipChannelJoin(false), null);
            if (seq.results().stream().anyMatch(StageResult::isFailure)) failures++;
            assertThat(seq.results()).hasSize(4);
        }
        assertThat(failures).isPositive();
    }

    @Test
    void enumerationTable() {
        List<EncryptionEnumeration.Attempt> attempts = new java.util.ArrayList<>();
        for (EncryptionMethod m : EncryptionEnumeration.METHODS) {
            RdpServerSession server = new RdpServerSession(0, m.value() == EncryptionMethod.BIT_56.value() ? EncryptionMethod.BIT_128 : m);
            byte[] ci = SessionSequence.connectInitialFrame(EncryptionEnumeration.settingsFor(SessionSettings.defaults("P"), m), 0);
            attempts.add(new EncryptionEnumeration.Attempt(m, server.respond(ci).get(0), null));
        }
        attempts.add(new EncryptionEnumeration.Attempt(EncryptionMethod.FIPS, null, "CONNECTION_CLOSED"));
        io.rdpprobe.probe.model.EncryptionSection r = EncryptionEnumeration.build(attempts);
        assertThat(r.acceptedMethods()).containsExactly("40bit", "128bit", "FIPS");
        assertThat(r.rows().get(1).accepted()).isFalse();
        assertThat(r.rows().get(1).note()).contains("ENCRYPTION_METHOD_128BIT");
        assertThat(r.encryptionLevel()).isEqualTo("High");
        assertThat(r.rdpVersion()).isEqualTo("RDP 10.7");
        assertThat(r.rows().get(4).note()).isEqualTo("CONNECTION_CLOSED");
        assertThat(((java.util.Map<?, ?>) io.rdpprobe.report.SectionJson.of(r)).keySet()).map(String::valueOf).contains("encryptionMethods", "acceptedMethods");
    }
}
