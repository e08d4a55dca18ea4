package io.rdpprobe.protocol.rdp;

import java.util.ArrayList;
import java.util.List;

/** TS_SECURITY_HEADER flags (MS-RDPBCGR 2.2.8.1.1.2.1). */
public final class SecurityFlags {
    private SecurityFlags() {}

    public static final int SEC_EXCHANGE_PKT = 0x0001;
    public static final int SEC_TRANSPORT_REQ = 0x0002;
    public static final int SEC_TRANSPORT_RSP = 0x0004;
    public static final int SEC_ENCRYPT = 0x0008;
    public static final int SEC_RESET_SEQNO = 0x0010;
    public static final int SEC_IGNORE_SEQNO = 0x0020;
    public static final int SEC_INFO_PKT = 0x0040;
    public static final int SEC_LICENSE_PKT = 0x0080;
    public static final int SEC_LICENSE_ENCRYPT = 0x0200;
    public static final int SEC_REDIRECTION_PKT = 0x0400;
    public static final int SEC_SECURE_CHECKSUM = 0x0800;
    public static final int SEC_AUTODETECT_REQ = 0x1000;
    public static final int SEC_AUTODETECT_RSP = 0x2000;
    public static final int SEC_HEARTBEAT = 0x4000;
    public static final int SEC_FLAGSHI_VALID = 0x8000;

    private static final String[] NAMES = {"SEC_EXCHANGE_PKT", "SEC_TRANSPORT_REQ", "SEC_TRANSPORT_RSP", "SEC_ENCRYPT",
        "SEC_RESET_SEQNO", "SEC_IGNORE_SEQNO", "SEC_INFO_PKT", "SEC_LICENSE_PKT", "0x0100", "SEC_LICENSE_ENCRYPT",
        "SEC_REDIRECTION_PKT", "SEC_SECURE_CHECKSUM", "SEC_AUTODETECT_REQ", "SEC_AUTODETECT_RSP", "SEC_HEARTBEAT",
        "SEC_FLAGSHI_VALID"};

    public static List<String> names(int flags) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            if ((flags & (1 << i)) != 0) out.add(NAMES[i]);
        }
        return out;
    }
}
