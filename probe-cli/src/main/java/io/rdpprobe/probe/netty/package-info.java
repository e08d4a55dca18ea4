/**
 * The Netty driver of the probe. {@link io.rdpprobe.probe.netty.ProbeRunner} resolves and connects;
 * {@link io.rdpprobe.probe.netty.DriverHandler} sits at the tail of the pipeline and feeds the sans-IO
 * {@link io.rdpprobe.probe.connector.ProbeConnector}. Because the driver only sees a byte stream, the
 * same stages can run over a TCP socket or, later, through an RD Gateway tunnel: the tunnel's handlers
 * (TLS, HTTP/WebSocket, RDG packet codec) go below the driver and hand it the tunnelled bytes.
 */
package io.rdpprobe.probe.netty;
