package io.rdpprobe.demo.gateway;

import io.rdpprobe.demo.DemoCertificate;
import io.rdpprobe.demo.DemoServer;
import io.rdpprobe.demo.Fault;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The embedded RDP endpoint ({@link DemoServer}) with the embedded gateway in front of it, both on 127.0.0.1:
 * what {@code rdp-probe demo --serve} runs and what a gateway demo probes. The gateway knows the demo account
 * ({@code DEMO\demo} / {@code demo}, over NTLM, Negotiate or Basic) and the PAA token {@value #DEMO_TOKEN};
 * its RD RAP allows the resource {@value #DEMO_RESOURCE}:3389 (mapped to the endpoint) and the endpoint's own
 * address, nothing else.
 */
public final class DemoGatewayLab implements AutoCloseable {
    /** The resource name that maps to the embedded endpoint. */
    public static final String DEMO_RESOURCE = "demo";
    public static final int DEMO_RESOURCE_PORT = 3389;
    /** A demo-only PAA token (not a secret: loopback demo only). */
    public static final String DEMO_TOKEN = "rdp-probe-demo-token";

    private final DemoServer server;
    private final DemoGateway gateway;

    private DemoGatewayLab(DemoServer server, DemoGateway gateway) {
        this.server = server;
        this.gateway = gateway;
    }

    /**
     * Starts both. {@code rdpPort}/{@code gatewayPort} 0 = ephemeral; {@code customize} may change the gateway's
     * configuration (fault, transports, policies) before it starts.
     */
    public static DemoGatewayLab start(Fault fault, int rdpPort, int gatewayPort, UnaryOperator<GatewayConfig> customize)
            throws InterruptedException {
        DemoCertificate cert = DemoCertificate.demo();
        DemoServer server = DemoServer.start(fault, rdpPort, cert);
        try {
            GatewayConfig cfg = defaultConfig(cert, server.port());
            return new DemoGatewayLab(server, DemoGateway.start(customize.apply(cfg), gatewayPort));
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
    }

    /** The demo gateway's configuration for an endpoint on 127.0.0.1:{@code rdpPort}. */
    public static GatewayConfig defaultConfig(DemoCertificate cert, int rdpPort) {
        InetSocketAddress endpoint = new InetSocketAddress("127.0.0.1", rdpPort);
        return GatewayConfig.defaults(cert, new GatewayAccount(DemoServer.DEMO_USER, DemoServer.DEMO_DOMAIN,
                        DemoServer.DEMO_PASSWORD))
                .withPaaToken(DEMO_TOKEN, DemoServer.DEMO_DOMAIN + "\\" + DemoServer.DEMO_USER)
                .withResolver(TargetResolver.mapped(Map.of(DEMO_RESOURCE, endpoint)))
                .withRap(Set.of(DEMO_RESOURCE + ":" + DEMO_RESOURCE_PORT, "127.0.0.1:" + rdpPort, "localhost:" + rdpPort));
    }

    public DemoServer server() {
        return server;
    }

    public DemoGateway gateway() {
        return gateway;
    }

    @Override
    public void close() {
        gateway.close();
        server.close();
    }
}
