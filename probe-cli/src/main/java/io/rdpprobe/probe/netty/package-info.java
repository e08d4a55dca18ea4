/**
 * The Netty driver of the probe. {@link io.rdpprobe.probe.netty.ProbeRunner} resolves and connects;
 * {@link io.rdpprobe.probe.netty.DriverHandler} sits at the tail of the pipeline and feeds the sans-IO
 * {@link io.rdpprobe.probe.connector.ProbeConnector}, with the event loop's ticker as its clock. Because
 * the driver only sees a byte stream, the same stages can run over a TCP socket or through an RD Gateway
 * tunnel: the tunnel's handlers (TLS, HTTP/WebSocket, RDG packet codec) go below the driver and hand it
 * the tunnelled bytes. Two TLS sessions can then share one pipeline; each
 * {@link io.rdpprobe.probe.netty.TlsLayer} has one handler name ({@code gw-tls} at the bottom,
 * {@code rdp-tls} just below the driver) and its events carry the layer:
 * <pre>
 *   head - [wire tap] - [gw-tls - http/ws - rdg] - rdp-tls - driver
 * </pre>
 */
package io.rdpprobe.probe.netty;
