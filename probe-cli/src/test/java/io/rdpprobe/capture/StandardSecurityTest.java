package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.licensing.LicenseBinaryBlob;
import io.rdpprobe.protocol.licensing.LicenseErrorCode;
import io.rdpprobe.protocol.licensing.LicenseErrorMessage;
import io.rdpprobe.protocol.licensing.LicensePdu;
import io.rdpprobe.protocol.licensing.StateTransition;
import io.rdpprobe.protocol.mcs.Mcs;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standard RDP Security conversations built from the real MCS connect PDUs of Zeek's captures (read in place from
 * ../shared by {@link SharedFrames}; skipped without it) plus plaintext licensing PDUs: the GCC evidence, the Zeek
 * mapping, and licensing / MCS failures.
 */
class StandardSecurityTest {
    @TempDir
    Path dir;


    static byte[] secured(int flags, byte[] body) {
        byte[] b = new byte[4 + body.length];
        b[0] = (byte) flags;
        b[1] = (byte) (flags >> 8);
        System.arraycopy(body, 0, b, 4, body.length);
        return b;
    }

    private TcpConversation upToLicensing(int port) throws IOException {
        assumeTrue(SharedFrames.available(), "shared/ not present");
        TcpConversation t = new TcpConversation(TestCaptures.C4, port, TestCaptures.S4, 3389, 1_000_000_000L, 1, 2);
        t.handshake().client(TcpConversation.connectionRequest("FTBCO\\A70", 0)).server(TcpConversation.connectionConfirm(0));
        t.client(SharedFrames.proprietaryConnectInitial()).server(SharedFrames.proprietaryConnectResponse());
        byte[] random = new byte[72];
        byte[] exch = new byte[4 + random.length];
        exch[0] = (byte) random.length;
        System.arraycopy(random, 0, exch, 4, random.length);
        t.client(Mcs.sendData(false, 1007, 1003, secured(0x0001, exch)));
        t.client(Mcs.sendData(false, 1007, 1003, secured(0x0048, new byte[300]))); // Client Info, SEC_ENCRYPT
        return t;
    }

    private AnalyzedConnection one(TcpConversation t) throws IOException {
        Path f = TestCaptures.write(dir.resolve("std.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0, t.packets());
        return TestCaptures.analyze(f).get(0);
    }

    @Test
    void validClientLicenseReachesLicensingWithGccEvidence() throws IOException {
        TcpConversation t = upToLicensing(60000);
        t.server(Mcs.sendData(true, 1002, 1003, secured(0x0080, LicensePdu.errorAlert(LicenseErrorMessage.validClient()))));
        t.fin(true).fin(false);
        AnalyzedConnection c = one(t);
        assertThat(c.report().stages().stream().filter(s -> s.stage() == Stage.MCS).findFirst().orElseThrow().status())
                .isEqualTo(Status.OK);
        assertThat(c.report().stages().get(5).stage()).isEqualTo(Stage.SECURITY_EXCHANGE);
        assertThat(c.report().stages().get(5).status()).isEqualTo(Status.OK);
        assertThat(c.report().verdict().stage()).isEqualTo(Stage.LICENSING);
        assertThat(c.report().verdict().summary()).contains("STATUS_VALID_CLIENT");
        // issue 18 #14: names with the raw value beside them, from the protocol module's tables
        var mcs = c.report().stages().stream().filter(s -> s.stage() == Stage.MCS).findFirst().orElseThrow().evidence();
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> client = (java.util.Map<String, Object>) mcs.get("client");
        // the server's facts under the live probe's MCS evidence keys (one interpretation, issue 12)
        java.util.Map<String, Object> server = mcs;
        assertThat(client).containsEntry("clientVersion", "RDP 5.0-8.1 (0x00080004)")
                .containsEntry("clientBuild", "Windows Vista / Server 2008 (build 6000)")
                .containsEntry("keyboardLayout", "English - United States (0x00000409)")
                .containsEntry("earlyCapabilityFlags", "RNS_UD_CS_SUPPORT_ERRINFO_PDU|RNS_UD_CS_WANT_32BPP_SESSION|"
                        + "RNS_UD_CS_STRONG_ASYMMETRIC_KEYS (0x000b)")
                .containsEntry("supportedColorDepths", "RNS_UD_24BPP_SUPPORT|RNS_UD_16BPP_SUPPORT|RNS_UD_15BPP_SUPPORT|"
                        + "RNS_UD_32BPP_SUPPORT (0x000f)")
                .containsEntry("clientEncryptionMethods", "ENCRYPTION_METHOD_40BIT|ENCRYPTION_METHOD_128BIT|"
                        + "ENCRYPTION_METHOD_56BIT|ENCRYPTION_METHOD_FIPS (0x0000001b)")
                .containsEntry("clusterFlags", "REDIRECTION_SUPPORTED|REDIRECTION_VERSION4 (0x0000000d)")
                .containsEntry("serverSelectedProtocol", "RDP (0x00000000)");
        assertThat(server).containsEntry("serverRdpVersion", "RDP 5.0-8.1 (0x00080004)")
                .containsEntry("mcsResult", "rt-successful (0x00)").doesNotContainKey("gccResult")
                .containsEntry("encryptionMethod", "ENCRYPTION_METHOD_128BIT (0x00000002)")
                .containsEntry("encryptionLevel", "ENCRYPTION_LEVEL_HIGH (0x00000003)");
        var z = ZeekMapping.rdpLog(c.tcp());
        assertThat(z).containsEntry("cookie", "FTBCO\\\\A70").containsEntry("result", "Success").containsEntry("client_name", "FROG-POND")
                .containsEntry("client_build", "RDP 6.0").containsEntry("keyboard_layout", "English - United States")
                .containsEntry("encryption_level", "High").containsEntry("encryption_method", "128bit")
                .containsEntry("cert_type", "RSA").containsEntry("cert_count", "1").containsEntry("cert_permanent", "T")
                .containsEntry("client_channels", "rdpdr,rdpsnd,drdynvc,cliprdr").containsEntry("requested_color_depth", "32bit");
    }

    @Test
    void plaintextLicenseErrorFailsLicensing() throws IOException {
        TcpConversation t = upToLicensing(60001);
        LicenseErrorMessage err = new LicenseErrorMessage(new LicenseErrorCode(0x06), StateTransition.ST_TOTAL_ABORT,
                new LicenseBinaryBlob(LicenseBinaryBlob.BB_ERROR_BLOB, new byte[0]));
        t.server(Mcs.sendData(true, 1002, 1003, secured(0x0080, LicensePdu.errorAlert(err)))).fin(false);
        AnalyzedConnection c = one(t);
        assertThat(c.report().verdict().status()).isEqualTo(Status.FAILED);
        assertThat(c.report().verdict().stage()).isEqualTo(Stage.LICENSING);
        assertThat(c.report().verdict().cause()).isEqualTo("LICENSE_ERR_NO_LICENSE_SERVER");
    }

    @Test
    void serverClosingAfterConnectInitialFailsMcs() throws IOException {
        assumeTrue(SharedFrames.available(), "shared/ not present");
        TcpConversation t = new TcpConversation(TestCaptures.C4, 60002, TestCaptures.S4, 3389, 0, 1, 2);
        t.handshake().client(TcpConversation.connectionRequest("x", 0)).server(TcpConversation.connectionConfirm(0))
                .client(SharedFrames.unknownKeyboardConnectInitial()).rst(false);
        AnalyzedConnection c = one(t);
        assertThat(c.report().verdict().stage()).isEqualTo(Stage.MCS);
        // the server's RST while the client waits for the Connect-Response: the live probe's verdict (ServerDisconnect)
        assertThat(c.report().verdict().cause()).isEqualTo("SERVER_DISCONNECTED");
        assertThat(c.report().verdict().summary()).contains("it closed the connection (RST) without a Disconnect Provider Ultimatum");
        assertThat(c.report().stages().get(4).evidence()).containsEntry("closedAfter", "client: MCS Connect-Initial")
                .containsEntry("close", "RST");
        assertThat(ZeekMapping.rdpLog(c.tcp())).containsEntry("keyboard_layout", "Thai (Best Guess for 263198)")
                .containsEntry("client_dig_product_id", "3c571ed0-3415-474b-ae94-74e151b");
    }

    @Test
    void labCaptureOfXrdpStandardSecurity() throws IOException {
        // the project's own recording (testdata/captures/xrdp-rdp-stdsec.pcap, PROVENANCE.md): xfreerdp /sec:rdp
        // against xrdp 0.9.21 in rdp mode; always runs
        var all = TestCaptures.analyze(Path.of("../testdata/captures/xrdp-rdp-stdsec.pcap"));
        assertThat(all).hasSize(1);
        AnalyzedConnection c = all.get(0);
        var stages = c.report().stages();
        assertThat(stages).extracting(s -> s.stage()).containsExactly(Stage.TCP, Stage.X224, Stage.TLS, Stage.CREDSSP,
                Stage.MCS, Stage.SECURITY_EXCHANGE, Stage.LICENSING, Stage.ACTIVATION);
        // as the live sequence reads the same server frames (XrdpStdSecReplayTest): the Ultimatum comes before any
        // server PDU after the Security Exchange, so that stage fails
        assertThat(stages).extracting(s -> s.status()).containsExactly(Status.OK, Status.OK, Status.SKIPPED,
                Status.SKIPPED, Status.OK, Status.FAILED, Status.NOT_REACHED, Status.NOT_REACHED);
        assertThat(stages.get(1).evidence()).containsEntry("negotiation", "none (bare Connection Confirm)")
                .containsEntry("selected", "RDP");
        // xrdp rejected xfreerdp's salted MAC and ended the connection with a Disconnect Provider Ultimatum
        assertThat(stages.get(5).evidence()).containsKey("disconnectProviderUltimatum")
                .containsEntry("ultimatum", "rn-user-requested (0x3)");
        assertThat(stages.get(5).cause().code()).isEqualTo("SERVER_DISCONNECTED");
        assertThat(ZeekMapping.rdpLog(c.tcp())).containsEntry("cookie", "root").containsEntry("result", "Success")
                .containsEntry("client_name", "vm").containsEntry("client_build", "client_build-18363")
                .containsEntry("keyboard_layout", "English - United States").containsEntry("desktop_width", "640")
                .containsEntry("desktop_height", "480").containsEntry("requested_color_depth", "16bit")
                .containsEntry("client_channels", "rdpdr,rdpsnd,drdynvc").containsEntry("cert_type", "RSA")
                .containsEntry("cert_count", "1").containsEntry("cert_permanent", "T").containsEntry("encryption_level", "High")
                .containsEntry("encryption_method", "128bit");
    }
}
