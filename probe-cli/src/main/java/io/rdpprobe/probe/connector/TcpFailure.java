package io.rdpprobe.probe.connector;

/**
 * How a TCP connect failed, as the driver classified the socket error. What Linux returns was measured in a network
 * namespace (nftables rules on the server side, see NetnsPathTest):
 * <ul>
 *   <li>{@link #REFUSED} ECONNREFUSED: a TCP RST (nothing listens, or {@code reject with tcp reset}), and also ICMP
 *       port-unreachable;</li>
 *   <li>{@link #HOST_UNREACHABLE} EHOSTUNREACH: ICMP host-unreachable or admin-prohibited (a firewall's
 *       {@code reject with icmp type admin-prohibited}) within one RTT, or no ARP/neighbour answer for a host on the
 *       local subnet after about 3 s (the kernel's own error);</li>
 *   <li>{@link #NET_UNREACHABLE} ENETUNREACH: no route (local), or ICMP net-unreachable;</li>
 *   <li>{@link #TIMEOUT}: silence until the deadline ({@code drop}, or a host that is down behind a router).</li>
 * </ul>
 */
public enum TcpFailure {
    REFUSED,
    TIMEOUT,
    HOST_UNREACHABLE,
    NET_UNREACHABLE,
    OTHER
}
