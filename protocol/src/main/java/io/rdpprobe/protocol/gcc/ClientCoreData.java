package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * TS_UD_CS_CORE (MS-RDPBCGR 2.2.1.3.2). Offsets from the start of the block:
 *
 * <pre>
 *   0 header (C001, len)   4 version        8 desktopWidth  10 desktopHeight  12 colorDepth  14 SASSequence
 *  16 keyboardLayout      20 clientBuild   24 clientName[32] UTF-16           56 keyboardType
 *  60 keyboardSubType     64 keyboardFunctionKey            68 imeFileName[64]
 *  optional tail (each present only with all before it):
 * 132 postBeta2ColorDepth 134 clientProductId 136 serialNumber 140 highColorDepth 142 supportedColorDepths
 * 144 earlyCapabilityFlags 146 clientDigProductId[64] 210 connectionType 211 pad1octet
 * 212 serverSelectedProtocol 216 desktopPhysicalWidth 220 desktopPhysicalHeight 224 desktopOrientation
 * 226 desktopScaleFactor 230 deviceScaleFactor  (234)
 * </pre>
 *
 * <p>Optional fields are null when absent. Encoding writes fields up to the first null.
 *
 * @param extra bytes after deviceScaleFactor (future fields), kept for round trips
 */
public record ClientCoreData(int version, int desktopWidth, int desktopHeight, int colorDepth, int sasSequence,
                             int keyboardLayout, int clientBuild, String clientName, int keyboardType,
                             int keyboardSubType, int keyboardFunctionKey, String imeFileName,
                             Integer postBeta2ColorDepth, Integer clientProductId, Integer serialNumber,
                             Integer highColorDepth, Integer supportedColorDepths, Integer earlyCapabilityFlags,
                             String clientDigProductId, Integer connectionType, Integer pad1octet,
                             Integer serverSelectedProtocol, Integer desktopPhysicalWidth,
                             Integer desktopPhysicalHeight, Integer desktopOrientation, Integer desktopScaleFactor,
                             Integer deviceScaleFactor, byte[] extra) implements GccBlock {
    public static final int FIXED_SIZE = 132;
    public static final int FULL_SIZE = 234;

    public static final int RNS_UD_COLOR_4BPP = 0xCA00;
    public static final int RNS_UD_COLOR_8BPP = 0xCA01;
    public static final int RNS_UD_COLOR_16BPP_555 = 0xCA02;
    public static final int RNS_UD_COLOR_16BPP_565 = 0xCA03;
    public static final int RNS_UD_COLOR_24BPP = 0xCA04;
    public static final int RNS_UD_SAS_DEL = 0xAA03;

    public static final int RNS_UD_24BPP_SUPPORT = 0x01;
    public static final int RNS_UD_16BPP_SUPPORT = 0x02;
    public static final int RNS_UD_15BPP_SUPPORT = 0x04;
    public static final int RNS_UD_32BPP_SUPPORT = 0x08;

    public static final int SUPPORT_ERRINFO_PDU = 0x0001;
    public static final int WANT_32BPP_SESSION = 0x0002;
    public static final int SUPPORT_STATUSINFO_PDU = 0x0004;
    public static final int STRONG_ASYMMETRIC_KEYS = 0x0008;
    public static final int RELATIVE_MOUSE_INPUT = 0x0010;
    public static final int VALID_CONNECTION_TYPE = 0x0020;
    public static final int SUPPORT_MONITOR_LAYOUT_PDU = 0x0040;
    public static final int SUPPORT_NETCHAR_AUTODETECT = 0x0080;
    public static final int SUPPORT_DYNVC_GFX_PROTOCOL = 0x0100;
    public static final int SUPPORT_DYNAMIC_TIME_ZONE = 0x0200;
    public static final int SUPPORT_HEARTBEAT_PDU = 0x0400;
    public static final int SUPPORT_SKIP_CHANNELJOIN = 0x0800;

    private static final String[] DEPTH_NAMES = {"RNS_UD_24BPP_SUPPORT", "RNS_UD_16BPP_SUPPORT", "RNS_UD_15BPP_SUPPORT",
        "RNS_UD_32BPP_SUPPORT"};

    private static final String[] EARLY_NAMES = {"RNS_UD_CS_SUPPORT_ERRINFO_PDU", "RNS_UD_CS_WANT_32BPP_SESSION",
        "RNS_UD_CS_SUPPORT_STATUSINFO_PDU", "RNS_UD_CS_STRONG_ASYMMETRIC_KEYS", "RNS_UD_CS_RELATIVE_MOUSE_INPUT",
        "RNS_UD_CS_VALID_CONNECTION_TYPE", "RNS_UD_CS_SUPPORT_MONITOR_LAYOUT_PDU",
        "RNS_UD_CS_SUPPORT_NETCHAR_AUTODETECT", "RNS_UD_CS_SUPPORT_DYNVC_GFX_PROTOCOL",
        "RNS_UD_CS_SUPPORT_DYNAMIC_TIME_ZONE", "RNS_UD_CS_SUPPORT_HEARTBEAT_PDU", "RNS_UD_CS_SUPPORT_SKIP_CHANNELJOIN"};

    @Override
    public int type() {
        return CS_CORE;
    }

    public RdpVersion rdpVersion() {
        return new RdpVersion(version);
    }

    /** Names of earlyCapabilityFlags (empty when absent). */
    public List<String> earlyCapabilityNames() {
        return earlyCapabilityNames(earlyCapabilityFlags == null ? 0 : earlyCapabilityFlags);
    }

    /** RNS_UD_CS_* names of an earlyCapabilityFlags value; unknown bits as hex. */
    public static List<String> earlyCapabilityNames(int flags) {
        return flagNames(flags, EARLY_NAMES);
    }

    /** RNS_UD_*BPP_SUPPORT names of a supportedColorDepths value; unknown bits as hex. */
    public static List<String> supportedColorDepthNames(int flags) {
        return flagNames(flags, DEPTH_NAMES);
    }

    /** The RNS_UD_COLOR_* name of colorDepth / postBeta2ColorDepth. */
    public static String colorDepthName(int v) {
        return switch (v) {
            case RNS_UD_COLOR_4BPP -> "RNS_UD_COLOR_4BPP";
            case RNS_UD_COLOR_8BPP -> "RNS_UD_COLOR_8BPP";
            case RNS_UD_COLOR_16BPP_555 -> "RNS_UD_COLOR_16BPP_555";
            case RNS_UD_COLOR_16BPP_565 -> "RNS_UD_COLOR_16BPP_565";
            case RNS_UD_COLOR_24BPP -> "RNS_UD_COLOR_24BPP";
            default -> "UNKNOWN";
        };
    }

    static List<String> flagNames(int v, String[] names) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if ((v & (1 << i)) != 0) out.add(names[i]);
        }
        int rest = v & ~((1 << names.length) - 1);
        if (rest != 0) out.add(String.format("0x%x", rest));
        return out;
    }

    /** Bits per pixel the client asks for, as Zeek reports it ("32bit", "16bit", ...). */
    public String requestedColorDepthLabel() {
        if (earlyCapabilityFlags != null && (earlyCapabilityFlags & WANT_32BPP_SESSION) != 0) {
            return "32bit";
        }
        if (highColorDepth != null) {
            return highColorDepth + "bit";
        }
        int cd = postBeta2ColorDepth != null ? postBeta2ColorDepth : colorDepth;
        return switch (cd) {
            case RNS_UD_COLOR_4BPP -> "4bit";
            case RNS_UD_COLOR_8BPP -> "8bit";
            case RNS_UD_COLOR_16BPP_555 -> "15bit";
            case RNS_UD_COLOR_16BPP_565 -> "16bit";
            case RNS_UD_COLOR_24BPP -> "24bit";
            default -> String.format("0x%04x", cd);
        };
    }

    private static final byte[] NO_EXTRA = new byte[0]; // empty, so sharing it is safe

    /** Decodes the body of a block whose header has been read; {@code body} is exactly the block body. */
    static ClientCoreData decodeBody(ByteBuf b) {
        L l = new L();
        int version = Wire.i32le(b, Layer.GCC, "CS_CORE.version");
        int w = Wire.u16le(b, Layer.GCC, "CS_CORE.desktopWidth");
        int h = Wire.u16le(b, Layer.GCC, "CS_CORE.desktopHeight");
        int cd = Wire.u16le(b, Layer.GCC, "CS_CORE.colorDepth");
        int sas = Wire.u16le(b, Layer.GCC, "CS_CORE.SASSequence");
        int kl = Wire.i32le(b, Layer.GCC, "CS_CORE.keyboardLayout");
        int build = Wire.i32le(b, Layer.GCC, "CS_CORE.clientBuild");
        String name = Wire.utf16zFixed(b, 32, Layer.GCC, "CS_CORE.clientName");
        int kt = Wire.i32le(b, Layer.GCC, "CS_CORE.keyboardType");
        int kst = Wire.i32le(b, Layer.GCC, "CS_CORE.keyboardSubType");
        int kfk = Wire.i32le(b, Layer.GCC, "CS_CORE.keyboardFunctionKey");
        String ime = Wire.utf16zFixed(b, 64, Layer.GCC, "CS_CORE.imeFileName");
        Integer pb2 = l.u16(b, "CS_CORE.postBeta2ColorDepth");
        Integer pid = l.u16(b, "CS_CORE.clientProductId");
        Integer serial = l.i32(b, "CS_CORE.serialNumber");
        Integer hcd = l.u16(b, "CS_CORE.highColorDepth");
        Integer scd = l.u16(b, "CS_CORE.supportedColorDepths");
        Integer ecf = l.u16(b, "CS_CORE.earlyCapabilityFlags");
        String dig = null;
        if (!l.stop && b.isReadable()) {
            dig = Wire.utf16zFixed(b, 64, Layer.GCC, "CS_CORE.clientDigProductId");
        } else {
            l.stop = true;
        }
        Integer ct = l.u8(b, "CS_CORE.connectionType");
        Integer pad = l.u8(b, "CS_CORE.pad1octet");
        Integer ssp = l.i32(b, "CS_CORE.serverSelectedProtocol");
        Integer pw = l.i32(b, "CS_CORE.desktopPhysicalWidth");
        Integer ph = l.i32(b, "CS_CORE.desktopPhysicalHeight");
        Integer or = l.u16(b, "CS_CORE.desktopOrientation");
        Integer dsf = l.i32(b, "CS_CORE.desktopScaleFactor");
        Integer devsf = l.i32(b, "CS_CORE.deviceScaleFactor");
        byte[] extra = b.isReadable() ? new byte[b.readableBytes()] : NO_EXTRA;
        b.readBytes(extra);
        return new ClientCoreData(version, w, h, cd, sas, kl, build, name, kt, kst, kfk, ime, pb2, pid, serial, hcd,
                scd, ecf, dig, ct, pad, ssp, pw, ph, or, dsf, devsf, extra);
    }

    /** Optional-field reader: stops at the end of the block; a partial field is an error. */
    private static final class L {
        boolean stop;

        Integer u8(ByteBuf b, String f) {
            if (stop || !b.isReadable()) { stop = true; return null; }
            return Wire.u8(b, Layer.GCC, f);
        }

        Integer u16(ByteBuf b, String f) {
            if (stop || !b.isReadable()) { stop = true; return null; }
            return Wire.u16le(b, Layer.GCC, f);
        }

        Integer i32(ByteBuf b, String f) {
            if (stop || !b.isReadable()) { stop = true; return null; }
            return Wire.i32le(b, Layer.GCC, f);
        }
    }

    @Override
    public int encodedLength() {
        int n = HEADER_SIZE + FIXED_SIZE - 4;
        int[] sizes = {2, 2, 4, 2, 2, 2, 64, 1, 1, 4, 4, 4, 2, 4, 4};
        Object[] vals = tail();
        for (int i = 0; i < vals.length && vals[i] != null; i++) {
            n += sizes[i];
            if (i == vals.length - 1) n += extra == null ? 0 : extra.length;
        }
        return n;
    }

    private Object[] tail() {
        return new Object[] {postBeta2ColorDepth, clientProductId, serialNumber, highColorDepth, supportedColorDepths,
            earlyCapabilityFlags, clientDigProductId, connectionType, pad1octet, serverSelectedProtocol,
            desktopPhysicalWidth, desktopPhysicalHeight, desktopOrientation, desktopScaleFactor, deviceScaleFactor};
    }

    @Override
    public void encode(ByteBuf buf) {
        GccBlock.writeHeader(buf, CS_CORE, encodedLength());
        buf.writeIntLE(version).writeShortLE(desktopWidth).writeShortLE(desktopHeight).writeShortLE(colorDepth)
                .writeShortLE(sasSequence).writeIntLE(keyboardLayout).writeIntLE(clientBuild);
        writeFixedUtf16(buf, clientName, 32);
        buf.writeIntLE(keyboardType).writeIntLE(keyboardSubType).writeIntLE(keyboardFunctionKey);
        writeFixedUtf16(buf, imeFileName, 64);
        Object[] vals = tail();
        int[] sizes = {2, 2, 4, 2, 2, 2, 64, 1, 1, 4, 4, 4, 2, 4, 4};
        for (int i = 0; i < vals.length && vals[i] != null; i++) {
            if (vals[i] instanceof String s) {
                writeFixedUtf16(buf, s, 64);
            } else {
                int v = (Integer) vals[i];
                switch (sizes[i]) {
                    case 1 -> buf.writeByte(v);
                    case 2 -> buf.writeShortLE(v);
                    default -> buf.writeIntLE(v);
                }
            }
            if (i == vals.length - 1 && extra != null) buf.writeBytes(extra);
        }
    }

    /** UTF-16LE into a fixed field of {@code size} bytes, truncated to leave a NUL, zero padded. */
    static void writeFixedUtf16(ByteBuf buf, String s, int size) {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_16LE);
        int n = Math.min(b.length, size - 2);
        buf.writeBytes(b, 0, n);
        buf.writeZero(size - n);
    }

    /** Reads a CS_CORE block including its header. */
    public static ClientCoreData decode(ByteBuf buf) {
        GccBlock b = ClientData.decodeBlock(buf);
        if (b instanceof ClientCoreData c) return c;
        throw DecodeException.unexpected(Layer.GCC, "CS_CORE.type", buf.readerIndex(), "not a CS_CORE block");
    }
}
