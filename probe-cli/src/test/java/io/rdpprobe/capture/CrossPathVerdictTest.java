package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.probe.model.ClientError;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: one interpretation. Every connection of every capture in testdata/captures (and of the Zeek captures in
 * ../shared/pcaps/zeek when that folder is present) is read twice: by the capture analyser, and by the live
 * {@link io.rdpprobe.probe.connector.ProbeConnector} fed the same server units through its sans-IO API
 * ({@link LiveReplay}). Every stage the live path decided must have the same status, cause and mstsc code in the
 * capture's report, and when the live path saw the whole server side and failed, the capture's verdict is that
 * failure.
 */
class CrossPathVerdictTest {
    private static final Path LAB = Files.isDirectory(Path.of("../testdata/captures"))
            ? Path.of("../testdata/captures") : Path.of("testdata/captures");

    private static Path zeek() {
        Path shared = SharedFrames.root();
        Path z = shared == null ? null : shared.resolve("pcaps").resolve("zeek");
        return z != null && Files.isDirectory(z) ? z : null;
    }

    private static List<Path> captures(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng")).sorted().toList();
        }
    }

    private static String verdict(StageResult r) {
        ClientError ce = r.cause() == null ? null : r.cause().clientError();
        return r.stage() + " " + r.status() + " " + (r.cause() == null ? "-" : r.cause().code()) + " mstsc "
                + (ce == null ? "-" : String.format("0x%X", ce.code()) + (ce.extended() == null ? "" : String.format("/0x%X", ce.extended())));
    }

    /** Compares the two paths on one capture; returns how many stage verdicts were compared. */
    private static int compare(Path capture, SoftAssertions soft) throws IOException {
        return compare(capture, CaptureSecrets.Files.NONE, soft, new ArrayList<>());
    }

    private static int compare(Path capture, CaptureSecrets.Files secrets, SoftAssertions soft, List<Stage> stages)
            throws IOException {
        int compared = 0;
        List<AnalyzedConnection> all = new ArrayList<>();
        CaptureAnalyzer.analyze(capture, secrets, all::add, null);
        for (AnalyzedConnection a : all) {
            RdpConnection c = a.tcp();
            if (c == null || (c.x224() == null && c.ccError == null)) {
                continue; // no reply to a Connection Request: nothing for the live path to read
            }
            Report r = a.report();
            LiveReplay.Result live = LiveReplay.run(c, c.decryption != null && c.decryption.started());
            String where = capture.getFileName() + " " + c.client() + " -> " + c.server();
            for (StageResult l : live.stages()) {
                if (l.stage().ordinal() < Stage.X224.ordinal() || l.status() == Status.NOT_REACHED) {
                    continue;
                }
                StageResult mine = r.stages().stream().filter(s -> s.stage() == l.stage()).findFirst().orElseThrow();
                soft.assertThat(verdict(mine)).as(where + " stage " + l.stage()).isEqualTo(verdict(l));
                stages.add(l.stage());
                compared++;
            }
            StageResult failed = live.failure();
            if (live.followedToTheEnd() && failed != null) {
                StageResult first = r.stages().stream().filter(s -> s.status() == Status.FAILED).findFirst().orElse(null);
                soft.assertThat(first == null ? "none" : verdict(first)).as(where + " verdict").isEqualTo(verdict(failed));
                soft.assertThat(r.verdict().stage()).as(where + " verdict stage").isEqualTo(failed.stage());
                soft.assertThat(r.verdict().cause()).as(where + " verdict cause").isEqualTo(failed.cause().code());
            }
        }
        return compared;
    }

    @Test
    void labCapturesGetTheLiveVerdicts() throws IOException {
        SoftAssertions soft = new SoftAssertions();
        List<String> none = new ArrayList<>();
        for (Path p : captures(LAB)) {
            // an RD Gateway capture whose only connections are to the gateway (refused before the target) has no X.224
            // without its key log: GatewayCapturesTest reads those with the live GatewayReading
            if (compare(p, soft) == 0 && !p.getFileName().toString().startsWith("gateway-")) {
                none.add(p.getFileName().toString());
            }
        }
        soft.assertAll();
        assertThat(none).as("captures with no stage both paths decided").isEmpty();
    }

    /**
     * The lab captures that have key logs, decrypted: the session the server ran inside TLS (xrdp, SSL) reaches the
     * live path's session sequence as decrypted TPKT units, and both paths decide its stages the same way.
     */
    @Test
    void decryptedLabCapturesGetTheLiveVerdicts() throws IOException {
        SoftAssertions soft = new SoftAssertions();
        int compared = 0;
        for (Path p : captures(LAB)) {
            Path keys = Path.of(p.toString().replaceAll("\\.pcap(ng)?$", ".keys"));
            Path rsa = Path.of(p.toString().replaceAll("\\.pcap(ng)?$", ".key"));
            if (Files.exists(keys) || Files.exists(rsa)) {
                List<Stage> stages = new ArrayList<>();
                int n = compare(p, CaptureSecrets.load(Files.exists(keys) ? List.of(keys) : List.of(),
                        Files.exists(rsa) ? List.of(rsa) : List.of()), soft, stages);
                if (!p.getFileName().toString().startsWith("gateway-")) { // gateway-only refusals: GatewayCapturesTest
                    soft.assertThat(n).as(p.getFileName() + ": stages compared").isPositive();
                }
                if (p.getFileName().toString().startsWith("xrdp-tls")) {
                    // past TLS: the session stages both paths decided from the decrypted server units
                    soft.assertThat(stages).as(p.getFileName() + ": stages compared").contains(Stage.MCS, Stage.LICENSING, Stage.ACTIVATION);
                }
                compared += n;
            }
        }
        soft.assertAll();
        assertThat(compared).isGreaterThan(0);
    }

    @Test
    void zeekCapturesGetTheLiveVerdicts() throws IOException {
        Path z = zeek();
        assumeTrue(z != null, "../shared/pcaps/zeek is absent");
        SoftAssertions soft = new SoftAssertions();
        int compared = 0;
        for (Path p : captures(z)) {
            compared += compare(p, soft);
        }
        soft.assertAll();
        assertThat(compared).isGreaterThan(0);
    }
}
