package io.rdpprobe.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.enumerate.EncryptionTable;
import io.rdpprobe.probe.enumerate.Enumeration;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** --enumerate's Standard RDP Security table against xrdp in rdp mode (crypt_level=high in its ini). */
@Tag("interop")
class EncryptionInteropTest {
    @Test
    void xrdpRdpModeAcceptsOnly128BitAtLevelHigh() {
        Lab.requireXrdp("rdp", "negotiate");
        try (ProbeRunner runner = new ProbeRunner()) {
            io.rdpprobe.probe.model.EncryptionSection t = EncryptionTable.enumerate(runner, new Target("127.0.0.1", Lab.XRDP_PORT),
                    ProbeSettings.defaults().withTimeout(5000));
            System.out.println("[interop] xrdp " + Lab.XRDP_MODE + "\n" + io.rdpprobe.report.TextRenderer.text(t));
            assertThat(t.acceptedMethods()).containsExactly("128bit");
            assertThat(t.encryptionLevel()).isEqualTo("High");
            assertThat(t.rdpVersion()).isEqualTo("RDP 5.0-8.1");
            assertThat(t.rows()).hasSize(4);
            assertThat(t.legacyRdpSecurityAllowed()).isEqualTo("yes");
        }
    }

    /**
     * Issue 17 #4: xrdp with security_layer=tls answers a legacy request with a bare Connection Confirm, then sends a
     * Disconnect Provider Ultimatum (21 80, rn-user-requested) and closes instead of a Connect-Response. Every method is
     * refused with the server's disconnect (never "malformed Connect Response"), run after run, and legacy RDP security
     * is "no" although X224 selected RDP.
     */
    @Test
    void xrdpTlsModeRefusesEveryMethodByDisconnectingTheSameWayEveryRun() {
        Lab.requireXrdp("tls", "tls-expired", "tls-wronghost");
        Target target = new Target("127.0.0.1", Lab.XRDP_PORT);
        try (ProbeRunner runner = new ProbeRunner()) {
            java.util.Set<String> answers = new java.util.TreeSet<>();
            for (int run = 0; run < 3; run++) {
                io.rdpprobe.probe.model.EncryptionSection t = EncryptionTable.enumerate(runner, target, ProbeSettings.defaults().withTimeout(5000));
                System.out.println("[interop] xrdp " + Lab.XRDP_MODE + " run " + run + "\n" + io.rdpprobe.report.TextRenderer.text(t));
                assertThat(t.rows()).hasSize(4).allSatisfy(r -> {
                    assertThat(r.accepted()).isFalse();
                    assertThat(r.tested()).isTrue();
                    assertThat(r.note()).isEqualTo("MCS SERVER_DISCONNECTED").doesNotContain("malformed");
                    assertThat(r.detail()).startsWith("the server disconnected while the client waited for the MCS Connect-Response");
                });
                assertThat(io.rdpprobe.report.TextRenderer.text(t)).doesNotContain("malformed");
                t.rows().forEach(r -> answers.add(r.accepted() + " " + r.note()));
                assertThat(t.legacyRdpSecurityAllowed()).isEqualTo("no");
                java.util.List<io.rdpprobe.probe.model.EnumerationSection.Row> rows = new java.util.ArrayList<>();
                for (Enumeration.Request req : Enumeration.REQUESTS) {
                    rows.add(Enumeration.row(req, runner.probe(target, ProbeSettings.defaults().withTimeout(5000)
                            .withProtocols(req.protocols()).withStopAfter(io.rdpprobe.probe.model.Stage.X224))));
                }
                Enumeration e = new Enumeration(rows);
                assertThat(e.rdpSelected()).isTrue(); // the legacy request got a bare Connection Confirm
                assertThat(e.withEncryption(t).legacyRdpSecurityAllowed()).isEqualTo("no");
                assertThat(io.rdpprobe.report.TextRenderer.text(e.withEncryption(t).section())).contains("legacy RDP security allowed: no");
            }
            assertThat(answers).containsExactly("false MCS SERVER_DISCONNECTED");
        }
    }
}
