package io.rdpprobe.probe.enumerate;

import io.rdpprobe.probe.model.ClientsSection;
import io.rdpprobe.probe.model.EnumerationSection;
import io.rdpprobe.probe.model.TlsVersionsSection;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The client table from enumeration results shaped as the lab servers answer (testdata lab notes, sections 1 and 2)
 * and as an unpatched Windows host would (CredSSP 5).
 */
class ClientCompatibilityTest {
    private static EnumerationSection.Row sel(String req, String selected) {
        return new EnumerationSection.Row(req, "selected " + selected, selected, null, null, 1, true);
    }

    private static EnumerationSection.Row fail(String req, String code) {
        return new EnumerationSection.Row(req, "refused: " + code, null, code, code, 1, false);
    }

    private static TlsVersionsSection tls(String... accepted) {
        List<TlsVersionsSection.Row> rows = new ArrayList<>();
        for (String v : List.of("1.0", "1.1", "1.2", "1.3")) {
            boolean a = List.of(accepted).contains(v);
            rows.add(new TlsVersionsSection.Row(v, a, a ? "X" : null, a ? "accepted" : "refused", false));
        }
        return new TlsVersionsSection(rows);
    }

    private static Report credssp(Integer version) {
        List<StageResult> s = new ArrayList<>();
        if (version != null) {
            s.add(StageResult.ok(Stage.CREDSSP, 1, Map.of("serverCredSspVersion", version), "ok"));
        }
        return new Report("h", s);
    }

    private static ClientsSection.Row row(ClientsSection c, String prefix) {
        return c.rows().stream().filter(r -> r.client().startsWith(prefix)).findFirst().orElseThrow();
    }

    @Test
    void shadowNlaRequiresNlaAndTls12() {
        Enumeration e = new Enumeration(List.of(fail("RDP", "HYBRID_REQUIRED_BY_SERVER"), fail("SSL", "HYBRID_REQUIRED_BY_SERVER"),
                sel("HYBRID", "HYBRID"), sel("SSL|HYBRID", "HYBRID")));
        ClientsSection c = ClientCompatibility.assess(credssp(6), e, tls("1.2", "1.3"));
        assertThat(row(c, "mstsc, Windows 10").canConnect()).isEqualTo("yes");
        assertThat(row(c, "mstsc, Windows 10").reason()).isEqualTo("TLS 1.2, CredSSP 6");
        ClientsSection.Row win7 = row(c, "mstsc, Windows 7 SP1 without");
        assertThat(win7.canConnect()).isEqualTo("no");
        assertThat(win7.cause()).isEqualTo("TLS_VERSION_MISMATCH");
        assertThat(win7.reason()).contains("the server accepts 1.2/1.3, the client offers 1.0");
        assertThat(win7.inferred()).isTrue();
        ClientsSection.Row thin = row(c, "xrdp-era");
        assertThat(thin.canConnect()).isEqualTo("no");
        assertThat(thin.reason()).contains("HYBRID_REQUIRED_BY_SERVER").contains("cannot do with NTLM");
    }

    @Test
    void anUnpatchedCredSspServerIsTheEncryptionOracleMismatchForUpdatedClients() {
        Enumeration e = new Enumeration(List.of(sel("RDP", "RDP"), sel("SSL", "SSL"), sel("SSL|HYBRID", "HYBRID")));
        ClientsSection c = ClientCompatibility.assess(credssp(5), e, tls("1.0", "1.1", "1.2"));
        ClientsSection.Row win10 = row(c, "mstsc, Windows 10");
        assertThat(win10.canConnect()).isEqualTo("no");
        assertThat(win10.cause()).isEqualTo("CREDSSP_ENCRYPTION_ORACLE");
        assertThat(win10.reason()).contains("CredSSP 5").contains("'Mitigated'");
        // an old Windows 7 and FreeRDP do not refuse it
        assertThat(row(c, "mstsc, Windows 7 SP1 without").canConnect()).isEqualTo("yes");
        assertThat(row(c, "FreeRDP 2").canConnect()).isEqualTo("yes");
        // the app's policy is not documented: unknown, and said to be an inference
        assertThat(row(c, "Microsoft Remote Desktop app").canConnect()).isEqualTo("unknown");
        assertThat(row(c, "Microsoft Remote Desktop app").inferred()).isTrue();
        assertThat(io.rdpprobe.report.TextRenderer.text(c)).contains("server CredSSP 5");
    }

    @Test
    void xrdpRdpModeSelectsStandardSecurityForEveryone() {
        Enumeration e = new Enumeration(List.of(sel("RDP", "RDP"), sel("SSL", "RDP"), sel("SSL|HYBRID", "RDP")));
        ClientsSection c = ClientCompatibility.assess(credssp(null), e, null);
        assertThat(c.rows()).allSatisfy(r -> {
            assertThat(r.canConnect()).isEqualTo("yes");
            assertThat(r.via()).startsWith("RDP (requested");
            assertThat(r.reason()).contains("Standard RDP Security");
        });
    }

    @Test
    void shadowRdpModeRefusesTlsAndTheClientsFallBackToStandardSecurity() {
        Enumeration e = new Enumeration(List.of(sel("RDP", "RDP"), fail("SSL", "SSL_NOT_ALLOWED_BY_SERVER"),
                fail("SSL|HYBRID", "SSL_NOT_ALLOWED_BY_SERVER")));
        ClientsSection c = ClientCompatibility.assess(credssp(null), e, null);
        assertThat(row(c, "mstsc, Windows 10").via()).isEqualTo("RDP (requested RDP)");
        assertThat(row(c, "mstsc, Windows 10").canConnect()).isEqualTo("yes");
    }

    @Test
    void withoutATlsTableTheAnswerIsUnknownNotAGuess() {
        Enumeration e = new Enumeration(List.of(sel("SSL|HYBRID", "SSL")));
        ClientsSection c = ClientCompatibility.assess(credssp(null), e, null);
        assertThat(row(c, "mstsc, Windows 10").canConnect()).isEqualTo("unknown");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) io.rdpprobe.report.SectionJson.of(c);
        assertThat((List<?>) json.get("clients")).hasSize(ClientCompatibility.CLIENTS.size());
    }
}
