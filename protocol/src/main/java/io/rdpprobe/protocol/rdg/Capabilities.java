package io.rdpprobe.protocol.rdg;

import java.util.ArrayList;
import java.util.List;

/** HTTP_CAPABILITY_TYPE (MS-TSGU 2.2.5.3.9) and HTTP_TUNNEL_REDIR_FLAGS (2.2.5.3.7). */
public final class Capabilities {
    private Capabilities() {}

    public static final long QUAR_SOH = 0x01;
    public static final long IDLE_TIMEOUT = 0x02;
    public static final long MESSAGING_CONSENT_SIGN = 0x04;
    public static final long MESSAGING_SERVICE_MSG = 0x08;
    public static final long REAUTH = 0x10;
    public static final long UDP_TRANSPORT = 0x20;

    public static String names(long caps) {
        List<String> n = new ArrayList<>();
        if ((caps & QUAR_SOH) != 0) n.add("QUAR_SOH");
        if ((caps & IDLE_TIMEOUT) != 0) n.add("IDLE_TIMEOUT");
        if ((caps & MESSAGING_CONSENT_SIGN) != 0) n.add("MESSAGING_CONSENT_SIGN");
        if ((caps & MESSAGING_SERVICE_MSG) != 0) n.add("MESSAGING_SERVICE_MSG");
        if ((caps & REAUTH) != 0) n.add("REAUTH");
        if ((caps & UDP_TRANSPORT) != 0) n.add("UDP_TRANSPORT");
        long rest = caps & ~0x3FL;
        if (rest != 0) n.add(String.format("0x%x", rest));
        return n.isEmpty() ? "none" : String.join("|", n);
    }

    public static String redirectionNames(long flags) {
        List<String> n = new ArrayList<>();
        if ((flags & 0x80000000L) != 0) n.add("ENABLE_ALL");
        if ((flags & 0x40000000L) != 0) n.add("DISABLE_ALL");
        if ((flags & 0x1) != 0) n.add("DISABLE_DRIVE");
        if ((flags & 0x2) != 0) n.add("DISABLE_PRINTER");
        if ((flags & 0x4) != 0) n.add("DISABLE_PORT");
        if ((flags & 0x8) != 0) n.add("DISABLE_CLIPBOARD");
        if ((flags & 0x10) != 0) n.add("DISABLE_PNP");
        long rest = flags & ~0xC000001FL;
        if (rest != 0) n.add(String.format("0x%x", rest));
        return n.isEmpty() ? "none" : String.join("|", n);
    }
}
