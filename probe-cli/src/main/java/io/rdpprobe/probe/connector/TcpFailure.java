package io.rdpprobe.probe.connector;

/** How a TCP connect failed, as the driver classified the socket error. */
public enum TcpFailure {
    REFUSED,
    TIMEOUT,
    UNREACHABLE,
    OTHER
}
