package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;

/**
 * One GCC user data block (MS-RDPBCGR 2.2.1.3.1 / 2.2.1.4.1, TS_UD_HEADER).
 *
 * <pre>
 * type (u16 LE) | length (u16 LE, includes these 4 bytes) | body
 * </pre>
 */
public interface GccBlock {
    int CS_CORE = 0xC001;
    int CS_SECURITY = 0xC002;
    int CS_NET = 0xC003;
    int CS_CLUSTER = 0xC004;
    int CS_MONITOR = 0xC005;
    int CS_MCS_MSGCHANNEL = 0xC006;
    int CS_MONITOR_EX = 0xC008;
    int CS_MULTITRANSPORT = 0xC00A;
    int CS_UNUSED1 = 0xC00C;
    int SC_CORE = 0x0C01;
    int SC_SECURITY = 0x0C02;
    int SC_NET = 0x0C03;
    int SC_MCS_MSGCHANNEL = 0x0C04;
    int SC_MULTITRANSPORT = 0x0C08;

    int HEADER_SIZE = 4;

    int type();

    /** Writes header and body. */
    void encode(ByteBuf buf);

    /** Header included. */
    int encodedLength();

    static String typeName(int type) {
        return switch (type) {
            case CS_CORE -> "CS_CORE";
            case CS_SECURITY -> "CS_SECURITY";
            case CS_NET -> "CS_NET";
            case CS_CLUSTER -> "CS_CLUSTER";
            case CS_MONITOR -> "CS_MONITOR";
            case CS_MCS_MSGCHANNEL -> "CS_MCS_MSGCHANNEL";
            case CS_MONITOR_EX -> "CS_MONITOR_EX";
            case CS_MULTITRANSPORT -> "CS_MULTITRANSPORT";
            case CS_UNUSED1 -> "CS_UNUSED1";
            case SC_CORE -> "SC_CORE";
            case SC_SECURITY -> "SC_SECURITY";
            case SC_NET -> "SC_NET";
            case SC_MCS_MSGCHANNEL -> "SC_MCS_MSGCHANNEL";
            case SC_MULTITRANSPORT -> "SC_MULTITRANSPORT";
            default -> String.format("UNKNOWN(0x%04x)", type);
        };
    }

    static void writeHeader(ByteBuf buf, int type, int length) {
        buf.writeShortLE(type).writeShortLE(length);
    }
}
