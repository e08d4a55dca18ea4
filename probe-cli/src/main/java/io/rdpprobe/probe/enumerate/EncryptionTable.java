package io.rdpprobe.probe.enumerate;

import io.rdpprobe.probe.connector.ProbeConnector;
import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.model.EncryptionSection;
import io.rdpprobe.probe.model.SessionCauses;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.probe.session.EncryptionEnumeration;
import io.rdpprobe.probe.session.SessionSettings;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --enumerate}, Standard RDP Security: one legacy connection per encryption method (40, 56, 128-bit,
 * FIPS), each offering only that method in its GCC client security data, judged by what the server's
 * Connect Response selects. Unlike nmap's rdp-enum-encryption, a method counts only when the server
 * selected it.
 */
public final class EncryptionTable {
    private EncryptionTable() {}

    public static EncryptionSection enumerate(ProbeRunner runner, Target t, ProbeSettings base) {
        List<EncryptionEnumeration.Attempt> attempts = new ArrayList<>();
        SessionSettings defaults = SessionSettings.defaults("rdp-probe");
        for (EncryptionMethod m : EncryptionEnumeration.METHODS) {
            ProbeSettings s = base.withProtocols(null).withStopAfter(Stage.MCS)
                    .withSession(EncryptionEnumeration.settingsFor(defaults, m));
            ProbeConnector c = runner.run(t, s);
            byte[] frame = c.connectResponseFrame();
            if (frame != null) {
                attempts.add(new EncryptionEnumeration.Attempt(m, frame, null));
                continue;
            }
            // no Connect Response: the connection's own stage verdict says why (the one interpretation)
            StageResult last = c.results().isEmpty() ? null : c.results().get(c.results().size() - 1);
            if (last == null || last.cause() == null) {
                attempts.add(new EncryptionEnumeration.Attempt(m, null, "no Connect Response"));
                continue;
            }
            attempts.add(new EncryptionEnumeration.Attempt(m, null, last.stage() + " " + last.cause().code(),
                    last.summary(), serverRefused(last)));
        }
        return EncryptionEnumeration.build(attempts);
    }

    /**
     * Whether a legacy connection's failure is the server's own answer (it refused Standard RDP Security with this
     * method): a refusal at X224, a disconnect or rejection at MCS. A timeout or the probe's own failure is not.
     */
    static boolean serverRefused(StageResult r) {
        if (r.stage() == Stage.X224) {
            return r.evidence().containsKey("failureCode");
        }
        if (r.stage() != Stage.MCS) {
            return false;
        }
        String code = r.cause().code();
        return code.equals(SessionCauses.SERVER_DISCONNECTED.code()) || code.equals(SessionCauses.MCS_CONNECT_REJECTED.code())
                || code.equals(SessionCauses.GCC_CONFERENCE_REJECTED.code())
                || code.equals(SessionCauses.ENCRYPTION_METHOD_NOT_OFFERED.code()) || code.startsWith("ERRINFO_");
    }
}
