package io.rdpprobe.probe.enumerate;

import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.model.TlsCauses;
import io.rdpprobe.probe.model.TlsVersionsSection;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.probe.tls.TlsVersions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TLS work that needs more than one connection: confirming a version mismatch with a retry, and the
 * {@code --enumerate} table of accepted TLS versions.
 */
public final class TlsFollowUps {
    private TlsFollowUps() {}

    static StageResult tlsStage(Report r) {
        return r.stages().stream().filter(s -> s.stage() == Stage.TLS).findFirst().orElse(null);
    }

    /** Whether a failed TLS stage looks like a version problem worth a retry with the other versions. */
    static boolean versionSuspect(StageResult tls) {
        if (tls == null || tls.status() != Status.FAILED) {
            return false;
        }
        String c = tls.cause().code();
        Object alert = tls.evidence().get("alert");
        Object bytes = tls.evidence().get("bytesReceived");
        boolean silentEnd = ("CONNECTION_RESET".equals(c) || "CONNECTION_CLOSED".equals(c))
                && bytes instanceof Number n && n.longValue() == 0;
        boolean versionAlert = alert != null && (alert.toString().startsWith("protocol_version")
                || alert.toString().startsWith("handshake_failure") || alert.toString().startsWith("insufficient_security"));
        return "TLS_VERSION_MISMATCH".equals(c) || silentEnd || versionAlert;
    }

    /**
     * If the TLS stage failed in a way a version mismatch explains, retries offering the versions that were
     * not offered. When the retry completes, the TLS stage becomes TLS_VERSION_MISMATCH with both attempts
     * as evidence; otherwise the retry is added to the evidence and the original cause stays.
     */
    public static Report confirmVersionMismatch(ProbeRunner runner, Target t, ProbeSettings settings, Report report) {
        StageResult tls = tlsStage(report);
        if (!versionSuspect(tls)) {
            return report;
        }
        List<String> offered = settings.tls().versions();
        List<String> others = TlsVersions.complement(offered);
        if (others.isEmpty()) {
            return report;
        }
        Report retry = runner.probe(t, settings.withTls(settings.tls().withVersions(others)).withStopAfter(Stage.TLS));
        StageResult rt = tlsStage(retry);
        Map<String, Object> ev = new LinkedHashMap<>(tls.evidence());
        Map<String, Object> retryEv = new LinkedHashMap<>();
        retryEv.put("offered", others);
        StageResult replaced;
        if (rt != null && (rt.status() == Status.OK || rt.status() == Status.WARNING)) {
            String v = String.valueOf(rt.evidence().get("version"));
            retryEv.put("result", "handshake completed");
            retryEv.put("version", v);
            retryEv.put("cipherSuite", rt.evidence().get("cipherSuite"));
            ev.put("retry", retryEv);
            io.rdpprobe.probe.model.Cause cause = TlsCauses.TLS_VERSION_MISMATCH;
            if (offered.stream().allMatch(o -> o.compareTo(v.replace("TLS ", "")) < 0)) {
                // every version offered is older than the one the server took: here the client is the old side
                cause = new io.rdpprobe.probe.model.Cause(cause.code(), cause.title(), "the client is the old side: the "
                        + "server accepts " + v + " but the probe offered only " + offered + "; offer newer versions (drop "
                        + "--tls-versions, or give " + String.join(",", others) + "), and on an old Windows client "
                        + "install the TLS 1.2 update (KB3080079 for 7/2008 R2)", cause.clientError());
            }
            replaced = new StageResult(Stage.TLS, Status.FAILED, tls.elapsedMs(), ev, cause,
                    "no common TLS version: the probe offered " + offered + " and the server refused ("
                            + tls.cause().code() + "); a retry offering only " + others + " negotiated " + v
                            + ", so the server accepts only versions the first ClientHello did not offer", false);
        } else {
            retryEv.put("result", rt == null ? "not reached" : rt.status() + " " + (rt.cause() == null ? "" : rt.cause().code()));
            ev.put("retry", retryEv);
            replaced = new StageResult(Stage.TLS, tls.status(), tls.elapsedMs(), ev, tls.cause(), tls.summary()
                    + "; a retry offering " + others + " failed too, so this is not only a version mismatch", tls.inferred());
        }
        List<StageResult> stages = new ArrayList<>();
        for (StageResult s : report.stages()) {
            stages.add(s.stage() == Stage.TLS ? replaced : s);
        }
        return new Report(report.target(), stages).withSections(report.sections());
    }

    /** {@code --enumerate}: one connection per TLS version, each after its own X.224 exchange. */
    public static TlsVersionsSection enumerate(ProbeRunner runner, Target t, ProbeSettings settings) {
        List<TlsVersionsSection.Row> rows = new ArrayList<>();
        for (String v : TlsVersions.ALL) {
            Report r = runner.probe(t, settings.withTls(settings.tls().withVersions(List.of(v))).withStopAfter(Stage.TLS));
            StageResult s = tlsStage(r);
            if (s != null && (s.status() == Status.OK || s.status() == Status.WARNING)) {
                rows.add(new TlsVersionsSection.Row(v, true, String.valueOf(s.evidence().get("cipherSuite")), "accepted",
                        TlsVersions.deprecated(v)));
            } else {
                String why = s == null || s.status() == Status.NOT_REACHED
                        ? "not reached (" + r.verdict().cause() + " at " + r.verdict().stage() + ")"
                        : "refused: " + s.cause().code() + (s.evidence().get("alert") != null ? " " + s.evidence().get("alert") : "");
                rows.add(new TlsVersionsSection.Row(v, false, null, why, TlsVersions.deprecated(v)));
            }
        }
        return new TlsVersionsSection(rows);
    }
}
