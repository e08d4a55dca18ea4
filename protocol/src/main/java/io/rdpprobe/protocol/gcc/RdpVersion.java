package io.rdpprobe.protocol.gcc;

/** The RDP version constant of TS_UD_CS_CORE / TS_UD_SC_CORE (MS-RDPBCGR 2.2.1.3.2, 2.2.1.4.2). Open. */
public record RdpVersion(int value) {
    public static final RdpVersion RDP_4_0 = new RdpVersion(0x00080001);
    public static final RdpVersion RDP_5_0 = new RdpVersion(0x00080004);
    public static final RdpVersion RDP_10_0 = new RdpVersion(0x00080005);
    public static final RdpVersion RDP_10_7 = new RdpVersion(0x0008000C);
    public static final RdpVersion RDP_10_12 = new RdpVersion(0x00080011);

    /** "RDP 10.7", "RDP 5.0-8.1", or {@code UNKNOWN(0x........)}. */
    public String name() {
        return switch (value) {
            case 0x00080001 -> "RDP 4.0";
            case 0x00080004 -> "RDP 5.0-8.1";
            case 0x00080005 -> "RDP 10.0";
            case 0x00080006 -> "RDP 10.1";
            case 0x00080007 -> "RDP 10.2";
            case 0x00080008 -> "RDP 10.3";
            case 0x00080009 -> "RDP 10.4";
            case 0x0008000A -> "RDP 10.5";
            case 0x0008000B -> "RDP 10.6";
            case 0x0008000C -> "RDP 10.7";
            case 0x0008000D -> "RDP 10.8";
            case 0x0008000E -> "RDP 10.9";
            case 0x0008000F -> "RDP 10.10";
            case 0x00080010 -> "RDP 10.11";
            case 0x00080011 -> "RDP 10.12";
            default -> String.format("UNKNOWN(0x%08x)", value);
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
