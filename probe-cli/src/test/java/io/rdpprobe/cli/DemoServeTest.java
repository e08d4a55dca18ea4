package io.rdpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rdp-probe demo --serve} in its own JVM, as a user starts it: with no stdin it keeps running, prints how
 * to connect, serves both ports, and SIGTERM stops it (shutdown hook closes every connection).
 */
class DemoServeTest {
    @Test
    void serveKeepsRunningWithoutStdinUntilSigterm(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("gw.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo", "--serve",
                "--gateway-log", log.toString());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectErrorStream(true);
        Process p = pb.start();
        try {
            List<String> lines = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            for (String l; (l = r.readLine()) != null; ) {
                lines.add(l);
                if (l.startsWith("gateway log")) {
                    break;
                }
            }
            String out = String.join("\n", lines);
            assertThat(out).contains("running until Ctrl-C / SIGTERM", "account      : DEMO\\demo", "/gt:http",
                    "/gat:rdp-probe-demo-token", "rdp-probe probe 127.0.0.1:").doesNotContain("/p:").doesNotContain("/gp:");
            assertThat(out).containsPattern("certificate  : sha256 [0-9a-f]{64}");
            int rdp = port(out, "RDP endpoint : 127\\.0\\.0\\.1:(\\d+)");
            int gw = port(out, "RD Gateway   : 127\\.0\\.0\\.1:(\\d+)");
            try (Socket a = new Socket("127.0.0.1", rdp); Socket b = new Socket("127.0.0.1", gw)) {
                assertThat(a.isConnected() && b.isConnected()).isTrue();
            }
            assertThat(p.isAlive()).as("stdin at EOF does not stop it").isTrue();
        } finally {
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(p.exitValue()).isEqualTo(143);
    }

    @Test
    void servePortsNeedServe() {
        assertThat(Main.run("demo", "--gateway-port", "38443")).isEqualTo(Main.EXIT_USAGE);
    }

    private static int port(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        assertThat(m.find()).as(regex).isTrue();
        return Integer.parseInt(m.group(1));
    }
}
