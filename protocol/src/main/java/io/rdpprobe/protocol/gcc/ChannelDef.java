package io.rdpprobe.protocol.gcc;

import java.util.ArrayList;
import java.util.List;

/** CHANNEL_DEF (MS-RDPBCGR 2.2.1.3.4.1): name[8] ASCII (7 chars + NUL), options u32. */
public record ChannelDef(String name, int options) {
    public static final int SIZE = 12;
    public static final int OPTION_INITIALIZED = 0x80000000;
    public static final int OPTION_ENCRYPT_RDP = 0x40000000;
    public static final int OPTION_ENCRYPT_SC = 0x20000000;
    public static final int OPTION_ENCRYPT_CS = 0x10000000;
    public static final int OPTION_PRI_HIGH = 0x08000000;
    public static final int OPTION_PRI_MED = 0x04000000;
    public static final int OPTION_PRI_LOW = 0x02000000;
    public static final int OPTION_COMPRESS_RDP = 0x00800000;
    public static final int OPTION_COMPRESS = 0x00400000;
    public static final int OPTION_SHOW_PROTOCOL = 0x00200000;
    public static final int OPTION_REMOTE_CONTROL_PERSISTENT = 0x00100000;

    private static final int[] BITS = {OPTION_INITIALIZED, OPTION_ENCRYPT_RDP, OPTION_ENCRYPT_SC, OPTION_ENCRYPT_CS,
        OPTION_PRI_HIGH, OPTION_PRI_MED, OPTION_PRI_LOW, OPTION_COMPRESS_RDP, OPTION_COMPRESS, OPTION_SHOW_PROTOCOL,
        OPTION_REMOTE_CONTROL_PERSISTENT};
    private static final String[] NAMES = {"CHANNEL_OPTION_INITIALIZED", "CHANNEL_OPTION_ENCRYPT_RDP",
        "CHANNEL_OPTION_ENCRYPT_SC", "CHANNEL_OPTION_ENCRYPT_CS", "CHANNEL_OPTION_PRI_HIGH", "CHANNEL_OPTION_PRI_MED",
        "CHANNEL_OPTION_PRI_LOW", "CHANNEL_OPTION_COMPRESS_RDP", "CHANNEL_OPTION_COMPRESS",
        "CHANNEL_OPTION_SHOW_PROTOCOL", "REMOTE_CONTROL_PERSISTENT"};

    public List<String> optionNames() {
        List<String> out = new ArrayList<>();
        int rest = options;
        for (int i = 0; i < BITS.length; i++) {
            if ((options & BITS[i]) != 0) {
                out.add(NAMES[i]);
                rest &= ~BITS[i];
            }
        }
        if (rest != 0) out.add(String.format("0x%08x", rest));
        return out;
    }
}
