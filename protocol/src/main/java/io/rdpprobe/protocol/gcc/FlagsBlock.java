package io.rdpprobe.protocol.gcc;

import java.util.ArrayList;
import java.util.List;

/** Shared names for the TRANSPORT_TYPE_* flags of the multitransport blocks (2.2.1.3.8, 2.2.1.4.6). */
final class FlagsBlock {
    private FlagsBlock() {}

    static List<String> transportNames(int flags) {
        List<String> out = new ArrayList<>();
        if ((flags & 0x001) != 0) out.add("TRANSPORT_TYPE_UDP_FECR");
        if ((flags & 0x004) != 0) out.add("TRANSPORT_TYPE_UDP_FECL");
        if ((flags & 0x100) != 0) out.add("TRANSPORT_TYPE_UDP_PREFERRED");
        if ((flags & 0x200) != 0) out.add("SOFTSYNC_TCP_TO_UDP");
        int rest = flags & ~0x305;
        if (rest != 0) out.add(String.format("0x%08x", rest));
        return out;
    }
}
