package io.rdpprobe.cli;

import io.rdpprobe.demo.DemoServer;
import io.rdpprobe.demo.Fault;
import io.rdpprobe.demo.gateway.DemoGatewayLab;
import io.rdpprobe.demo.gateway.GatewayFault;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/** {@code rdp-probe demo --serve}: the embedded endpoint and gateway, running until the process is stopped. */
final class DemoServe {
    private DemoServe() {}

    static int serve(PrintWriter out, Fault fault, GatewayFault gatewayFault, int rdpPort, int gatewayPort, Path gatewayLog,
                     io.rdpprobe.demo.DemoKerberosAcceptor kerberos) throws Exception {
        Consumer<String> log = null;
        java.io.Writer logFile = null;
        if (gatewayLog != null) {
            logFile = Files.newBufferedWriter(gatewayLog, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            java.io.Writer w = logFile;
            log = line -> {
                synchronized (w) {
                    try {
                        w.write(java.time.Instant.now() + " " + line + "\n");
                        w.flush();
                    } catch (IOException e) {
                        // a full disk must not stop the gateway
                    }
                }
            };
        }
        Consumer<String> l = log;
        DemoGatewayLab lab;
        try {
            lab = DemoGatewayLab.start(fault, rdpPort, gatewayPort, c -> c.withLog(l).withFault(gatewayFault));
        } catch (Exception e) {
            if (!(e instanceof java.net.BindException)) {
                throw e;
            }
            out.println("rdp-probe demo --serve: cannot listen on 127.0.0.1 port " + rdpPort + " or " + gatewayPort
                    + ": " + e.getMessage());
            out.flush();
            return Main.EXIT_INTERNAL;
        }
        lab.server().withKerberos(kerberos);
        CountDownLatch stopped = new CountDownLatch(1);
        java.io.Writer lf = logFile;
        Thread hook = new Thread(() -> {
            lab.close();
            if (lf != null) {
                try {
                    lf.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            stopped.countDown();
        }, "demo-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int rdp = lab.server().port();
        int gw = lab.gateway().port();
        String user = DemoServer.DEMO_DOMAIN + "\\" + DemoServer.DEMO_USER;
        out.println("rdp-probe demo --serve: running until Ctrl-C / SIGTERM (endpoint: " + fault.description()
                + "; gateway: " + gatewayFault.description() + ")");
        out.println("  RDP endpoint : 127.0.0.1:" + rdp + "  (X.224, TLS, CredSSP/NTLM, MCS ... Demand Active)");
        out.println("  RD Gateway   : 127.0.0.1:" + gw + "  (MS-TSGU HTTP transport: WebSocket and RDG_OUT_DATA/RDG_IN_DATA;"
                + " NTLM, Negotiate, Basic, PAA)");
        out.println("  account      : " + user + " (demo-only; its password is in 'rdp-probe demo --help'),"
                + " for the endpoint's NLA and the gateway");
        if (kerberos != null) {
            out.println("  Kerberos     : CredSSP with SPNEGO/Kerberos for the principals of keytab " + kerberos.keytab()
                    + " (NTLM still for the demo account)");
        }
        out.println("  PAA token    : " + DemoGatewayLab.DEMO_TOKEN + " (demo-only)");
        out.println("  RD RAP       : " + DemoGatewayLab.DEMO_RESOURCE + ":" + DemoGatewayLab.DEMO_RESOURCE_PORT
                + " (= the endpoint), 127.0.0.1:" + rdp + ", localhost:" + rdp);
        out.println("  certificate  : sha256 " + lab.server().certificateSha256() + " (endpoint and gateway)");
        out.println("connect:");
        out.println("  xfreerdp /v:127.0.0.1:" + rdp + " /u:demo /d:DEMO /cert:ignore /from-stdin:force +auth-only");
        out.println("  xfreerdp /v:" + DemoGatewayLab.DEMO_RESOURCE + " /g:127.0.0.1:" + gw
                + " /gu:demo /gd:DEMO /gt:http /u:demo /d:DEMO /cert:ignore /from-stdin:force   (,no-websockets: two channels)");
        out.println("  xfreerdp /v:" + DemoGatewayLab.DEMO_RESOURCE + " /g:127.0.0.1:" + gw + " /gat:"
                + DemoGatewayLab.DEMO_TOKEN + " /gt:http /u:demo /d:DEMO /cert:ignore /from-stdin:force");
        out.println("  rdp-probe probe 127.0.0.1:" + rdp + " --user 'DEMO\\demo' --password-stdin --trust-cert "
                + lab.server().certificateSha256());
        if (gatewayLog != null) {
            out.println("gateway log  : " + gatewayLog);
        }
        out.flush();
        stopped.await(); // no stdin needed: only a signal ends it
        return 0;
    }
}
