package io.rdpprobe.probe.session;

import io.netty.buffer.Unpooled;
import io.rdpprobe.probe.model.EncryptionSection;
import io.rdpprobe.probe.model.EncryptionSection.Row;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.gcc.ConferenceCreateResponse;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import io.rdpprobe.protocol.gcc.ServerData;
import io.rdpprobe.protocol.gcc.ServerSecurityData;
import io.rdpprobe.protocol.mcs.ConnectResponse;
import io.rdpprobe.protocol.mcs.Mcs;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --enumerate} for Standard RDP Security: the driver opens one legacy connection (PROTOCOL_RDP) per
 * method, offering only that method in CS_SECURITY ({@link #settingsFor}), and feeds each answer here. A
 * method is accepted when the Connect Response is successful and the server selected that method (or NONE at
 * level NONE). Pure: no I/O.
 */
public final class EncryptionEnumeration {
    private EncryptionEnumeration() {}

    /** The four methods, in the order they are tried. */
    public static final List<EncryptionMethod> METHODS = List.of(EncryptionMethod.BIT_40, EncryptionMethod.BIT_56,
            EncryptionMethod.BIT_128, EncryptionMethod.FIPS);

    /**
     * One attempt: the method offered and what came back.
     *
     * @param connectResponseFrame the server's complete Connect Response frame, or null if none came
     * @param failure              what happened instead, as the probe's stage verdict gave it ("MCS SERVER_DISCONNECTED"),
     *                             or null
     * @param detail               that verdict's summary (the evidence: Ultimatum and reason, FIN or RST), or null
     * @param serverRefused        whether the failure is the server's own answer to the legacy connection (so the
     *                             method was tested and refused), rather than a timeout or a local problem
     */
    public record Attempt(EncryptionMethod offered, byte[] connectResponseFrame, String failure, String detail,
                          boolean serverRefused) {
        public Attempt(EncryptionMethod offered, byte[] connectResponseFrame, String failure) {
            this(offered, connectResponseFrame, failure, null, false);
        }
    }

    /** Settings that offer only {@code m}. */
    public static SessionSettings settingsFor(SessionSettings base, EncryptionMethod m) {
        return base.withEncryptionMethods(m);
    }

    public static EncryptionSection build(List<Attempt> attempts) {
        List<Row> rows = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        String level = null;
        String version = null;
        for (Attempt a : attempts) {
            String offered = a.offered().label();
            if (a.connectResponseFrame() == null) {
                rows.add(new Row(offered, false, null, null, null, a.failure() == null ? "no Connect Response" : a.failure(),
                        a.serverRefused(), a.detail()));
                continue;
            }
            try {
                ConnectResponse cr = ConnectResponse.decode(Mcs.userData(Unpooled.wrappedBuffer(a.connectResponseFrame())));
                if (!cr.result().isSuccess()) {
                    rows.add(new Row(offered, false, null, null, null, "Connect-Response " + cr.result().name()));
                    continue;
                }
                ServerData sd = ConferenceCreateResponse.decode(Unpooled.wrappedBuffer(cr.userData())).userData();
                String v = sd.core().map(c -> c.rdpVersion().name()).orElse(null);
                ServerSecurityData sec = sd.security().orElse(null);
                if (sec == null) {
                    rows.add(new Row(offered, false, null, null, v, "no server security data"));
                    continue;
                }
                boolean ok = sec.encryptionMethod().value() == a.offered().value()
                        || (sec.encryptionMethod().isNone() && sec.encryptionLevel().value() == 0);
                String lv = sec.encryptionLevel().label();
                rows.add(new Row(offered, ok, sec.encryptionMethod().label(), lv, v,
                        ok ? null : "server selected " + sec.encryptionMethod().name()));
                if (ok) {
                    accepted.add(offered);
                    level = lv;
                }
                if (version == null) version = v;
                if (level == null && ok) level = lv;
            } catch (DecodeException e) {
                rows.add(new Row(offered, false, null, null, null, "malformed Connect Response: " + e.getMessage()));
            }
        }
        return new EncryptionSection(rows, accepted, level, version);
    }
}
