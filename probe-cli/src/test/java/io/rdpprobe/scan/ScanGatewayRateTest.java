package io.rdpprobe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.rdpprobe.demo.DemoServer;
import io.rdpprobe.demo.Fault;
import io.rdpprobe.demo.gateway.DemoGatewayLab;
import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.credssp.CredSspOptions;
import io.rdpprobe.probe.credssp.CredSspSettings;
import io.rdpprobe.probe.credssp.Credentials;
import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.gateway.GatewaySettings;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.probe.tls.TlsSettings;
import io.rdpprobe.probe.tls.TrustSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * --rate counts every new connection of a scan, including the one an RD Gateway probe opens from an event loop in
 * the middle of the probe (the two-connection transport's RDG_IN_DATA leg). Wired as ScanCommand wires it:
 * {@link Scanner#beforeConnect} as the runner's connect gate, {@link Scanner#reserveConnect} as its later-connect
 * gate; against the embedded RD Gateway and endpoint over loopback.
 */
class ScanGatewayRateTest {
    static final double RATE = 5; // 200 ms apart
    static final long INTERVAL_MS = 200;

    /** Records when each new connection's pipeline is set up (before its connect starts). */
    @ChannelHandler.Sharable
    static final class Opened extends ChannelHandlerAdapter {
        final List<Long> at = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            at.add(System.nanoTime());
            ctx.pipeline().remove(this);
        }
    }

    @Test
    void theGatewaysInLegWaitsForItsRateSlotLikeEveryNewConnection() throws Exception {
        try (DemoGatewayLab lab = DemoGatewayLab.start(Fault.NONE, 0, 0, c -> c)) {
            TlsSettings tls = TlsSettings.defaults()
                    .withTrust(new TrustSettings(List.of(), Set.of(lab.gateway().certificateSha256()), false));
            ProbeSettings s = ProbeSettings.defaults().withTimeout(5_000).withTls(tls)
                    .withCredSsp(new CredSspSettings(new Credentials(DemoServer.DEMO_USER, DemoServer.DEMO_DOMAIN,
                            Secret.of(DemoServer.DEMO_PASSWORD.toCharArray())), CredSspOptions.defaults()));
            GatewaySettings gw = new GatewaySettings("127.0.0.1", lab.gateway().port(), GatewaySettings.Transport.HTTP,
                    GatewaySettings.AuthMode.AUTO, new Credentials(DemoServer.DEMO_USER, DemoServer.DEMO_DOMAIN,
                    Secret.of(DemoServer.DEMO_PASSWORD.toCharArray())), null, tls, DemoGatewayLab.DEMO_RESOURCE,
                    DemoGatewayLab.DEMO_RESOURCE_PORT, "SCAN-TEST");
            Opened opened = new Opened();
            List<Long> slots = Collections.synchronizedList(new ArrayList<>());
            List<Report> reports = Collections.synchronizedList(new ArrayList<>());
            try (ProbeRunner runner = new ProbeRunner().addWireTap(() -> opened)) {
                // three names of the one endpoint behind the gateway (three hosts: no per-host serialisation), two
                // workers, so that new connections compete for the slots
                int port = lab.server().port();
                List<ScanTarget> targets = List.of(
                        new ScanTarget(DemoGatewayLab.DEMO_RESOURCE, DemoGatewayLab.DEMO_RESOURCE_PORT, null, null, null, "t"),
                        new ScanTarget("127.0.0.1", port, null, null, null, "t"),
                        new ScanTarget("localhost", port, null, null, null, "t"));
                Scanner[] sc = new Scanner[1];
                sc[0] = new Scanner(targets, 2, RATE, t -> runner.probe(new Target(t.host(), t.port()), s, gw),
                        (t, r) -> reports.add(r), () -> { });
                runner.connectGate(() -> {
                    sc[0].beforeConnect();
                    slots.add(System.nanoTime()); // the slot was taken no later than now
                }).laterConnectGate(() -> {
                    long wait = sc[0].reserveConnect();
                    slots.add(System.nanoTime() + wait);
                    return wait;
                });
                Scanner.Outcome o = sc[0].run();
                assertThat(o.errors()).isEmpty();
            }
            assertThat(reports).hasSize(3).allSatisfy(r -> {
                assertThat(r.verdict().status()).as(r.verdict().summary()).isNotEqualTo(Status.FAILED);
                assertThat(r.stages()).anySatisfy(st -> assertThat(st.stage()).isEqualTo(Stage.GATEWAY_CHANNEL));
            });
            // every probe opened two connections (RDG_OUT_DATA, RDG_IN_DATA), and every one took a slot
            List<Long> open = new ArrayList<>(opened.at);
            List<Long> slot = new ArrayList<>(slots);
            Collections.sort(open);
            Collections.sort(slot);
            assertThat(open).hasSize(6);
            assertThat(slot).hasSize(6);
            for (int i = 0; i < 6; i++) {
                assertThat(open.get(i)).as("connection %d opened before its slot", i).isGreaterThanOrEqualTo(slot.get(i));
                if (i > 0) {
                    assertThat((slot.get(i) - slot.get(i - 1)) / 1_000_000.0).as("slot %d after %d", i, i - 1)
                            .isGreaterThanOrEqualTo(INTERVAL_MS - 50);
                }
            }
        }
    }
}
