package io.rdpprobe.capture;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Helpers that script RDP conversations and write them as capture files. */
final class TestCaptures {
    static final byte[] C4 = {10, 0, 0, 1};
    static final byte[] S4 = {10, 0, 0, 2};
    static final byte[] C6 = ip6(1);
    static final byte[] S6 = ip6(2);

    private TestCaptures() {}

    static byte[] ip6(int last) {
        byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0d;
        a[3] = (byte) 0xb8;
        a[15] = (byte) last;
        return a;
    }

    /** A TLS-selected RDP handshake: CR (cookie alice, SSL|HYBRID), CC (HYBRID), ClientHello, server flight, CCS both ways, data. */
    static TcpConversation tlsHandshake(byte[] c, byte[] s, int cport) {
        TcpConversation t = new TcpConversation(c, cport, s, 3389, 1_700_000_000_000_000_000L, 1000, 0xFFFFFF00L);
        t.handshake();
        t.client(TcpConversation.connectionRequest("alice", 3));
        t.server(TcpConversation.connectionConfirm(2));
        t.client(TcpConversation.clientHelloRecord("rdp.example"));
        t.server(TcpConversation.serverFlightRecord(0xC030, List.of()));
        t.client(TcpConversation.concat(TcpConversation.changeCipherSpec(), TcpConversation.applicationData(40)));
        t.server(TcpConversation.concat(TcpConversation.changeCipherSpec(), TcpConversation.applicationData(40)));
        for (int i = 0; i < 10; i++) {
            t.client(TcpConversation.applicationData(3000));
            t.server(TcpConversation.applicationData(200));
        }
        t.fin(true).fin(false);
        return t;
    }

    static Path write(Path file, CaptureWriter.Format f, ByteOrder order, int linkType, int vlans,
                      List<TcpConversation.Packet> packets) throws IOException {
        try (CaptureWriter w = new CaptureWriter(Files.newOutputStream(file), f, order, linkType)) {
            for (TcpConversation.Packet p : packets) {
                w.write(p.timestampNanos(), linkType, FrameBuilder.link(linkType, p.ip(), vlans));
            }
        }
        return file;
    }

    static List<AnalyzedConnection> analyze(Path file) throws IOException {
        return CaptureAnalyzer.analyzeAll(file);
    }
}
