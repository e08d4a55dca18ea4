package io.rdpprobe.probe.enumerate;

import io.rdpprobe.probe.connector.ProbeConnector;
import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.probe.session.EncryptionEnumeration;
import io.rdpprobe.probe.session.SessionSettings;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import io.rdpprobe.report.Renderable;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --enumerate}, Standard RDP Security: one legacy connection per encryption method (40, 56, 128-bit,
 * FIPS), each offering only that method in its GCC client security data, judged by what the server's
 * Connect Response selects. Unlike nmap's rdp-enum-encryption, a method counts only when the server
 * selected it.
 */
public record EncryptionTable(EncryptionEnumeration.Result result) implements Renderable {

    public static EncryptionTable enumerate(ProbeRunner runner, Target t, ProbeSettings base) {
        List<EncryptionEnumeration.Attempt> attempts = new ArrayList<>();
        SessionSettings defaults = SessionSettings.defaults("rdp-probe");
        for (EncryptionMethod m : EncryptionEnumeration.METHODS) {
            ProbeSettings s = base.withProtocols(null).withStopAfter(Stage.MCS)
                    .withSession(EncryptionEnumeration.settingsFor(defaults, m));
            ProbeConnector c = runner.run(t, s);
            byte[] frame = c.connectResponseFrame();
            String failure = null;
            if (frame == null) {
                StageResult last = c.results().isEmpty() ? null : c.results().get(c.results().size() - 1);
                failure = last == null || last.cause() == null ? "no Connect Response"
                        : last.stage() + " " + last.cause().code();
            }
            attempts.add(new EncryptionEnumeration.Attempt(m, frame, failure));
        }
        return new EncryptionTable(EncryptionEnumeration.build(attempts));
    }

    @Override
    public String toText() {
        StringBuilder sb = new StringBuilder("Standard RDP Security encryption (one legacy connection per method):\n");
        for (EncryptionEnumeration.Row r : result.rows()) {
            sb.append(String.format("  %-8s %-9s %s%n", r.offered(), r.accepted() ? "accepted" : "refused",
                    r.accepted() ? "level " + r.encryptionLevel() : String.valueOf(r.note())));
        }
        sb.append("  encryption level: ").append(result.encryptionLevel() == null ? "unknown" : result.encryptionLevel()).append('\n');
        sb.append("  server RDP version: ").append(result.rdpVersion() == null ? "unknown" : result.rdpVersion()).append('\n');
        return sb.toString();
    }

    @Override
    public Object toJson() {
        return result.toMap();
    }
}
