package io.rdpprobe.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;

/**
 * Which real lab servers are running, from system properties set by .ci/run (testdata/lab/lab.sh):
 * {@code interop.xrdp.mode} (rdp|tls|tls-expired|tls-wronghost|negotiate) on {@code interop.xrdp.port}, and
 * {@code interop.shadow.mode} (nla|tls|rdp|all) on {@code interop.shadow.port}.
 */
final class Lab {
    private Lab() {}

    static final String XRDP_MODE = System.getProperty("interop.xrdp.mode", "");
    static final String SHADOW_MODE = System.getProperty("interop.shadow.mode", "");
    static final int XRDP_PORT = Integer.getInteger("interop.xrdp.port", 33891);
    static final int SHADOW_PORT = Integer.getInteger("interop.shadow.port", 33892);

    static void requireXrdp(String... modes) {
        assumeTrue(java.util.List.of(modes).contains(XRDP_MODE), "xrdp in mode " + String.join("|", modes) + " not running");
    }

    static void requireShadow(String... modes) {
        assumeTrue(java.util.List.of(modes).contains(SHADOW_MODE), "shadow in mode " + String.join("|", modes) + " not running");
    }

    /** "SSL", "RDP", "HYBRID", "BARE" (bare CC) or "FAIL n" from an X224-only report. */
    static String answer(Report r) {
        StageResult x = r.stages().stream().filter(s -> s.stage() == Stage.X224).findFirst().orElseThrow();
        if (x.evidence().containsKey("failureCodeValue")) {
            return "FAIL " + Integer.decode(x.evidence().get("failureCodeValue").toString());
        }
        if (x.evidence().containsKey("negotiation")) {
            return "BARE";
        }
        Object sel = x.evidence().get("selected");
        return sel == null ? String.valueOf(x.cause()) : sel.toString();
    }
}
