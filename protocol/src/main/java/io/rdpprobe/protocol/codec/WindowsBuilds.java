package io.rdpprobe.protocol.codec;

import java.util.Optional;

/**
 * Windows release names by build number: the one table behind the NTLM VERSION name (MS-NLMP 2.2.2.10) and the
 * clientBuild of TS_UD_CS_CORE (MS-RDPBCGR 2.2.1.3.2). Builds that several releases share get one joint name.
 */
public final class WindowsBuilds {
    private WindowsBuilds() {}

    public static Optional<String> name(long build) {
        String n = switch ((int) build) {
            case 2195 -> "Windows 2000";
            case 2600 -> "Windows XP";
            case 3790 -> "Windows XP x64 / Server 2003";
            case 6000, 6001, 6002, 6003 -> "Windows Vista / Server 2008";
            case 7600, 7601 -> "Windows 7 / Server 2008 R2";
            case 9200 -> "Windows 8 / Server 2012";
            case 9600 -> "Windows 8.1 / Server 2012 R2";
            case 10240 -> "Windows 10 1507";
            case 10586 -> "Windows 10 1511";
            case 14393 -> "Windows 10 1607 / Server 2016";
            case 15063 -> "Windows 10 1703";
            case 16299 -> "Windows 10 1709";
            case 17134 -> "Windows 10 1803";
            case 17763 -> "Windows 10 1809 / Server 2019";
            case 18362, 18363 -> "Windows 10 1903-1909";
            case 19041, 19042, 19043, 19044, 19045 -> "Windows 10 2004-22H2";
            case 20348 -> "Windows Server 2022";
            case 22000 -> "Windows 11 21H2";
            case 22621 -> "Windows 11 22H2";
            case 22631 -> "Windows 11 23H2";
            case 26100 -> "Windows 11 24H2 / Server 2025";
            default -> null;
        };
        return build < 0 || build > 0xFFFFFFFFL ? Optional.empty() : Optional.ofNullable(n);
    }

    /** {@code "Windows XP (build 2600)"}, or {@code "unknown (build 1234)"}: what a client's build claims. */
    public static String describe(long build) {
        return name(build).orElse("unknown") + " (build " + build + ")";
    }
}
