package io.rdpprobe.cli;

import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.protocol.x224.CrToken;
import io.rdpprobe.protocol.x224.Protocols;
import picocli.CommandLine.Option;

/** Options shared by {@code probe} and {@code demo}. */
final class ProbeOptions {
    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class, defaultValue = "10s",
            description = "Deadline for each stage (default ${DEFAULT-VALUE}); e.g. 10, 10s, 500ms.")
    long timeoutMillis;

    @Option(names = "--protocols", paramLabel = "LIST", defaultValue = "ssl,hybrid,hybrid_ex",
            description = "Security protocols to request in RDP_NEG_REQ: rdp, ssl, hybrid, hybrid_ex, rdstls, rdsaad "
                    + "(comma-separated) or a hex mask. Default ${DEFAULT-VALUE}, as mstsc sends.")
    String protocols;

    @Option(names = "--legacy", description = "Send a legacy Connection Request without RDP_NEG_REQ.")
    boolean legacy;

    @Option(names = "--cookie", paramLabel = "USER",
            description = "Send 'Cookie: mstshash=USER' in the Connection Request, as mstsc does.")
    String cookie;

    @Option(names = "--routing-token", paramLabel = "TOKEN",
            description = "Send a load-balancing routing token (e.g. 'tsv://MS Terminal Services Plugin.1.Coll').")
    String routingToken;

    @Option(names = "--enumerate",
            description = "Also make one connection per security protocol request and tabulate what the server accepts.")
    boolean enumerate;

    @Option(names = "--json", description = "Print one JSON object instead of the text report.")
    boolean json;

    @Option(names = {"-q", "--brief"}, description = "Text report without the evidence lines.")
    boolean brief;

    ProbeSettings settings() {
        if (cookie != null && routingToken != null) {
            throw new IllegalArgumentException("--cookie and --routing-token are exclusive (MS-RDPBCGR 2.2.1.1)");
        }
        CrToken token = cookie != null ? new CrToken.Cookie(cookie)
                : routingToken != null ? new CrToken.RoutingToken(routingToken) : null;
        Integer req = legacy ? null : Protocols.parse(protocols);
        return ProbeSettings.defaults().withTimeout(timeoutMillis).withProtocols(req).withToken(token);
    }
}
