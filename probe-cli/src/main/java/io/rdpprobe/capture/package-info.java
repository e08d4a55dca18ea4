/**
 * The capture analyser behind {@code rdp-probe analyze}: a streaming pcap/pcapng reader ({@link
 * io.rdpprobe.capture.CaptureReader}), link/IP/TCP decoding ({@link io.rdpprobe.capture.PacketDecoder}), per-direction
 * TCP reassembly that reports capture gaps instead of guessing ({@link io.rdpprobe.capture.TcpStream}), RDP detection
 * by the X.224 Connection Request on any port, per-connection decoding of what is in clear ({@link
 * io.rdpprobe.capture.RdpConnection}: X.224, the TLS handshake, MCS/GCC and early PDUs of Standard RDP Security), and
 * the same stage {@link io.rdpprobe.probe.model.Report} the live probe produces ({@link
 * io.rdpprobe.capture.CaptureAnalyzer}). {@link io.rdpprobe.capture.ZeekMapping} speaks Zeek's rdp.log vocabulary for
 * cross-checks. Memory is bounded by the connections open at once, not by the file size.
 */
package io.rdpprobe.capture;
