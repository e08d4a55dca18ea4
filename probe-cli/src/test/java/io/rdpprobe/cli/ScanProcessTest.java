package io.rdpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.rdpprobe.demo.DemoCertificate;
import io.rdpprobe.demo.DemoServer;
import io.rdpprobe.demo.Fault;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scan} as its own process: Ctrl-C (SIGINT) flushes every output and prints the summary so far, and a
 * lowered open-file limit ({@code ulimit -n 256}) lowers the concurrency instead of failing.
 */
class ScanProcessTest {
    @TempDir
    Path dir;

    private static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void sigintStopsTheScanFlushesTheOutputsAndPrintsTheSummarySoFar() throws Exception {
        // a background job of a non-interactive shell starts with SIGINT ignored, and exec keeps that: python3
        // restores the default disposition, so that the JVM sees the signal as a terminal's Ctrl-C would send it
        assumeTrue(onPath("python3"), "python3 (to restore SIGINT's default disposition) is not installed");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<InetSocketAddress> binds = new ArrayList<>();
        for (int i = 2; i <= 9; i++) {
            binds.add(new InetSocketAddress("127.0.0." + i, 0));
        }
        DemoServer silent = DemoServer.startOn(group, binds, DemoServer.negotiatorFor(Fault.SILENT), Fault.SILENT,
                DemoCertificate.demo());
        Path targets = dir.resolve("targets.txt");
        StringBuilder sb = new StringBuilder("127.0.0.1:" + closedPort() + "\n");
        // every listener of the silent server: one host each, so all eight run at once
        for (String line : silentTargets(silent)) {
            sb.append(line).append('\n');
        }
        Files.writeString(targets, sb.toString());
        Path out = dir.resolve("scan.jsonl");
        Path junit = dir.resolve("scan.xml");
        Path csv = dir.resolve("scan.csv");
        List<String> cmd = new ArrayList<>(List.of("python3", "-c",
                "import os,signal,sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"));
        cmd.addAll(java("scan", "--targets-file", targets.toString(), "--timeout", "60s", "--out", out.toString(),
                "--junit", junit.toString(), "--csv", csv.toString(), "--progress-every", "200ms"));
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && (!Files.exists(out) || Files.readString(out).isEmpty())) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(out)).as("the refused target's row").contains("CONNECTION_REFUSED");
            Thread.sleep(500); // the eight silent probes are waiting for an X.224 answer
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            long t0 = System.nanoTime();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("exits after SIGINT").isTrue();
            assertThat((System.nanoTime() - t0) / 1_000_000).as("well before the 60 s deadline").isLessThan(15_000);
            String stdout = Files.readString(dir.resolve("stdout"), StandardCharsets.UTF_8);
            String stderr = Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(stderr).isEqualTo(130);
            assertThat(stdout).contains("Fleet summary: 1 of 9 target(s) probed")
                    .contains("INTERRUPTED: 8 target(s) not probed or cut short").contains("1  FAILED CONNECTION_REFUSED");
            assertThat(stderr).doesNotContain("Exception");
            assertThat(Files.readAllLines(out)).hasSize(1);
            assertThat(Files.readAllLines(csv)).hasSize(2);
            // the JUnit file is well-formed with the one finished target
            assertThat(javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile())
                    .getElementsByTagName("testcase").getLength()).isEqualTo(1);
        } finally {
            p.destroyForcibly();
            silent.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    private static List<String> silentTargets(DemoServer s) throws Exception {
        List<String> out = new ArrayList<>();
        for (var a : s.listenAddresses()) {
            out.add(a.getAddress().getHostAddress() + ":" + a.getPort());
        }
        return out;
    }

    @Test
    void aLoweredOpenFileLimitLowersTheConcurrencyAndTheScanCompletes() throws Exception {
        assumeTrue(onPath("bash"), "bash is not installed");
        int port = closedPort();
        Path out = dir.resolve("fd.jsonl");
        StringBuilder cmd = new StringBuilder("ulimit -n 256 && exec");
        for (String a : java("scan", "127.0.1.0/24:" + port, "--concurrency", "256", "--timeout", "5s", "-q",
                "--out", out.toString())) {
            cmd.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        Process p = new ProcessBuilder("bash", "-c", cmd.toString()).redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String stdout = Files.readString(dir.resolve("stdout"));
        assertThat(p.exitValue()).as(stdout + Files.readString(dir.resolve("stderr"))).isZero();
        assertThat(stdout).containsPattern("note: the open-file limit \\(ulimit -n\\) is 256 with \\d+ already open: "
                + "concurrency lowered from 256 to \\d+").contains("Fleet summary: 256 of 256 target(s) probed")
                .contains("256  FAILED CONNECTION_REFUSED");
        assertThat(Files.readAllLines(out)).hasSize(256);
    }

    /**
     * Under {@code ulimit -n 256}, 300 targets whose connections hold their descriptors: 150 silent endpoints (each
     * connection open until its X224 deadline) and 150 answering demo endpoints (TLS and NTLM), on distinct loopback
     * addresses so that all run at once. The scan lowers its concurrency, every socket is created (no EMFILE
     * verdict), every target gets its endpoint's verdict, and the open files after the scan equal those before.
     */
    @Test
    void underAnOpenFileLimitEveryConnectionGetsASocketAndNoDescriptorLeaks() throws Exception {
        assumeTrue(onPath("bash"), "bash is not installed");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<InetSocketAddress> silentBinds = new ArrayList<>();
        List<InetSocketAddress> demoBinds = new ArrayList<>();
        for (int i = 1; i <= 150; i++) {
            silentBinds.add(new InetSocketAddress("127.201.1." + i, 0));
            demoBinds.add(new InetSocketAddress("127.201.2." + i, 0));
        }
        DemoCertificate cert = DemoCertificate.demo();
        DemoServer silent = DemoServer.startOn(group, silentBinds, DemoServer.negotiatorFor(Fault.SILENT), Fault.SILENT, cert);
        DemoServer demo = DemoServer.startOn(group, demoBinds, DemoServer.negotiatorFor(Fault.NONE), Fault.NONE, cert);
        try {
            Path targets = dir.resolve("held.txt");
            StringBuilder sb = new StringBuilder();
            for (String t : silentTargets(silent)) {
                sb.append(t).append('\n');
            }
            for (String t : silentTargets(demo)) {
                sb.append(t).append('\n');
            }
            Files.writeString(targets, sb.toString());
            Path out = dir.resolve("held.jsonl");
            StringBuilder cmd = new StringBuilder("ulimit -n 256 && exec");
            for (String a : java("scan", "--targets-file", targets.toString(), "--concurrency", "256", "--timeout", "2s",
                    "-q", "--json", "--out", out.toString())) {
                cmd.append(" '").append(a.replace("'", "'\\''")).append('\'');
            }
            Process p = new ProcessBuilder("bash", "-c", cmd.toString()).redirectOutput(dir.resolve("held-stdout").toFile())
                    .redirectError(dir.resolve("held-stderr").toFile()).start();
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
            String stdout = Files.readString(dir.resolve("held-stdout"));
            String stderr = Files.readString(dir.resolve("held-stderr"));
            assertThat(p.exitValue()).as(stdout + stderr).isZero();
            com.fasterxml.jackson.databind.JsonNode summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stdout);
            assertThat(summary.get("notes").toString()).containsPattern("the open-file limit \\(ulimit -n\\) is 256 with "
                    + "\\d+ already open: concurrency lowered from 256 to \\d+");
            assertThat(summary.get("probed").asInt()).isEqualTo(300);
            assertThat(summary.get("process").get("openFilesAfter").asLong())
                    .isEqualTo(summary.get("process").get("openFilesBefore").asLong());
            List<String> rows = Files.readAllLines(out);
            assertThat(rows).hasSize(300).noneMatch(r -> r.contains("cannot create a socket"));
            assertThat(rows.stream().filter(r -> r.contains("127.201.1.")).filter(r -> r.contains("\"cause\":\"NO_RESPONSE\"")))
                    .hasSize(150);
            assertThat(rows.stream().filter(r -> r.startsWith("{\"target\":\"127.201.2."))
                    .filter(r -> r.contains("\"stage\":\"CREDSSP\",\"status\":\"OK\""))).hasSize(150);
            assertThat(stderr).doesNotContain("Exception").doesNotContain("Too many open files");
        } finally {
            silent.close();
            demo.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }
}
