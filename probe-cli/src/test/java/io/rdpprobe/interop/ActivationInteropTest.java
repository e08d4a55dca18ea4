package io.rdpprobe.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.protocol.x224.Protocols;
import io.rdpprobe.report.TextRenderer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The whole session sequence (MCS, security exchange, licensing, Demand Active) against real xrdp 0.9.21 and FreeRDP
 * 2.11 shadow servers (testdata/lab/lab.sh). xrdp answers every connection with a License Request, so ACTIVATION OK
 * proves the New License Request exchange; in rdp mode it also proves the 128-bit RC4 keys (the Demand Active is
 * encrypted and MAC-checked).
 */
@Tag("interop")
class ActivationInteropTest {
    private static ProbeRunner runner;

    @BeforeAll
    static void start() {
        runner = new ProbeRunner();
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    private static Report probe(int port, Integer protocols, String label) {
        Report r = runner.probe(new Target("127.0.0.1", port), ProbeSettings.defaults().withProtocols(protocols).withTimeout(10_000));
        System.out.println("[interop] activation " + label + " on 127.0.0.1:" + port + "\n" + new TextRenderer(false).render(r));
        return r;
    }

    private static StageResult stage(Report r, Stage s) {
        return r.stages().stream().filter(x -> x.stage() == s).findFirst().orElseThrow();
    }

    private static void assertActivated(Report r) {
        assertThat(stage(r, Stage.MCS).status()).isEqualTo(Status.OK);
        StageResult act = stage(r, Stage.ACTIVATION);
        assertThat(act.status()).as(act.summary()).isEqualTo(Status.OK);
        assertThat(act.evidence().get("desktopSize").toString()).matches("\\d+x\\d+");
        assertThat((Integer) act.evidence().get("capabilityCount")).isPositive();
        assertThat(act.summary()).contains("capability sets").contains("desktop ");
    }

    private static void assertXrdpLicensing(Report r) {
        StageResult lic = stage(r, Stage.LICENSING);
        assertThat(lic.status()).isEqualTo(Status.OK);
        assertThat(lic.summary()).isEqualTo("License Request answered with New License Request; server replied STATUS_VALID_CLIENT");
        assertThat(lic.evidence()).containsEntry("licenseCompany", "Microsoft Corporation").containsEntry("licenseProductId", "236")
                .containsEntry("licenseScopes", java.util.List.of("microsoft.com"));
    }

    @Test
    void xrdpRdpModeStandardSecurity128BitReachesActivation() {
        Lab.requireXrdp("rdp");
        for (Integer protocols : new Integer[] {null, Protocols.RDP}) {
            Report r = probe(Lab.XRDP_PORT, protocols == null ? ProbeSettings.DEFAULT_PROTOCOLS : protocols,
                    "xrdp rdp, request " + (protocols == null ? "SSL|HYBRID|HYBRID_EX" : "RDP"));
            StageResult sx = stage(r, Stage.SECURITY_EXCHANGE);
            assertThat(sx.status()).isEqualTo(Status.OK);
            assertThat(sx.evidence()).containsEntry("encryptionMethod", "ENCRYPTION_METHOD_128BIT (0x00000002)");
            assertThat(sx.summary()).contains("128bit RC4");
            assertXrdpLicensing(r);
            assertThat(stage(r, Stage.LICENSING).evidence()).containsEntry("newLicenseRequestEncrypted", false);
            assertActivated(r); // the Demand Active is RC4-encrypted: our MAC check passed
        }
    }

    @Test
    void xrdpTlsModeReachesActivation() {
        Lab.requireXrdp("tls");
        Report r = probe(Lab.XRDP_PORT, ProbeSettings.DEFAULT_PROTOCOLS, "xrdp tls");
        assertThat(stage(r, Stage.SECURITY_EXCHANGE).status()).isEqualTo(Status.SKIPPED);
        assertXrdpLicensing(r);
        assertActivated(r);
    }

    @Test
    void xrdpNegotiateModeReachesActivation() {
        Lab.requireXrdp("negotiate");
        Report r = probe(Lab.XRDP_PORT, ProbeSettings.DEFAULT_PROTOCOLS, "xrdp negotiate");
        assertThat(stage(r, Stage.X224).evidence().get("selected")).isEqualTo("SSL");
        assertXrdpLicensing(r);
        assertActivated(r);
    }

    @Test
    void shadowTlsReachesActivation() {
        Lab.requireShadow("tls");
        Report r = probe(Lab.SHADOW_PORT, ProbeSettings.DEFAULT_PROTOCOLS, "shadow tls");
        assertThat(stage(r, Stage.LICENSING).status()).isEqualTo(Status.OK);
        assertThat(stage(r, Stage.LICENSING).summary()).contains("STATUS_VALID_CLIENT");
        assertActivated(r);
    }

    @Test
    void shadowRdpReachesActivation() {
        Lab.requireShadow("rdp");
        Report r = probe(Lab.SHADOW_PORT, Protocols.RDP, "shadow rdp, request RDP");
        assertThat(stage(r, Stage.X224).evidence().get("selected")).isEqualTo("RDP");
        assertThat(stage(r, Stage.LICENSING).status()).isEqualTo(Status.OK);
        assertActivated(r);
    }
}
