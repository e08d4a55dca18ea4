package io.rdpprobe.capture;

import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.model.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An MS-RDPEUDP flow: the SYN (snSourceAck -1, uFlags SYN) and SYN+ACK datagrams (MS-RDPEUDP 3.1.5.1.1 / 3.1.5.1.3,
 * RDPUDP_FEC_HEADER 2.2.2.1 and RDPUDP_SYNDATA_PAYLOAD 2.2.2.5; all big-endian).
 */
public final class RdpUdpFlow {
    static final int SYN = 0x0001;
    static final int ACK = 0x0004;
    static final int SYNEX = 0x1000;

    final Endpoint client;
    final Endpoint server;
    final long firstSeen;
    long tSyn = -1;
    long tSynAck = -1;
    int synFlags;
    int synAckFlags;
    int synMtuUp;
    int synMtuDown;
    long datagrams;

    RdpUdpFlow(Endpoint client, Endpoint server, long ts) {
        this.client = client;
        this.server = server;
        this.firstSeen = ts;
    }

    /** Whether the datagram is an RDP-UDP SYN: snSourceAck 0xFFFFFFFF and SYN without ACK. */
    static boolean isSyn(byte[] d, int off, int len) {
        if (len < 16) return false;
        long ack = PacketDecoder.u32(d, off);
        int flags = PacketDecoder.u16(d, off + 6);
        return ack == 0xFFFFFFFFL && (flags & SYN) != 0 && (flags & ACK) == 0;
    }

    void onDatagram(boolean fromClient, byte[] d, int off, int len, long ts) {
        datagrams++;
        if (len < 16) return;
        int flags = PacketDecoder.u16(d, off + 6);
        if (fromClient && tSyn < 0 && (flags & SYN) != 0 && (flags & ACK) == 0) {
            tSyn = ts;
            synFlags = flags;
            synMtuUp = PacketDecoder.u16(d, off + 12);
            synMtuDown = PacketDecoder.u16(d, off + 14);
        } else if (!fromClient && tSynAck < 0 && (flags & (SYN | ACK)) == (SYN | ACK)) {
            tSynAck = ts;
            synAckFlags = flags;
        }
    }

    Report report() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("client", client.toString());
        m.put("server", server.toString());
        m.put("synAt", io.rdpprobe.report.IsoInstant.format(tSyn));
        m.put("synFlags", String.format("0x%04x", synFlags));
        m.put("upstreamMtu", synMtuUp);
        m.put("downstreamMtu", synMtuDown);
        if (tSynAck >= 0) {
            m.put("synAckAt", io.rdpprobe.report.IsoInstant.format(tSynAck));
            m.put("synAckFlags", String.format("0x%04x", synAckFlags));
            m.put("synex", (synAckFlags & SYNEX) != 0);
        }
        m.put("datagrams", datagrams);
        boolean ok = tSynAck >= 0;
        Verdict v = new Verdict(null, ok ? Status.OK : Status.NOT_REACHED, null,
                ok ? "RDP-UDP: the server answered the SYN with SYN+ACK" : "RDP-UDP: SYN without SYN+ACK in the capture",
                null, null, false);
        return new Report("udp " + client + " -> " + server, List.of(), v,
                List.of(new io.rdpprobe.probe.model.RdpUdpSection(m)));
    }
}
