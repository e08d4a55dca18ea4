// The embedded RD Gateway (rdp-probe's demo gateway) in front of ANY target, for recording gateway captures of
// real clients to the real lab servers. Run from the repository root, after building the jar:
//   java -cp probe-cli/target/rdp-probe.jar testdata/lab/GatewayServe.java PORT USER DOMAIN
// The account's password is read from standard input (one line), never from the command line. Every target is
// allowed (RAP) and resolved by DNS. Ctrl-C / SIGTERM stops it.
import io.rdpprobe.demo.DemoCertificate;
import io.rdpprobe.demo.gateway.DemoGateway;
import io.rdpprobe.demo.gateway.GatewayAccount;
import io.rdpprobe.demo.gateway.GatewayConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;

public class GatewayServe {
    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]);
        String password = new BufferedReader(new InputStreamReader(System.in)).readLine();
        GatewayConfig c = GatewayConfig.defaults(DemoCertificate.demo(), new GatewayAccount(a[1], a[2], password))
                .withLog(line -> System.out.println("[gateway] " + line));
        DemoGateway gw = DemoGateway.start(c, port);
        System.out.println("gateway listening on 127.0.0.1:" + gw.port());
        Runtime.getRuntime().addShutdownHook(new Thread(gw::close));
        Thread.currentThread().join();
    }
}
