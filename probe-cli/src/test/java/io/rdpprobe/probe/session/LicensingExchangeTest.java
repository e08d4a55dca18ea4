package io.rdpprobe.probe.session;

import io.rdpprobe.demo.RdpServerSession;
import static io.rdpprobe.probe.session.SessionSequenceTest.demandActive;
import static io.rdpprobe.probe.session.SessionSequenceTest.run;
import static io.rdpprobe.probe.session.SessionSequenceTest.stage;
import static io.rdpprobe.probe.session.SessionSequenceTest.validClient;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import io.rdpprobe.protocol.licensing.ClientNewLicenseRequest;
import io.rdpprobe.protocol.licensing.LicensePdu;
import io.rdpprobe.protocol.licensing.LicensePreamble;
import io.rdpprobe.protocol.licensing.LicenseRequest;
import io.rdpprobe.protocol.rdp.SecurityFlags;
import io.rdpprobe.protocol.security.ClientRandomEncryption;
import io.rdpprobe.protocol.x224.Protocols;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The licensing exchange a real client runs: License Request -> New License Request -> Valid Client / Platform Challenge. */
class LicensingExchangeTest {

    static byte[] fixture(String name) throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "testdata", "fixtures", name));
        assertThat(lines.get(0)).startsWith("# recorded from");
        return Wire.unhex(lines.stream().filter(l -> !l.startsWith("#")).collect(Collectors.joining()));
    }

    static RdpServerSession.Out licenseRequest(RdpServerSession s, int extraFlags) {
        ByteBuf cert = Unpooled.buffer();
        s.certificate().encode(cert);
        LicenseRequest req = new LicenseRequest(new byte[32], 0x00060000, "Microsoft Corporation", "A02", List.of(1),
                ByteBufUtil.getBytes(cert), List.of("microsoft.com"));
        ByteBuf b = Unpooled.buffer();
        req.encode(b);
        return new RdpServerSession.Out(SecurityFlags.SEC_LICENSE_PKT | extraFlags,
                LicensePdu.message(LicensePreamble.LICENSE_REQUEST, ByteBufUtil.getBytes(b)));
    }

    /** The real xrdp 0.9.21 TLS-mode frames: License Request (flagsHi = length), Valid Client, Demand Active. */
    @Test
    void realXrdpLicenseRequestIsAnsweredAndActivationReached() throws Exception {
        RdpServerSession server = new RdpServerSession(Protocols.SSL, EncryptionMethod.NONE);
        server.rawFramesAfterInfo = List.of(fixture("licensing/xrdp-tls-license-request.hex"));
        byte[] valid = fixture("licensing/xrdp-tls-valid-client.hex");
        byte[] demand = fixture("licensing/xrdp-tls-demand-active.hex");
        server.afterLicensePdu = s -> List.of(valid, demand);
        SessionSequence seq = run(server, Protocols.SSL, SessionSettings.defaults("PROBE"), null);

        StageResult lic = stage(seq, Stage.LICENSING);
        assertThat(lic.status()).isEqualTo(Status.OK);
        assertThat(lic.summary()).isEqualTo("License Request answered with New License Request; server replied STATUS_VALID_CLIENT");
        assertThat(lic.evidence()).containsEntry("licenseCompany", "Microsoft Corporation")
                .containsEntry("licenseProductId", "236").containsEntry("licenseServerKeyBits", 511)
                .containsEntry("licenseExchange", "License Request answered with New License Request; server replied STATUS_VALID_CLIENT");
        StageResult act = stage(seq, Stage.ACTIVATION);
        assertThat(act.status()).isEqualTo(Status.OK);
        assertThat(act.evidence()).containsEntry("desktopSize", "640x480").containsKey("capabilityCount");

        assertThat(server.licensePdus).hasSize(1);
        assertThat(server.licensePduFlags).containsExactly(SecurityFlags.SEC_LICENSE_PKT);
        ClientNewLicenseRequest nlr = ClientNewLicenseRequest.decodePdu(Unpooled.wrappedBuffer(server.licensePdus.get(0)));
        assertThat(nlr.platformId()).isEqualTo(0x04010000);
        assertThat(nlr.encryptedPreMasterSecret().data()).hasSize(72);
        assertThat(nlr.userName()).isEqualTo(SessionSequence.DEFAULT_LICENSE_USER);
        assertThat(nlr.machineName()).isEqualTo("PROBE");
        assertThat(server.licensePdus.get(0)[1] & 0xff).isEqualTo(0x83); // PREAMBLE_VERSION_3_0 | EXTENDED_ERROR_MSG_SUPPORTED
    }

    /** The share/security-header split on real bytes: xrdp's Demand Active has totalLength 0x019a (bit 0x0080 set). */
    @Test
    void enhancedSecurityDemuxOnRealBytes() throws Exception {
        assertThat(SessionSequence.enhancedSecurityFlags(sendDataUserData("licensing/xrdp-tls-license-request.hex")))
                .isEqualTo(SecurityFlags.SEC_LICENSE_PKT);
        assertThat(SessionSequence.enhancedSecurityFlags(sendDataUserData("licensing/xrdp-tls-valid-client.hex")))
                .isEqualTo(SecurityFlags.SEC_LICENSE_PKT);
        assertThat(SessionSequence.enhancedSecurityFlags(sendDataUserData("licensing/xrdp-tls-demand-active.hex"))).isZero();
        // a spec-conforming license PDU with flagsHi 0 and a heartbeat-style header still work
        byte[] spec = new byte[4 + 16];
        spec[0] = (byte) 0x80;
        System.arraycopy(LicensePdu.errorAlert(io.rdpprobe.protocol.licensing.LicenseErrorMessage.validClient()), 0, spec, 4, 16);
        assertThat(SessionSequence.enhancedSecurityFlags(Unpooled.wrappedBuffer(spec))).isEqualTo(0x80);
    }

    static ByteBuf sendDataUserData(String fixture) throws Exception {
        ByteBuf mcs = io.rdpprobe.protocol.mcs.Mcs.userData(Unpooled.wrappedBuffer(fixture(fixture)));
        return ((io.rdpprobe.protocol.mcs.SendData) io.rdpprobe.protocol.mcs.DomainPdu.decode(mcs)).data();
    }

    @Test
    void standardSecurityLicenseRequestThenValidClientReachesActivation() {
        RdpServerSession server = new RdpServerSession(0, EncryptionMethod.BIT_128);
        server.afterClientInfo = s -> List.of(licenseRequest(s, 0));
        server.afterLicensePdu = s -> List.of(s.wrap(validClient()), s.wrap(demandActive()));
        SessionSequence seq = run(server, 0, SessionSettings.defaults("PROBE"),
                new LogonInfo("", "alice"));

        assertThat(seq.results()).extracting(StageResult::status).containsExactly(Status.OK, Status.OK, Status.OK, Status.OK);
        StageResult lic = stage(seq, Stage.LICENSING);
        assertThat(lic.summary()).contains("New License Request").contains("STATUS_VALID_CLIENT");
        assertThat(lic.evidence()).containsEntry("newLicenseRequestEncrypted", false);
        assertThat(stage(seq, Stage.ACTIVATION).evidence()).containsEntry("desktopSize", "1280x1024").containsEntry("capabilityCount", 11);

        // no SEC_LICENSE_ENCRYPT_CS from the server: the New License Request travels in clear
        assertThat(server.licensePduFlags).containsExactly(SecurityFlags.SEC_LICENSE_PKT);
        ClientNewLicenseRequest nlr = ClientNewLicenseRequest.decodePdu(Unpooled.wrappedBuffer(server.licensePdus.get(0)));
        assertThat(nlr.keyExchangeAlg()).isEqualTo(ClientNewLicenseRequest.KEY_EXCHANGE_ALG_RSA);
        assertThat(nlr.encryptedPreMasterSecret().typeName()).isEqualTo("BB_RANDOM_BLOB");
        assertThat(nlr.encryptedPreMasterSecret().data()).hasSize(72);
        assertThat(Arrays.copyOfRange(nlr.encryptedPreMasterSecret().data(), 64, 72)).containsOnly(0);
        assertThat(nlr.clientUserName().typeName()).isEqualTo("BB_CLIENT_USER_NAME_BLOB");
        assertThat(nlr.clientUserName().data()).isEqualTo("alice\0".getBytes());
        assertThat(nlr.clientMachineName().typeName()).isEqualTo("BB_CLIENT_MACHINE_NAME_BLOB");
        assertThat(nlr.clientMachineName().data()).isEqualTo("PROBE\0".getBytes());
        // the same RandomSource as run(): client random of the security exchange, license client random, premaster
        Random r = new Random(1);
        byte[] securityRandom = new byte[32];
        r.nextBytes(securityRandom);
        byte[] licenseRandom = new byte[32];
        r.nextBytes(licenseRandom);
        byte[] premaster = new byte[48];
        r.nextBytes(premaster);
        assertThat(nlr.clientRandom()).isEqualTo(licenseRandom);
        assertThat(ClientRandomEncryption.decrypt(server.modulus(), server.privateExponent(), nlr.encryptedPreMasterSecret().data(), 48))
                .isEqualTo(premaster);
    }

    @Test
    void licenseEncryptFromServerMeansEncryptedNewLicenseRequest() {
        RdpServerSession server = new RdpServerSession(0, EncryptionMethod.BIT_128);
        server.afterClientInfo = s -> List.of(licenseRequest(s, SecurityFlags.SEC_LICENSE_ENCRYPT));
        server.afterLicensePdu = s -> List.of(s.wrap(validClient()), s.wrap(demandActive()));
        SessionSequence seq = run(server, 0, SessionSettings.defaults("PROBE"), null);
        assertThat(seq.results()).extracting(StageResult::status).containsExactly(Status.OK, Status.OK, Status.OK, Status.OK);
        assertThat(server.licensePduFlags).containsExactly(SecurityFlags.SEC_LICENSE_PKT | SecurityFlags.SEC_ENCRYPT);
        assertThat(server.licenseMacValid).isTrue();
        assertThat(ClientNewLicenseRequest.decodePdu(Unpooled.wrappedBuffer(server.licensePdus.get(0))).machineName())
                .isEqualTo("PROBE");
    }

    @Test
    void licenseRequestThenPlatformChallengeMeansLicensingServerRequired() {
        RdpServerSession server = new RdpServerSession(Protocols.SSL, EncryptionMethod.NONE);
        server.afterClientInfo = s -> List.of(licenseRequest(s, 0));
        server.afterLicensePdu = s -> List.of(s.wrap(new RdpServerSession.Out(SecurityFlags.SEC_LICENSE_PKT,
                LicensePdu.message(LicensePreamble.PLATFORM_CHALLENGE, new byte[4 + 4 + 10 + 16]))));
        SessionSequence seq = run(server, Protocols.SSL, SessionSettings.defaults("PROBE"), null);
        StageResult lic = stage(seq, Stage.LICENSING);
        assertThat(lic.status()).isEqualTo(Status.WARNING);
        assertThat(lic.cause().code()).isEqualTo("LICENSING_SERVER_REQUIRED");
        assertThat(lic.summary()).contains("a licensing server is required").contains("product id A02")
                .contains("company Microsoft Corporation").contains("scope microsoft.com");
        assertThat(lic.evidence()).containsEntry("licenseMessage", "PLATFORM_CHALLENGE (0x02)");
        assertThat(server.licensePdus).hasSize(1);
        assertThat(server.ultimatumReceived).isTrue(); // polite close
        assertThat(stage(seq, Stage.ACTIVATION).status()).isEqualTo(Status.NOT_REACHED);
    }

    static byte[] clearFrame(RdpServerSession.Out o) {
        ByteBuf b = Unpooled.buffer();
        b.writeShortLE(o.flags()).writeShortLE(o.payload().length).writeBytes(o.payload()); // flagsHi = length, as xrdp
        return io.rdpprobe.protocol.mcs.Mcs.sendData(true, RdpServerSession.SERVER_USER, 1003, ByteBufUtil.getBytes(b));
    }

    /** Like xrdp in rdp mode: licensing PDUs in clear, then an RC4-encrypted Demand Active whose MAC proves the keys. */
    @Test
    void clearLicensingThenEncryptedDemandActiveVerifiesTheKeysLater() {
        RdpServerSession server = new RdpServerSession(0, EncryptionMethod.BIT_128);
        server.rawFramesAfterInfo = List.of(clearFrame(licenseRequest(server, 0)));
        server.afterLicensePdu = s -> List.of(clearFrame(validClient()), s.wrap(demandActive()));
        SessionSequence seq = run(server, 0, SessionSettings.defaults("PROBE"), null);
        assertThat(seq.results()).extracting(StageResult::status).containsExactly(Status.OK, Status.OK, Status.OK, Status.OK);
        StageResult sx = stage(seq, Stage.SECURITY_EXCHANGE);
        assertThat(sx.evidence()).containsEntry("macVerified", true).containsEntry("macVerifiedBy", "a later encrypted server PDU");
        assertThat(sx.summary()).isEqualTo("128bit RC4 session keys accepted in clear, then verified by the MAC of the first encrypted server PDU");
        assertThat(server.licensePduFlags).containsExactly(SecurityFlags.SEC_LICENSE_PKT);
    }

    @Test
    void clearLicensingThenTamperedDemandActiveIsSessionKeyMismatch() {
        RdpServerSession server = new RdpServerSession(0, EncryptionMethod.BIT_128);
        server.tamperMac = true;
        server.rawFramesAfterInfo = List.of(clearFrame(licenseRequest(server, 0)));
        server.afterLicensePdu = s -> List.of(clearFrame(validClient()), s.wrap(demandActive()));
        SessionSequence seq = run(server, 0, SessionSettings.defaults("PROBE"), null);
        StageResult act = stage(seq, Stage.ACTIVATION);
        assertThat(act.status()).isEqualTo(Status.FAILED);
        assertThat(act.cause().code()).isEqualTo("SESSION_KEY_MISMATCH");
    }
}
