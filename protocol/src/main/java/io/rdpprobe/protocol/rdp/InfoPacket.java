package io.rdpprobe.protocol.rdp;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * TS_INFO_PACKET (MS-RDPBCGR 2.2.1.11.1.1), the body of the Client Info PDU (after a basic security header
 * with SEC_INFO_PKT).
 *
 * <pre>
 * CodePage u32 | flags u32 | cbDomain u16 | cbUserName u16 | cbPassword u16 | cbAlternateShell u16 |
 * cbWorkingDir u16 | Domain | UserName | Password | AlternateShell | WorkingDir | [extraInfo]
 * </pre>
 * Each cb* excludes the mandatory NUL terminator (2 bytes with INFO_UNICODE, else 1). {@link #toString()}
 * never prints the password.
 *
 * @param extended TS_EXTENDED_INFO_PACKET, or null when absent (RDP 4.0)
 */
public record InfoPacket(int codePage, int flags, String domain, String userName, String password,
                         String alternateShell, String workingDir, ExtendedInfo extended) {
    public static final int INFO_MOUSE = 0x00000001;
    public static final int INFO_DISABLECTRLALTDEL = 0x00000002;
    public static final int INFO_AUTOLOGON = 0x00000008;
    public static final int INFO_UNICODE = 0x00000010;
    public static final int INFO_MAXIMIZESHELL = 0x00000020;
    public static final int INFO_LOGONNOTIFY = 0x00000040;
    public static final int INFO_COMPRESSION = 0x00000080;
    public static final int INFO_ENABLEWINDOWSKEY = 0x00000100;
    public static final int INFO_REMOTECONSOLEAUDIO = 0x00002000;
    public static final int INFO_FORCE_ENCRYPTED_CS_PDU = 0x00004000;
    public static final int INFO_RAIL = 0x00008000;
    public static final int INFO_LOGONERRORS = 0x00010000;
    public static final int INFO_MOUSE_HAS_WHEEL = 0x00020000;
    public static final int INFO_PASSWORD_IS_SC_PIN = 0x00040000;
    public static final int INFO_NOAUDIOPLAYBACK = 0x00080000;
    public static final int INFO_USING_SAVED_CREDS = 0x00100000;
    public static final int INFO_AUDIOCAPTURE = 0x00200000;
    public static final int INFO_VIDEO_DISABLE = 0x00400000;
    public static final int INFO_HIDEF_RAIL_SUPPORTED = 0x02000000;

    /** Flags of an empty logon (no credentials): the server shows its logon screen. */
    public static final int EMPTY_LOGON_FLAGS = INFO_MOUSE | INFO_DISABLECTRLALTDEL | INFO_UNICODE | INFO_MAXIMIZESHELL
            | INFO_LOGONNOTIFY | INFO_ENABLEWINDOWSKEY | INFO_LOGONERRORS | INFO_MOUSE_HAS_WHEEL | INFO_NOAUDIOPLAYBACK;
    public static final int MAX_FIELD = 512;

    /**
     * TS_EXTENDED_INFO_PACKET (2.2.1.11.1.1.1) up to the auto-reconnect cookie; later optional fields are kept raw.
     *
     * @param tail reserved1/2, dynamic DST key name and flag, raw
     */
    public record ExtendedInfo(int addressFamily, String clientAddress, String clientDir, byte[] timeZone,
                               int clientSessionId, int performanceFlags, byte[] autoReconnectCookie, byte[] tail) {
        public static final int AF_INET = 0x0002;
        public static final int AF_INET6 = 0x0017;
        public static final int TIME_ZONE_SIZE = 172;

        public static ExtendedInfo of(String clientAddress, String clientDir, int performanceFlags) {
            return new ExtendedInfo(AF_INET, clientAddress, clientDir, new byte[TIME_ZONE_SIZE], 0, performanceFlags,
                    new byte[0], new byte[0]);
        }
    }

    /** An empty logon: no user, no password (what a probe without credentials sends). */
    public static InfoPacket emptyLogon() {
        return new InfoPacket(0, EMPTY_LOGON_FLAGS, "", "", "", "", "",
                ExtendedInfo.of("0.0.0.0", "C:\\Windows\\System32\\mstscax.dll", 0));
    }

    public boolean unicode() {
        return (flags & INFO_UNICODE) != 0;
    }

    public static InfoPacket decode(ByteBuf buf) {
        int cp = Wire.i32le(buf, Layer.SECURITY, "TS_INFO_PACKET.CodePage");
        int flags = Wire.i32le(buf, Layer.SECURITY, "TS_INFO_PACKET.flags");
        boolean uni = (flags & INFO_UNICODE) != 0;
        int[] cb = new int[5];
        String[] names = {"Domain", "UserName", "Password", "AlternateShell", "WorkingDir"};
        for (int i = 0; i < 5; i++) {
            int at = buf.readerIndex();
            cb[i] = Wire.u16le(buf, Layer.SECURITY, "TS_INFO_PACKET.cb" + names[i]);
            Wire.checkLength(cb[i], 0, MAX_FIELD, Layer.SECURITY, "TS_INFO_PACKET.cb" + names[i], at);
        }
        String[] v = new String[5];
        for (int i = 0; i < 5; i++) {
            v[i] = readString(buf, cb[i] + (uni ? 2 : 1), uni, "TS_INFO_PACKET." + names[i]);
        }
        ExtendedInfo ext = null;
        if (buf.isReadable()) {
            int af = Wire.u16le(buf, Layer.SECURITY, "TS_EXTENDED_INFO_PACKET.clientAddressFamily");
            int at = buf.readerIndex();
            int cbAddr = Wire.u16le(buf, Layer.SECURITY, "TS_EXTENDED_INFO_PACKET.cbClientAddress");
            Wire.checkLength(cbAddr, 0, 80, Layer.SECURITY, "TS_EXTENDED_INFO_PACKET.cbClientAddress", at);
            String addr = readString(buf, cbAddr, true, "TS_EXTENDED_INFO_PACKET.clientAddress");
            at = buf.readerIndex();
            int cbDir = Wire.u16le(buf, Layer.SECURITY, "TS_EXTENDED_INFO_PACKET.cbClientDir");
            Wire.checkLength(cbDir, 0, MAX_FIELD, Layer.SECURITY, "TS_EXTENDED_INFO_PACKET.cbClientDir", at);
            String dir = readString(buf, cbDir, true, "TS_EXTENDED_INFO_PACKET.clientDir");
            byte[] tz = Wire.bytes(buf, ExtendedInfo.TIME_ZONE_SIZE, Layer.SECURITY, "TS_EXTENDED_INFO_PACKET.clientTimeZone");
            int sid = Wire.i32le(buf, Layer.SECURITY, "TS_EXTENDED_INFO_PACKET.clientSessionId");
            int perf = Wire.i32le(buf, Layer.SECURITY, "TS_EXTENDED_INFO_PACKET.performanceFlags");
            at = buf.readerIndex();
            int cbCookie = Wire.u16le(buf, Layer.SECURITY, "TS_EXTENDED_INFO_PACKET.cbAutoReconnectCookie");
            Wire.checkLength(cbCookie, 0, 128, Layer.SECURITY, "TS_EXTENDED_INFO_PACKET.cbAutoReconnectCookie", at);
            byte[] cookie = Wire.bytes(buf, cbCookie, Layer.SECURITY, "TS_EXTENDED_INFO_PACKET.autoReconnectCookie");
            byte[] tail = new byte[buf.readableBytes()];
            buf.readBytes(tail);
            ext = new ExtendedInfo(af, addr, dir, tz, sid, perf, cookie, tail);
        }
        return new InfoPacket(cp, flags, v[0], v[1], v[2], v[3], v[4], ext);
    }

    private static String readString(ByteBuf buf, int n, boolean uni, String field) {
        if (n == 0) return "";
        if (uni) {
            if ((n & 1) != 0) {
                throw DecodeException.badLength(Layer.SECURITY, field, buf.readerIndex(), "odd UTF-16 length " + n);
            }
            return Wire.utf16z(buf, n, Layer.SECURITY, field);
        }
        return Wire.asciiz(buf, n, Layer.SECURITY, field);
    }

    private Charset charset() {
        return unicode() ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1;
    }

    private int nul() {
        return unicode() ? 2 : 1;
    }

    public void encode(ByteBuf buf) {
        buf.writeIntLE(codePage).writeIntLE(flags);
        String[] v = {domain, userName, password, alternateShell, workingDir};
        byte[][] b = new byte[5][];
        for (int i = 0; i < 5; i++) {
            b[i] = (v[i] == null ? "" : v[i]).getBytes(charset());
            buf.writeShortLE(b[i].length);
        }
        for (int i = 0; i < 5; i++) {
            buf.writeBytes(b[i]).writeZero(nul());
        }
        if (extended != null) {
            byte[] addr = extended.clientAddress().getBytes(StandardCharsets.UTF_16LE);
            byte[] dir = extended.clientDir().getBytes(StandardCharsets.UTF_16LE);
            buf.writeShortLE(extended.addressFamily());
            buf.writeShortLE(addr.length + 2).writeBytes(addr).writeZero(2);
            buf.writeShortLE(dir.length + 2).writeBytes(dir).writeZero(2);
            buf.writeBytes(extended.timeZone());
            buf.writeIntLE(extended.clientSessionId()).writeIntLE(extended.performanceFlags());
            buf.writeShortLE(extended.autoReconnectCookie().length).writeBytes(extended.autoReconnectCookie());
            buf.writeBytes(extended.tail());
        }
    }

    public int encodedLength() {
        int n = 18;
        for (String s : new String[] {domain, userName, password, alternateShell, workingDir}) {
            n += (s == null ? "" : s).getBytes(charset()).length + nul();
        }
        if (extended != null) {
            n += 2 + 2 + extended.clientAddress().length() * 2 + 2 + 2 + extended.clientDir().length() * 2 + 2
                    + extended.timeZone().length + 8 + 2 + extended.autoReconnectCookie().length + extended.tail().length;
        }
        return n;
    }

    public List<String> flagNames() {
        String[] names = {"INFO_MOUSE", "INFO_DISABLECTRLALTDEL", "0x4", "INFO_AUTOLOGON", "INFO_UNICODE",
            "INFO_MAXIMIZESHELL", "INFO_LOGONNOTIFY", "INFO_COMPRESSION", "INFO_ENABLEWINDOWSKEY", "0x200", "0x400",
            "0x800", "0x1000", "INFO_REMOTECONSOLEAUDIO", "INFO_FORCE_ENCRYPTED_CS_PDU", "INFO_RAIL", "INFO_LOGONERRORS",
            "INFO_MOUSE_HAS_WHEEL", "INFO_PASSWORD_IS_SC_PIN", "INFO_NOAUDIOPLAYBACK", "INFO_USING_SAVED_CREDS",
            "INFO_AUDIOCAPTURE", "INFO_VIDEO_DISABLE", "0x800000", "0x1000000", "INFO_HIDEF_RAIL_SUPPORTED"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            if ((flags & (1 << i)) != 0) out.add(i < names.length ? names[i] : String.format("0x%x", 1 << i));
        }
        return out;
    }

    @Override
    public String toString() {
        return "InfoPacket[flags=" + String.join("|", flagNames()) + ", domain=" + domain + ", user=" + userName
                + ", password=" + (password == null || password.isEmpty() ? "(none)" : "(redacted)") + "]";
    }
}
