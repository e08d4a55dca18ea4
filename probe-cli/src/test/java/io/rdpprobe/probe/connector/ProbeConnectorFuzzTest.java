package io.rdpprobe.probe.connector;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.report.ReportJson;
import java.util.Arrays;
import java.util.List;

/**
 * Jazzer target for the live path's first stage (issue 15): the sans-IO connector after TCP, fed the input as the
 * server's bytes in two reads (the split point and the requested protocols come from the first two bytes), then a
 * close, a reset or the deadline. Whatever the bytes, no exception may escape, the connector must be done, no stage
 * may blame PROBE_INTERNAL_ERROR, and the report must render as JSON.
 */
public class ProbeConnectorFuzzTest {
    private static final long T0 = 1_000_000_000L;
    private static final Integer[] REQUESTS = {ProbeSettings.DEFAULT_PROTOCOLS, 0, 1, 3, 11, null};

    @FuzzTest
    public void serverBytesAfterTcp(byte[] in) {
        if (in.length < 2) {
            return;
        }
        Integer protocols = REQUESTS[(in[0] & 0xFF) % REQUESTS.length];
        ProbeConnector c = new ProbeConnector(ProbeSettings.defaults().withProtocols(protocols).withTimeout(5000));
        c.dnsResolved("h", List.of("127.0.0.1"), true, 0);
        c.tcpConnected("127.0.0.1:1", "127.0.0.1:3389", 1);
        ByteBuf out = Unpooled.buffer();
        ByteBuf acc = Unpooled.buffer();
        try {
            c.onConnected(T0, out);
            byte[] bytes = Arrays.copyOfRange(in, 2, in.length);
            int split = bytes.length == 0 ? 0 : (in[1] & 0xFF) % (bytes.length + 1);
            long now = T0;
            Action a = Action.WAIT;
            for (byte[] chunk : new byte[][] {Arrays.copyOf(bytes, split), Arrays.copyOfRange(bytes, split, bytes.length)}) {
                if (c.isDone() || a != Action.WAIT) {
                    break;
                }
                acc.writeBytes(chunk);
                out.clear();
                a = c.onData(acc, now += 1_000_000, out);
            }
            if (!c.isDone() && a == Action.WAIT) {
                switch ((in[1] >> 6) & 3) {
                    case 0 -> c.onClosed(false, acc, now + 1_000_000);
                    case 1 -> c.onClosed(true, acc, now + 1_000_000);
                    default -> c.onDeadline(acc, c.deadlineNanos());
                }
                if (!c.isDone()) {
                    throw new AssertionError("not done after the close or deadline: " + c.stage());
                }
            }
            Report r = c.report("fuzz");
            for (StageResult s : r.stages()) {
                if (s.cause() != null && "PROBE_INTERNAL_ERROR".equals(s.cause().code())) {
                    throw new AssertionError("PROBE_INTERNAL_ERROR: " + s);
                }
            }
            if (ReportJson.write(ReportJson.toMap(r)).isEmpty()) {
                throw new AssertionError("empty JSON");
            }
        } finally {
            out.release();
            acc.release();
        }
    }
}
