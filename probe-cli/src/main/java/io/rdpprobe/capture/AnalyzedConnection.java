package io.rdpprobe.capture;

import io.rdpprobe.probe.model.Report;

/**
 * One RDP connection found in a capture: its stage report and the decoded values (for the Zeek mapping and tests).
 *
 * @param tcp the TCP connection (buffers already released), or null for an RDP-UDP flow
 * @param udp the RDP-UDP flow, or null for TCP
 */
public record AnalyzedConnection(Report report, RdpConnection tcp, RdpUdpFlow udp) {
    public long firstSeen() {
        return tcp != null ? tcp.firstSeen : udp.firstSeen;
    }
}
