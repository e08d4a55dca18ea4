package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdpprobe.probe.model.CaptureSection;
import io.rdpprobe.report.ReportJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code analyze --threads N} ({@link ParallelAnalysis}): the merged stream of connections is the one-thread stream,
 * in the same order, with the same summary, however the connections fall into shards and in whatever order they close.
 */
class ParallelAnalysisTest {
    @TempDir
    Path dir;

    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_700_000_000L * SECOND;
    private static final byte[] SERVER = {10, 2, 0, 1};

    private static byte[] client(int i) {
        return new byte[] {10, 1, (byte) (i >> 8), (byte) i};
    }

    /** A TLS handshake with {@code exchanges} data exchanges, closed by both FINs or a client RST. */
    private static TcpConversation conversation(byte[] c, int port, long start, int exchanges, boolean rst) {
        TcpConversation t = new TcpConversation(c, port, SERVER, 3389, start, 1000 + port, 90_000 + port);
        t.handshake().client(TcpConversation.connectionRequest("user" + port, 3)).server(TcpConversation.connectionConfirm(1))
                .client(TcpConversation.clientHelloRecord("rdp.example"))
                .server(TcpConversation.serverFlightRecord(0xC030, List.of()));
        for (int i = 0; i < exchanges; i++) {
            t.client(TcpConversation.applicationData(200 + i)).server(TcpConversation.applicationData(100 + i));
        }
        return rst ? t.rst(true) : t.fin(true).fin(false);
    }

    /**
     * 24 client hosts (so several shards), the later ones shorter so that they close first; a reused 4-tuple (RST,
     * then a new SYN); a connection left open (closed out by the idle sweep at packet 65,536, which also releases the
     * held closed connections); 66,000 non-RDP datagrams that carry the capture clock past the idle limit; then more
     * connections after the sweep, and one left open at the end.
     */
    private Path scenario() throws IOException {
        List<TcpConversation.Packet> all = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            all.addAll(conversation(client(i), 50_000 + i, T0 + i * 1_000_000L, 30 - i, i % 5 == 0).packets());
        }
        all.addAll(conversation(client(3), 50_003, T0 + 2 * SECOND, 2, false).packets()); // reused 4-tuple, after its FINs
        TcpConversation open = new TcpConversation(client(40), 51_000, SERVER, 3389, T0 + 500_000L, 7, 8);
        open.handshake().client(TcpConversation.connectionRequest("idle", 3));
        all.addAll(open.packets());
        all.sort(Comparator.comparingLong(TcpConversation.Packet::timestampNanos));
        long t = T0 + 700 * SECOND;
        for (int i = 0; i < 66_000; i++) {
            all.add(new TcpConversation.Packet(t + i * 1000L, FrameBuilder.udp(new byte[] {10, 9, 0, (byte) i},
                    5353, new byte[] {10, 9, 1, 1}, 53, new byte[] {1, 2, 3, 4}), true, 4));
        }
        List<TcpConversation.Packet> after = new ArrayList<>();
        long t2 = t + 70 * SECOND;
        for (int i = 0; i < 6; i++) { // the last three start after the grace of the first three's close: expiry
            after.addAll(conversation(client(100 + i), 52_000 + i, t2 + (i < 3 ? 0 : 61 * SECOND) + i * 10_000L, 8 - i,
                    i == 2).packets());
        }
        TcpConversation last = new TcpConversation(client(120), 53_000, SERVER, 3389, t2 + 120 * SECOND, 1, 2);
        last.handshake().client(TcpConversation.connectionRequest("atTheEnd", 3));
        after.addAll(last.packets());
        after.sort(Comparator.comparingLong(TcpConversation.Packet::timestampNanos));
        all.addAll(after);
        return TestCaptures.write(dir.resolve("shards.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN,
                1, 0, all);
    }

    private record Run(List<AnalyzedConnection> connections, CaptureAnalyzer.Summary summary) {
        List<String> json() {
            return connections.stream().map(c -> ReportJson.render(c.report())).toList();
        }
    }

    private static Run run(Path f, int threads) throws IOException {
        List<AnalyzedConnection> out = new ArrayList<>();
        CaptureAnalyzer.Summary s = CaptureAnalyzer.analyze(f, CaptureSecrets.Files.NONE, out::add, null, threads);
        return new Run(out, s);
    }

    private static String target(AnalyzedConnection c) {
        return c.tcp().client() + ">" + c.tcp().server();
    }

    @Test
    void theMergedStreamIsTheOneThreadStream() throws IOException {
        Path f = scenario();
        Run one = run(f, 1);
        List<String> order = one.connections().stream().map(ParallelAnalysisTest::target).toList();
        // the scenario is worth something only if the close order is not the first-packet order, and the shards mix
        assertThat(one.connections()).hasSize(24 + 1 + 1 + 6 + 1);
        List<String> byFirstSeen = one.connections().stream().sorted(Comparator.comparingLong(AnalyzedConnection::firstSeen))
                .map(ParallelAnalysisTest::target).toList();
        assertThat(order).isNotEqualTo(byFirstSeen);
        Set<Integer> shards = one.connections().stream()
                .map(c -> Math.floorMod(CaptureAnalyzer.shardOf(packetOf(c), 2), 2)).collect(Collectors.toSet());
        assertThat(shards).containsExactlyInAnyOrder(0, 1);
        // the one-thread order itself: the idle connection is closed out by the sweep at packet 65,536, after the
        // held connections it releases there and before everything that starts after the datagrams
        int idle = order.indexOf("10.1.0.40:51000>10.2.0.1:3389");
        int firstAfter = order.indexOf("10.1.0.100:52000>10.2.0.1:3389");
        assertThat(idle).isEqualTo(25).isLessThan(firstAfter);
        assertThat(order.subList(0, 26)).doesNotContain("10.1.0.120:53000>10.2.0.1:3389");
        // the first three after the datagrams: expired in close order at the fourth's first packet, before it
        assertThat(order.subList(26, 29)).containsExactlyInAnyOrder("10.1.0.100:52000>10.2.0.1:3389",
                "10.1.0.101:52001>10.2.0.1:3389", "10.1.0.102:52002>10.2.0.1:3389");
        assertThat(order.subList(26, 29)).isNotEqualTo(byFirstSeen.subList(26, 29));
        assertThat(order.subList(29, 33)).containsExactly("10.1.0.103:52003>10.2.0.1:3389",
                "10.1.0.104:52004>10.2.0.1:3389", "10.1.0.105:52005>10.2.0.1:3389",
                "10.1.0.120:53000>10.2.0.1:3389"); // at the end, by first packet; the last one still open
        // the reused 4-tuple: two connections, the second one's cookie from its own Connection Request
        List<AnalyzedConnection> reused = one.connections().stream()
                .filter(c -> target(c).equals("10.1.0.3:50003>10.2.0.1:3389")).toList();
        assertThat(reused).hasSize(2);
        assertThat(reused.get(0).firstSeen()).isLessThan(reused.get(1).firstSeen());
        for (int threads : new int[] {2, 3, 4}) {
            Run n = run(f, threads);
            assertThat(n.json()).as(threads + " threads").containsExactlyElementsOf(one.json());
            assertThat(n.connections().stream().map(ParallelAnalysisTest::target).toList()).isEqualTo(order);
            assertThat(n.summary()).as(threads + " threads").isEqualTo(one.summary());
        }
        assertThat(one.summary().maxOpenConnections()).isGreaterThan(4); // several open at once, across shards
        assertThat(one.summary().notes()).isEmpty();
    }

    /** A decoded packet of the connection's 4-tuple, for its shard. */
    private static DecodedPacket packetOf(AnalyzedConnection c) {
        return new DecodedPacket(0, c.tcp().client(), c.tcp().server(), 6, 0, 0, 0, new byte[0], 0, 0);
    }

    @Test
    void theShardIsThePairOfAddressesWhicheverTheDirectionAndPorts() {
        Endpoint a = new Endpoint(client(7), 50_000);
        Endpoint b = new Endpoint(SERVER, 3389);
        for (int n = 2; n <= 5; n++) {
            int s = CaptureAnalyzer.shardOf(new DecodedPacket(0, a, b, 6, 0, 0, 0, new byte[0], 0, 0), n);
            assertThat(CaptureAnalyzer.shardOf(new DecodedPacket(0, b, a, 6, 0, 0, 0, new byte[0], 0, 0), n)).isEqualTo(s);
            assertThat(CaptureAnalyzer.shardOf(new DecodedPacket(0, new Endpoint(client(7), 61_000),
                    new Endpoint(SERVER, 443), 17, 0, 0, 0, new byte[0], 0, 0), n)).isEqualTo(s);
        }
    }

    @Test
    void anRdGatewaysInAndOutChannelsArePairedInAShard() throws IOException {
        Path dirCaptures = Files.isDirectory(Path.of("../testdata/captures")) ? Path.of("../testdata/captures")
                : Path.of("testdata/captures");
        String base = "gateway-http-shadow-nla-authonly";
        CaptureSecrets.Files keys = CaptureSecrets.load(List.of(dirCaptures.resolve(base + ".keys")), List.of());
        List<AnalyzedConnection> one = new ArrayList<>();
        CaptureAnalyzer.Summary s1 = CaptureAnalyzer.analyze(dirCaptures.resolve(base + ".pcap"), keys, one::add, null, 1);
        List<AnalyzedConnection> two = new ArrayList<>();
        CaptureAnalyzer.Summary s2 = CaptureAnalyzer.analyze(dirCaptures.resolve(base + ".pcap"), keys, two::add, null, 2);
        assertThat(two.stream().map(c -> ReportJson.render(c.report())).toList())
                .containsExactlyElementsOf(one.stream().map(c -> ReportJson.render(c.report())).toList());
        assertThat(s2).isEqualTo(s1);
        // the RDG_OUT_DATA connection reports its RDG_IN_DATA connection with it: two reports, not three
        assertThat(two).hasSize(2);
        AnalyzedConnection gw = two.stream().filter(c -> c.tcp().server().port() == GatewayCapturesTest.GATEWAY_PORT)
                .findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> g = (Map<String, Object>) gw.report().section(CaptureSection.class).orElseThrow().facts()
                .get("gateway");
        assertThat(g).containsEntry("transport", "http (RDG_OUT_DATA + RDG_IN_DATA)");
        assertThat(s2.tlsSecretsText()).isEqualTo(s1.tlsSecretsText()).isNotNull();
    }

    /** A reader of a real capture that fails after {@code after} packets (a disk error, or a bug of the analysis). */
    private static final class FailingReader extends CaptureReader {
        private final CaptureReader real;
        private final long after;
        private final boolean runtime;
        private long n;

        FailingReader(Path f, long after, boolean runtime) throws IOException {
            super(InputStream.nullInputStream());
            this.real = CaptureReader.open(f);
            this.after = after;
            this.runtime = runtime;
        }

        @Override
        public RawPacket next() throws IOException {
            if (n++ == after) {
                if (runtime) {
                    throw new IllegalStateException("the analysis broke at packet " + n);
                }
                throw new IOException("Input/output error at packet " + n);
            }
            return real.next();
        }

        @Override
        public String format() {
            return real.format();
        }

        @Override
        public long position() {
            return real.position();
        }

        @Override
        public void close() throws IOException {
            real.close();
        }
    }

    @Test
    void aReadErrorFailsTheRunAsInOneThreadAfterTheSameConnections() throws IOException {
        Path f = scenario();
        long at = 65_600; // after the sweep: connections were reported before it
        List<AnalyzedConnection> one = new ArrayList<>();
        assertThatThrownBy(() -> CaptureAnalyzer.analyze(new FailingReader(f, at, false), CaptureSecrets.Files.NONE,
                one::add, null)).isInstanceOf(IOException.class).hasMessage("Input/output error at packet 65601");
        assertThat(one).hasSize(26);
        List<AnalyzedConnection> two = new ArrayList<>();
        assertThatThrownBy(() -> ParallelAnalysis.analyze(w -> new FailingReader(f, at, false), CaptureSecrets.Files.NONE,
                two::add, null, 2)).isInstanceOf(IOException.class).hasMessage("Input/output error at packet 65601");
        assertThat(two.stream().map(c -> ReportJson.render(c.report())).toList())
                .containsExactlyElementsOf(one.stream().map(c -> ReportJson.render(c.report())).toList());
        assertNoWorkerLeft();
    }

    @Test
    void anExceptionInOneWorkerFailsTheRunWithItsMessageAndStopsTheOthers() throws IOException {
        Path f = scenario();
        List<AnalyzedConnection> got = new ArrayList<>();
        assertThatThrownBy(() -> ParallelAnalysis.analyze(w -> w == 1 ? new FailingReader(f, 100, true) : CaptureReader.open(f),
                CaptureSecrets.Files.NONE, got::add, null, 3))
                .isInstanceOf(IllegalStateException.class).hasMessage("the analysis broke at packet 101");
        // nothing is reported past the failing packet: the 24 first connections are still open there
        assertThat(got).isEmpty();
        assertNoWorkerLeft();
    }

    @Test
    void anExceptionInTheSinkStopsTheWorkers() throws IOException {
        Path f = scenario();
        assertThatThrownBy(() -> CaptureAnalyzer.analyze(f, CaptureSecrets.Files.NONE, c -> {
            throw new IllegalArgumentException("the output is gone");
        }, null, 2)).isInstanceOf(IllegalArgumentException.class).hasMessage("the output is gone");
        assertNoWorkerLeft();
    }

    private static void assertNoWorkerLeft() {
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("analyze-shard-"))
                .filter(Thread::isAlive).map(Thread::getName).toList()).isEmpty();
    }

    @Test
    void aTruncatedCaptureEndsAsInOneThread() throws IOException {
        Path f = scenario();
        byte[] b = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, java.util.Arrays.copyOf(b, b.length - 7));
        Run one = run(cut, 1);
        Run two = run(cut, 2);
        assertThat(one.summary().truncation()).startsWith("truncated at byte ");
        assertThat(two.summary()).isEqualTo(one.summary());
        assertThat(two.json()).containsExactlyElementsOf(one.json());
    }
}
