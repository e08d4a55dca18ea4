package io.rdpprobe.protocol.ntlm;

import java.util.ArrayList;
import java.util.List;

/**
 * NTLM NegotiateFlags (MS-NLMP 2.2.2.5). Open: the raw 32-bit value is kept, unknown bits print as hex.
 *
 * <pre>
 * bit 31                                                    bit 0
 * W V U r1 r2 r3 T r4 S R r5 Q P O N r6 M r7 L K J r8 H r9 G F E D r10 C B A
 * </pre>
 */
public record NegotiateFlags(int value) {
    public static final int NEGOTIATE_UNICODE = 0x00000001;
    public static final int NEGOTIATE_OEM = 0x00000002;
    public static final int REQUEST_TARGET = 0x00000004;
    public static final int NEGOTIATE_SIGN = 0x00000010;
    public static final int NEGOTIATE_SEAL = 0x00000020;
    public static final int NEGOTIATE_DATAGRAM = 0x00000040;
    public static final int NEGOTIATE_LM_KEY = 0x00000080;
    public static final int NEGOTIATE_NTLM = 0x00000200;
    public static final int NEGOTIATE_ANONYMOUS = 0x00000800;
    public static final int NEGOTIATE_OEM_DOMAIN_SUPPLIED = 0x00001000;
    public static final int NEGOTIATE_OEM_WORKSTATION_SUPPLIED = 0x00002000;
    public static final int NEGOTIATE_ALWAYS_SIGN = 0x00008000;
    public static final int TARGET_TYPE_DOMAIN = 0x00010000;
    public static final int TARGET_TYPE_SERVER = 0x00020000;
    public static final int NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x00080000;
    public static final int NEGOTIATE_IDENTIFY = 0x00100000;
    public static final int REQUEST_NON_NT_SESSION_KEY = 0x00400000;
    public static final int NEGOTIATE_TARGET_INFO = 0x00800000;
    public static final int NEGOTIATE_VERSION = 0x02000000;
    public static final int NEGOTIATE_128 = 0x20000000;
    public static final int NEGOTIATE_KEY_EXCH = 0x40000000;
    public static final int NEGOTIATE_56 = 0x80000000;

    /**
     * What a CredSSP client asks for (protocol-notes 5.4): UNICODE|REQUEST_TARGET|SIGN|SEAL|NTLM|ALWAYS_SIGN|
     * EXTENDED_SESSIONSECURITY|VERSION|128|KEY_EXCH|56 = 0xE2088235.
     */
    public static final NegotiateFlags CREDSSP_CLIENT = new NegotiateFlags(0xE2088235);

    private static final int[] BITS = {
        NEGOTIATE_UNICODE, NEGOTIATE_OEM, REQUEST_TARGET, NEGOTIATE_SIGN, NEGOTIATE_SEAL, NEGOTIATE_DATAGRAM,
        NEGOTIATE_LM_KEY, NEGOTIATE_NTLM, NEGOTIATE_ANONYMOUS, NEGOTIATE_OEM_DOMAIN_SUPPLIED,
        NEGOTIATE_OEM_WORKSTATION_SUPPLIED, NEGOTIATE_ALWAYS_SIGN, TARGET_TYPE_DOMAIN, TARGET_TYPE_SERVER,
        NEGOTIATE_EXTENDED_SESSIONSECURITY, NEGOTIATE_IDENTIFY, REQUEST_NON_NT_SESSION_KEY, NEGOTIATE_TARGET_INFO,
        NEGOTIATE_VERSION, NEGOTIATE_128, NEGOTIATE_KEY_EXCH, NEGOTIATE_56
    };
    private static final String[] NAMES = {
        "NEGOTIATE_UNICODE", "NEGOTIATE_OEM", "REQUEST_TARGET", "NEGOTIATE_SIGN", "NEGOTIATE_SEAL", "NEGOTIATE_DATAGRAM",
        "NEGOTIATE_LM_KEY", "NEGOTIATE_NTLM", "NEGOTIATE_ANONYMOUS", "NEGOTIATE_OEM_DOMAIN_SUPPLIED",
        "NEGOTIATE_OEM_WORKSTATION_SUPPLIED", "NEGOTIATE_ALWAYS_SIGN", "TARGET_TYPE_DOMAIN", "TARGET_TYPE_SERVER",
        "NEGOTIATE_EXTENDED_SESSIONSECURITY", "NEGOTIATE_IDENTIFY", "REQUEST_NON_NT_SESSION_KEY", "NEGOTIATE_TARGET_INFO",
        "NEGOTIATE_VERSION", "NEGOTIATE_128", "NEGOTIATE_KEY_EXCH", "NEGOTIATE_56"
    };

    public boolean has(int bit) {
        return (value & bit) == bit;
    }

    public NegotiateFlags with(int bits) {
        return new NegotiateFlags(value | bits);
    }

    public NegotiateFlags without(int bits) {
        return new NegotiateFlags(value & ~bits);
    }

    public boolean unicode() {
        return has(NEGOTIATE_UNICODE);
    }

    /** Names of the set bits, low bit first; unknown (reserved) bits as one {@code 0x..} entry. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        int rest = value;
        for (int i = 0; i < BITS.length; i++) {
            if ((value & BITS[i]) != 0) {
                out.add(NAMES[i]);
                rest &= ~BITS[i];
            }
        }
        if (rest != 0) {
            out.add(String.format("0x%08x", rest));
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format("0x%08x %s", value, String.join("|", names()));
    }
}
