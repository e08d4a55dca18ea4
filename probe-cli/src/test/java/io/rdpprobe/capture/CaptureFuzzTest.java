package io.rdpprobe.capture;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.rdpprobe.report.ReportJson;
import io.rdpprobe.report.TextRenderer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Jazzer targets for the capture side (issue 15): the pcap and pcapng readers and the analyser (TCP reassembly,
 * RDP, TLS and certificate decoding, reports) fed whole fuzzed captures, and fuzzed RDP conversations written as
 * valid captures so that the fuzzer reaches reassembly and the decoders behind it. Only the reader's own
 * {@link CaptureFormatException} may escape; every connection must get a report that renders as text, JSON
 * and a Zeek rdp.log line.
 */
class CaptureFuzzTest {
    static final TextRenderer TEXT = new TextRenderer(true);

    /** Reads and analyses the bytes as a capture file; returns the number of connections, or -1 if it was refused. */
    static int analyse(byte[] capture) {
        List<AnalyzedConnection> out = new ArrayList<>();
        CaptureAnalyzer a = new CaptureAnalyzer(out::add);
        try (CaptureReader r = CaptureReader.open(new ByteArrayInputStream(capture))) {
            String broken = null;
            try {
                RawPacket p;
                int n = 0;
                while ((p = r.next()) != null) {
                    a.accept(p);
                    if (++n > 100_000) {
                        throw new AssertionError("more packets than the capture has bytes for");
                    }
                }
            } catch (CaptureFormatException e) {
                if (e.kind() != CaptureFormatException.Kind.BROKEN) {
                    return -1;
                }
                broken = e.getMessage();
            }
            a.finish();
            a.summary(r.format(), r.position(), r.secrets().size(), r.truncation(), broken).linkTypeNotes();
        } catch (CaptureFormatException refused) {
            return -1;
        } catch (IOException e) {
            throw new AssertionError("an IOException other than CaptureFormatException from in-memory bytes", e);
        }
        for (AnalyzedConnection c : out) {
            if (c.report().verdict() == null || (c.udp() == null && c.report().stages().isEmpty())) {
                throw new AssertionError("a connection without a verdict: " + c.report());
            }
            TEXT.render(c.report());
            ReportJson.render(c.report());
            if (c.tcp() != null) {
                ZeekMapping.rdpLog(c.tcp());
            }
        }
        return out.size();
    }

    @FuzzTest
    void wholeCapture(byte[] capture) {
        analyse(capture);
    }

    /**
     * A port-3389 TCP conversation scripted from the input: a handshake, then segments in either direction
     * (fuzzed bytes, or a valid CR/CC/TLS record to get past the first stage), a segment size, and an optional FIN
     * or RST, written as a pcap or pcapng.
     */
    @FuzzTest
    void conversation(FuzzedDataProvider in) {
        byte[] capture = conversationCapture(in);
        if (analyse(capture) < 0) {
            throw new AssertionError("a capture written by CaptureWriter was refused");
        }
    }

    static byte[] conversationCapture(FuzzedDataProvider in) {
        boolean v6 = in.consumeBoolean();
        TcpConversation t = new TcpConversation(v6 ? TestCaptures.C6 : TestCaptures.C4, 50000,
                v6 ? TestCaptures.S6 : TestCaptures.S4, 3389, 1_700_000_000_000_000_000L, in.consumeInt(), in.consumeInt() & 0xFFFFFFFFL);
        t.mss(in.consumeInt(1, 1460));
        if (in.consumeBoolean()) {
            t.handshake();
        }
        int segments = in.consumeInt(0, 12);
        for (int i = 0; i < segments && in.remainingBytes() > 0; i++) {
            boolean client = in.consumeBoolean();
            byte[] data = switch (in.consumeInt(0, 5)) {
                case 0 -> TcpConversation.connectionRequest("fuzz", in.consumeInt(0, 15));
                case 1 -> TcpConversation.connectionConfirm(in.consumeInt(0, 8));
                case 2 -> TcpConversation.clientHelloRecord("rdp.example");
                case 3 -> TcpConversation.serverFlightRecord(0xC030, List.of());
                default -> in.consumeBytes(in.consumeInt(1, 4096));
            };
            if (data.length == 0) continue;
            if (client) t.client(data); else t.server(data);
        }
        switch (in.consumeInt(0, 3)) {
            case 0 -> t.fin(true).fin(false);
            case 1 -> t.rst(in.consumeBoolean());
            default -> { }
        }
        List<TcpConversation.Packet> packets = new ArrayList<>(t.packets());
        if (in.consumeBoolean() && packets.size() > 2) {
            Collections.swap(packets, in.consumeInt(0, packets.size() - 1), in.consumeInt(0, packets.size() - 1));
        }
        CaptureWriter.Format f = in.pickValue(CaptureWriter.Format.values());
        ByteOrder order = in.consumeBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CaptureWriter w = new CaptureWriter(bytes, f, order, 1)) {
            for (TcpConversation.Packet p : packets) {
                w.write(p.timestampNanos(), 1, FrameBuilder.link(1, p.ip(), 0));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
