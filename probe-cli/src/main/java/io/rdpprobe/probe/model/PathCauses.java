package io.rdpprobe.probe.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Causes for the network path, measured by the TCP stage from the kernel's TCP_INFO (and {@code --rtt}). The
 * thresholds are the ones Microsoft's RDP troubleshooting guidance gives administrators: jitter above 15 ms, any
 * packet loss, and an MTU small enough that large RDP packets fragment or vanish (below 1,400 bytes).
 * The TCP stage carries them as warnings ({@code pathFindings} in its evidence); the connection itself may still work.
 */
public final class PathCauses {
    private PathCauses() {}

    private static final Map<String, Cause> ALL = new LinkedHashMap<>();

    /** Jitter above this (ms) is PATH_JITTER. */
    public static final double JITTER_LIMIT_MS = 15.0;
    /** An MSS or path MTU below this (bytes) is PATH_MTU. */
    public static final long MTU_LIMIT = 1400;

    private static Cause def(String code, String title, String remedy, ClientError ce) {
        Cause c = new Cause(code, title, remedy, ce);
        ALL.put(code, c);
        return c;
    }

    public static final Cause PATH_LOSS = def("PATH_LOSS",
            "packets were lost on the path: the kernel retransmitted during the handshake",
            "find the lossy hop (mtr/pathping to the host, interface error counters, Wi-Fi, a saturated VPN or uplink); "
                    + "RDP sessions on a lossy path drop with 'the connection was lost' (0x904)", ClientError.of(0x904));
    public static final Cause PATH_MTU = def("PATH_MTU",
            "the path's MTU is small (MSS or PMTU below 1,400 bytes) or the server's large flight never arrived: "
                    + "large RDP packets are fragmented or dropped",
            "check the MTU of VPN/tunnel interfaces and that ICMP 'fragmentation needed' is not blocked; clamp the TCP MSS "
                    + "on the tunnel (e.g. 1360) or lower the client's MTU (netsh interface ipv4 set subinterface ... mtu=1400)",
            ClientError.of(0x108));
    public static final Cause PATH_JITTER = def("PATH_JITTER",
            "the round-trip time varies by more than 15 ms between TCP handshakes (jitter)",
            "look for a congested link, a busy VPN concentrator or Wi-Fi; QoS for TCP/UDP 3389; RDP over UDP "
                    + "(RDP-UDP) copes better with jitter than TCP alone", null);

    /** Every path cause, by code. */
    public static Map<String, Cause> all() {
        return java.util.Collections.unmodifiableMap(ALL);
    }
}
