package io.rdpprobe.protocol.rdg;

import java.util.ArrayList;
import java.util.List;

/** HTTP_EXTENDED_AUTH (MS-TSGU 2.2.5.3.2): the extended authentication of the handshake. */
public final class ExtendedAuth {
    private ExtendedAuth() {}

    public static final int NONE = 0x0;
    /** Smart card. */
    public static final int SC = 0x1;
    /** Pluggable authentication (PAA): a cookie in TUNNEL_CREATE, e.g. from RD Web single sign-on. */
    public static final int PAA = 0x2;
    /** NTLM inside EXTENDED_AUTH_MSG packets (3.3.5.3). */
    public static final int SSPI_NTLM = 0x4;

    /** "PAA|SSPI_NTLM", "NONE", or unknown bits in hex. */
    public static String names(int flags) {
        if (flags == 0) {
            return "NONE";
        }
        List<String> n = new ArrayList<>();
        if ((flags & SC) != 0) n.add("SC");
        if ((flags & PAA) != 0) n.add("PAA");
        if ((flags & SSPI_NTLM) != 0) n.add("SSPI_NTLM");
        int rest = flags & ~(SC | PAA | SSPI_NTLM);
        if (rest != 0) n.add(String.format("0x%x", rest));
        return String.join("|", n);
    }
}
