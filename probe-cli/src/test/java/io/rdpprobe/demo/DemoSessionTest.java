package io.rdpprobe.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.credssp.CredSspOptions;
import io.rdpprobe.probe.credssp.CredSspSettings;
import io.rdpprobe.probe.credssp.Credentials;
import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.model.ClientError;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.probe.tls.TlsSettings;
import io.rdpprobe.probe.tls.TrustSettings;
import io.rdpprobe.protocol.x224.Protocols;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real sockets: the probe against the demo endpoint, through every stage it implements. */
class DemoSessionTest {
    private static final long TIMEOUT = 8000; // a cold JVM's first TLS handshake on 2 cores takes a while
    private static ProbeRunner runner;

    @BeforeAll
    static void start() {
        runner = new ProbeRunner();
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    static Report probe(DemoServer server, ProbeSettings settings) {
        return runner.probe(new Target("127.0.0.1", server.port()), settings);
    }

    static StageResult stage(Report r, Stage s) {
        return r.stages().stream().filter(x -> x.stage() == s).findFirst().orElseThrow();
    }

    static ProbeSettings pinned(DemoServer server, ProbeSettings s) {
        return s.withTls(TlsSettings.defaults().withTrust(new TrustSettings(List.of(), Set.of(server.certificateSha256()), false)));
    }

    static ProbeSettings nla(String user, String password, boolean delegate) {
        return ProbeSettings.defaults().withTimeout(TIMEOUT).withCredSsp(new CredSspSettings(
                Credentials.parse(user, Secret.of(password.toCharArray())), CredSspOptions.defaults().withDelegate(delegate)));
    }

    static Map<String, Object> act(Report r) {
        return stage(r, Stage.ACTIVATION).evidence();
    }

    static List<Status> statuses(Report r) {
        return r.stages().stream().map(StageResult::status).toList();
    }

    @Test
    void tlsPathReachesDemandActiveWithTheClientsDesktop() throws Exception {
        try (DemoServer server = DemoServer.start(Fault.NONE)) {
            Report r = probe(server, ProbeSettings.defaults().withProtocols(Protocols.SSL).withTimeout(TIMEOUT));
            assertThat(r.verdict().stage()).isEqualTo(Stage.ACTIVATION);
            assertThat(r.verdict().cause()).isEqualTo("CERT_SELF_SIGNED"); // the only finding: the demo cert
            assertThat(stage(r, Stage.X224).evidence()).containsEntry("selected", "SSL");
            Map<String, Object> mcs = stage(r, Stage.MCS).evidence();
            assertThat(stage(r, Stage.MCS).status()).isEqualTo(Status.OK);
            assertThat(mcs.get("serverEarlyCapabilities").toString()).endsWith(")").contains("(0x");
            assertThat(act(r).get("generalExtraFlags").toString()).matches("[A-Z_|]+ \\(0x[0-9a-f]{4}\\)");
            assertThat(mcs).containsEntry("mcsResult", "rt-successful (0x00)").containsEntry("serverRdpVersion", "RDP 10.7 (0x0008000c)")
                    .containsEntry("encryptionMethod", "ENCRYPTION_METHOD_NONE (0x00000000)")
                    .containsEntry("encryptionLevel", "ENCRYPTION_LEVEL_NONE (0x00000000)").containsEntry("ioChannel", 1003)
                    .containsEntry("clientRequestedProtocolsEcho", "SSL (0x00000001)");
            assertThat(stage(r, Stage.SECURITY_EXCHANGE).status()).isEqualTo(Status.SKIPPED);
            StageResult lic = stage(r, Stage.LICENSING);
            assertThat(lic.status()).isEqualTo(Status.OK);
            assertThat(lic.evidence()).containsEntry("licenseErrorCode", "STATUS_VALID_CLIENT (0x00000007)")
                    .containsEntry("stateTransition", "ST_NO_TRANSITION (0x00000002)");
            StageResult act = stage(r, Stage.ACTIVATION);
            assertThat(act.status()).isEqualTo(Status.OK);
            assertThat(act.evidence()).containsEntry("shareId", "0x000103ea").containsEntry("sourceDescriptor", "RDP")
                    .containsEntry("desktopSize", "1024x768").containsEntry("colorDepth", 32)
                    .containsEntry("osMajorType", "OSMAJORTYPE_WINDOWS (0x0001)")
                    .containsEntry("osMinorType", "OSMINORTYPE_WINDOWS_NT (0x0003)").containsEntry("sessionId", 2);
            @SuppressWarnings("unchecked")
            List<String> caps = (List<String>) act.evidence().get("capabilities");
            assertThat(caps).contains("CAPSTYPE_GENERAL", "CAPSTYPE_BITMAP", "CAPSTYPE_ORDER", "CAPSTYPE_POINTER",
                    "CAPSTYPE_INPUT", "CAPSTYPE_VIRTUALCHANNEL", "CAPSTYPE_SHARE", "CAPSTYPE_FONT");
            assertThat(r.exitCode()).isZero();
        }
    }

    @Test
    void pinnedTlsPathIsAllOk() throws Exception {
        try (DemoServer server = DemoServer.start(Fault.NONE)) {
            Report r = probe(server, pinned(server, ProbeSettings.defaults().withProtocols(Protocols.SSL).withTimeout(TIMEOUT)));
            assertThat(r.verdict().status()).isEqualTo(Status.OK);
            assertThat(r.verdict().stage()).isEqualTo(Stage.ACTIVATION);
            assertThat(statuses(r)).doesNotContain(Status.FAILED, Status.WARNING, Status.NOT_REACHED);
        }
    }

    @Test
    void standardRdpSecurityPathVerifiesTheSessionKeys() throws Exception {
        try (DemoServer server = DemoServer.start(Fault.NONE)) {
            Report r = probe(server, ProbeSettings.defaults().withProtocols(Protocols.RDP).withTimeout(TIMEOUT));
            assertThat(r.verdict().status()).isEqualTo(Status.OK);
            assertThat(stage(r, Stage.SECURITY_EXCHANGE).status()).isEqualTo(Status.OK);
            assertThat(stage(r, Stage.SECURITY_EXCHANGE).evidence()).containsEntry("macVerified", true);
            assertThat(stage(r, Stage.ACTIVATION).status()).isEqualTo(Status.OK);
        }
    }

    @Test
    void withoutCredentialsNlaGivesTheNtlmInfoOfTheDemoHost() throws Exception {
        try (DemoServer server = DemoServer.start(Fault.NONE)) {
            Report r = probe(server, ProbeSettings.defaults().withTimeout(TIMEOUT));
            assertThat(stage(r, Stage.X224).evidence()).containsEntry("selected", "HYBRID_EX");
            StageResult c = stage(r, Stage.CREDSSP);
            assertThat(c.status()).isEqualTo(Status.OK);
            assertThat(c.evidence()).containsEntry("netbiosComputerName", DemoServer.DEMO_COMPUTER)
                    .containsEntry("netbiosDomainName", DemoServer.DEMO_DOMAIN);
            assertThat(c.summary()).startsWith("NTLM info: rdp-probe-demo.demo.invalid");
            assertThat(r.stages()).extracting(StageResult::stage).doesNotContain(Stage.MCS); // stops after CREDSSP
            assertThat(r.exitCode()).isZero();
        }
    }

    @Test
    void rightPasswordAuthenticatesWithoutDelegating() throws Exception {
        try (DemoServer server = DemoServer.start(Fault.NONE)) {
            Report r = probe(server, nla("DEMO\\demo", DemoServer.DEMO_PASSWORD, false));
            StageResult c = stage(r, Stage.CREDSSP);
            assertThat(c.status()).isEqualTo(Status.OK);
            assertThat(c.evidence()).containsEntry("credentialsValid", true).containsEntry("delegated", false)
                    .containsEntry("ntlmMic", true);
            assertThat(r.stages()).extracting(StageResult::stage).doesNotContain(Stage.MCS);
        }
    }

    @Test
    void wrongPasswordIsLogonFailureFromTheServersErrorCode() throws Exception {
        try (DemoServer server = DemoServer.start(Fault.NONE)) {
            Report r = probe(server, nla("DEMO\\demo", "not-the-password", false));
            assertThat(r.verdict().stage()).isEqualTo(Stage.CREDSSP);
            assertThat(r.verdict().status()).isEqualTo(Status.FAILED);
            assertThat(r.verdict().cause()).isEqualTo("LOGON_FAILURE");
            assertThat(r.verdict().inferred()).isFalse(); // the server said so: errorCode 0xC000006D in a TSRequest
            assertThat(r.verdict().summary()).contains("0xC000006D");
        }
    }

    @Test
    void unknownUserIsLogonFailureToo() throws Exception {
        try (DemoServer server = DemoServer.start(Fault.NONE)) {
            Report r = probe(server, nla("DEMO\\mallory", DemoServer.DEMO_PASSWORD, false));
            assertThat(r.verdict().cause()).isEqualTo("LOGON_FAILURE");
        }
    }

    @Test
    void delegationToThePinnedCertificateReachesDemandActiveOverHybridEx() throws Exception {
        try (DemoServer server = DemoServer.start(Fault.NONE)) {
            Report r = probe(server, pinned(server, nla("DEMO\\demo", DemoServer.DEMO_PASSWORD, true)));
            assertThat(stage(r, Stage.X224).evidence()).containsEntry("selected", "HYBRID_EX");
            StageResult c = stage(r, Stage.CREDSSP);
            assertThat(c.status()).isEqualTo(Status.OK);
            assertThat(c.evidence()).containsEntry("delegated", true).containsEntry("earlyUserAuthorization", "AUTHZ_SUCCESS");
            assertThat(r.verdict().status()).isEqualTo(Status.OK);
            assertThat(r.verdict().stage()).isEqualTo(Stage.ACTIVATION);
            assertThat(stage(r, Stage.SECURITY_EXCHANGE).status()).isEqualTo(Status.SKIPPED);
            assertThat(stage(r, Stage.LICENSING).status()).isEqualTo(Status.OK);
        }
    }

    /**
     * Issue 18 finding 11: after CredSSP delegation the Client Info PDU names the user (INFO_AUTOLOGON) but carries
     * no password: cbPassword (TS_INFO_PACKET offset 12) is 0 and the Password field is the bare NUL terminator.
     * Before, the password was repeated there in UTF-16LE, readable with the capture plus the TLS key log.
     */
    @Test
    void clientInfoAfterDelegationCarriesNoPassword() throws Exception {
        try (DemoServer server = DemoServer.start(Fault.NONE)) {
            for (int protocols : new int[] {Protocols.HYBRID, Protocols.HYBRID_EX}) {
                Report r = probe(server, pinned(server, nla("DEMO\\demo", DemoServer.DEMO_PASSWORD, true).withProtocols(protocols)));
                assertThat(stage(r, Stage.ACTIVATION).status()).isEqualTo(Status.OK);
                assertThat(stage(r, Stage.LICENSING).evidence().get("clientInfo"))
                        .isEqualTo("INFO_AUTOLOGON for DEMO\\demo, no password (delegated through CredSSP)");
            }
            assertThat(server.receivedClientInfo()).hasSize(2);
            for (byte[] raw : server.receivedClientInfo()) {
                io.rdpprobe.protocol.rdp.InfoPacket info = io.rdpprobe.protocol.rdp.InfoPacket.decode(
                        io.netty.buffer.Unpooled.wrappedBuffer(raw));
                assertThat(info.flagNames()).contains("INFO_AUTOLOGON", "INFO_UNICODE");
                assertThat(info.domain()).isEqualTo("DEMO");
                assertThat(info.userName()).isEqualTo("demo");
                assertThat(info.password()).isEmpty();
                int cbPassword = (raw[12] & 0xff) | (raw[13] & 0xff) << 8;
                assertThat(cbPassword).isZero();
            }
        }
    }

    @Test
    void delegationOverPlainHybridReachesDemandActive() throws Exception {
        try (DemoServer server = DemoServer.start(Fault.NONE)) {
            Report r = probe(server, pinned(server, nla("demo", DemoServer.DEMO_PASSWORD, true).withProtocols(Protocols.HYBRID)));
            assertThat(stage(r, Stage.X224).evidence()).containsEntry("selected", "HYBRID");
            assertThat(stage(r, Stage.CREDSSP).evidence()).containsEntry("delegated", true)
                    .doesNotContainKey("earlyUserAuthorization");
            assertThat(stage(r, Stage.ACTIVATION).status()).isEqualTo(Status.OK);
        }
    }

    @Test
    void delegationWithoutAPinIsRefusedByTheProbe() throws Exception {
        try (DemoServer server = DemoServer.start(Fault.NONE)) {
            Report r = probe(server, nla("DEMO\\demo", DemoServer.DEMO_PASSWORD, true));
            assertThat(r.verdict().cause()).isEqualTo("DELEGATION_SKIPPED_UNTRUSTED_CERT");
            // one sentence: the probe declined, it does not repeat itself
            assertThat(stage(r, Stage.CREDSSP).summary()).contains("the probe did not delegate them")
                    .doesNotContain("not delegated").doesNotContain(";");
            assertThat(stage(r, Stage.CREDSSP).evidence()).containsEntry("delegated", false);
            assertThat(r.stages()).extracting(StageResult::stage).doesNotContain(Stage.MCS);
        }
    }

    @Test
    void denyIsSetErrorInfoServerDeniedConnectionShownAs0x904Extended0x7() throws Exception {
        try (DemoServer server = DemoServer.start(Fault.DENY)) {
            Report r = probe(server, pinned(server, nla("DEMO\\demo", DemoServer.DEMO_PASSWORD, true)));
            assertThat(r.verdict().stage()).isEqualTo(Stage.LICENSING);
            assertThat(r.verdict().status()).isEqualTo(Status.FAILED);
            assertThat(r.verdict().cause()).isEqualTo("ERRINFO_SERVER_DENIED_CONNECTION");
            assertThat(r.verdict().clientError()).isEqualTo(ClientError.of(0x904, 0x7));
            assertThat(r.verdict().clientError().display()).isEqualTo("0x904 / extended 0x7");
            assertThat(stage(r, Stage.LICENSING).evidence()).containsKey("errorInfo");
            assertThat(stage(r, Stage.ACTIVATION).status()).isEqualTo(Status.NOT_REACHED);
        }
    }

    @Test
    void denyOverTlsOnlyToo() throws Exception {
        try (DemoServer server = DemoServer.start(Fault.DENY)) {
            Report r = probe(server, ProbeSettings.defaults().withProtocols(Protocols.SSL).withTimeout(TIMEOUT));
            assertThat(r.verdict().cause()).isEqualTo("ERRINFO_SERVER_DENIED_CONNECTION");
            assertThat(r.verdict().clientError().display()).isEqualTo("0x904 / extended 0x7");
        }
    }

    @Test
    void licenseErrorWithTotalAbortFailsLicensing() throws Exception {
        try (DemoServer server = DemoServer.start(Fault.LICENSE_ERROR)) {
            Report r = probe(server, ProbeSettings.defaults().withProtocols(Protocols.SSL).withTimeout(TIMEOUT));
            assertThat(r.verdict().stage()).isEqualTo(Stage.LICENSING);
            assertThat(r.verdict().status()).isEqualTo(Status.FAILED);
            assertThat(r.verdict().cause()).isEqualTo("LICENSE_ERR_NO_LICENSE_SERVER");
            assertThat(stage(r, Stage.LICENSING).evidence()).containsEntry("licenseErrorCode", "ERR_NO_LICENSE_SERVER (0x00000006)")
                    .containsEntry("stateTransition", "ST_TOTAL_ABORT (0x00000001)");
            assertThat(stage(r, Stage.ACTIVATION).status()).isEqualTo(Status.NOT_REACHED);
        }
    }

    @Test
    void userRejectedIsAnMcsFailureNamingTheResult() throws Exception {
        try (DemoServer server = DemoServer.start(Fault.USER_REJECTED)) {
            Report r = probe(server, ProbeSettings.defaults().withProtocols(Protocols.SSL).withTimeout(TIMEOUT));
            assertThat(r.verdict().stage()).isEqualTo(Stage.MCS);
            assertThat(r.verdict().status()).isEqualTo(Status.FAILED);
            assertThat(r.verdict().cause()).isEqualTo("MCS_CONNECT_REJECTED");
            assertThat(r.verdict().summary()).contains("rt-user-rejected");
            assertThat(stage(r, Stage.MCS).evidence()).containsEntry("mcsResult", "rt-user-rejected (0x0f)");
        }
    }

    @Test
    void nlaRequiredRefusesSslOnlyAndServesNla() throws Exception {
        try (DemoServer server = DemoServer.start(Fault.NLA_REQUIRED)) {
            Report r = probe(server, ProbeSettings.defaults().withProtocols(Protocols.SSL).withTimeout(TIMEOUT));
            assertThat(r.verdict().stage()).isEqualTo(Stage.X224);
            assertThat(r.verdict().cause()).isEqualTo("HYBRID_REQUIRED_BY_SERVER");
            Report nla = probe(server, pinned(server, nla("DEMO\\demo", DemoServer.DEMO_PASSWORD, true)));
            assertThat(nla.verdict().stage()).isEqualTo(Stage.ACTIVATION);
            assertThat(nla.verdict().status()).isEqualTo(Status.OK);
        }
    }
}
