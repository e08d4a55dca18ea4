package io.rdpprobe.probe.enumerate;

import io.rdpprobe.probe.connector.ProbeConnector;
import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.gateway.GatewaySettings;
import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.GatewayCauses;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The wrong port: when X224 fails with a close, a reset or NOT_RDP, one follow-up connection starts TLS
 * directly and, if that works, asks for /remoteDesktopGateway/ as an RD Gateway client would. An HTTPS port
 * or an RD Gateway's port then gets that name, instead of "the server closed the connection".
 * The follow-up uses the gateway sequence itself, with no credentials: nothing is sent but a ClientHello and
 * an unauthenticated RDG_OUT_DATA request (and an NTLM NEGOTIATE if the gateway asks for one).
 */
public final class PortCheck {
    private PortCheck() {}

    private static final Set<String> TRIGGERS = Set.of(Causes.CONNECTION_CLOSED.code(), Causes.CONNECTION_RESET.code(),
            Causes.NOT_RDP.code());

    public static Report explain(ProbeRunner runner, Target t, ProbeSettings settings, Report r) {
        StageResult x = r.stages().stream()
                .filter(s -> s.stage() == Stage.X224 && s.status() == Status.FAILED && TRIGGERS.contains(s.cause().code()))
                .findFirst().orElse(null);
        if (x == null) {
            return r;
        }
        GatewaySettings check = new GatewaySettings(t.host(), t.port(), GatewaySettings.Transport.AUTO,
                GatewaySettings.AuthMode.AUTO, null, null, settings.tls(), t.host(), Target.DEFAULT_PORT, null);
        ProbeConnector c = runner.run(t, settings.withTimeout(Math.min(settings.stageTimeoutMillis(), 5_000)), check);
        StageResult tls = find(c.results(), Stage.GATEWAY_TLS);
        if (tls == null || tls.status() == Status.FAILED) {
            return r;
        }
        StageResult http = find(c.results(), Stage.GATEWAY_HTTP);
        boolean gateway = http != null && looksLikeGateway(http);
        Map<String, Object> ev = new LinkedHashMap<>(x.evidence());
        Map<String, Object> pc = new LinkedHashMap<>();
        String tlsFacts = tls.evidence().get("version") + ", " + tls.evidence().get("cipherSuite");
        pc.put("tls", tlsFacts);
        if (tls.evidence().get("leafSha256") != null) {
            pc.put("leafSha256", tls.evidence().get("leafSha256"));
        }
        if (http != null) {
            pc.put("gatewayHttp", http.evidence().getOrDefault("exchanges", List.of()));
            if (http.evidence().get("gatewayNtlm") != null) {
                pc.put("gatewayNtlm", http.evidence().get("gatewayNtlm"));
            }
        }
        ev.put("portCheck", pc);
        String base = x.summary() + "; a follow-up connection that started TLS directly completed a handshake ("
                + tlsFacts + ")";
        StageResult replaced = gateway
                ? StageResult.failed(Stage.X224, x.elapsedMs(), ev, GatewayCauses.RD_GATEWAY_PORT, base + ", and "
                        + GatewaySettings.PATH + " answered like an RD Gateway (" + firstExchange(http) + "): this is an RD "
                        + "Gateway: probe the target with --gateway " + t)
                : StageResult.failed(Stage.X224, x.elapsedMs(), ev, GatewayCauses.TLS_FIRST_PORT, base
                        + ": the port speaks TLS first (HTTPS or another TLS service), not RDP");
        List<StageResult> stages = new ArrayList<>();
        for (StageResult s : r.stages()) {
            stages.add(s == x ? replaced : s);
        }
        return new Report(r.target(), stages).withSections(r.sections());
    }

    private static boolean looksLikeGateway(StageResult http) {
        String cause = http.cause() == null ? "" : http.cause().code();
        if (cause.equals(GatewayCauses.NOT_A_GATEWAY.code()) || cause.equals(GatewayCauses.GATEWAY_HTTP_NOT_FOUND.code())
                || cause.equals(GatewayCauses.GATEWAY_HTTP_METHOD_REFUSED.code())
                || cause.equals(GatewayCauses.GATEWAY_HTTP_UNEXPECTED.code())
                || cause.equals(GatewayCauses.GATEWAY_NO_RESPONSE.code())) {
            return false;
        }
        String first = firstExchange(http);
        return first.contains("-> 401") || first.contains("-> 101") || first.contains("-> 200")
                || cause.equals(GatewayCauses.GATEWAY_RPC_ONLY.code());
    }

    private static String firstExchange(StageResult http) {
        Object e = http.evidence().get("exchanges");
        return e instanceof List<?> l && !l.isEmpty() ? String.valueOf(l.get(0)) : "";
    }

    private static StageResult find(List<StageResult> rs, Stage s) {
        return rs.stream().filter(x -> x.stage() == s).findFirst().orElse(null);
    }
}
