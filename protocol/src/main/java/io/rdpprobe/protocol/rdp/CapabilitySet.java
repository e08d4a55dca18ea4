package io.rdpprobe.protocol.rdp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.ArrayList;
import java.util.List;

/**
 * TS_CAPS_SET (MS-RDPBCGR 2.2.1.13.1.1.1): {@code capabilitySetType u16 | lengthCapability u16 (header
 * included) | data}. Kept raw; {@link #general()} and {@link #bitmap()} decode the two that matter for evidence.
 */
public record CapabilitySet(int type, byte[] data) {
    public static final int GENERAL = 0x01;
    public static final int BITMAP = 0x02;
    public static final int ORDER = 0x03;
    public static final int BITMAPCACHE = 0x04;
    public static final int CONTROL = 0x05;
    public static final int ACTIVATION = 0x07;
    public static final int POINTER = 0x08;
    public static final int SHARE = 0x09;
    public static final int COLORCACHE = 0x0A;
    public static final int SOUND = 0x0C;
    public static final int INPUT = 0x0D;
    public static final int FONT = 0x0E;
    public static final int BRUSH = 0x0F;
    public static final int GLYPHCACHE = 0x10;
    public static final int OFFSCREENCACHE = 0x11;
    public static final int VIRTUALCHANNEL = 0x14;
    public static final int MAX_SETS = 64;

    private static final String[] NAMES = {null, "GENERAL", "BITMAP", "ORDER", "BITMAPCACHE", "CONTROL",
        "BITMAPCACHE_V3_CODEC_ID", "ACTIVATION", "POINTER", "SHARE", "COLORCACHE", null, "SOUND", "INPUT", "FONT", "BRUSH",
        "GLYPHCACHE", "OFFSCREENCACHE", "BITMAPCACHE_HOSTSUPPORT", "BITMAPCACHE_REV2", "VIRTUALCHANNEL",
        "DRAWNINEGRIDCACHE", "DRAWGDIPLUSCACHE", "RAIL", "WINDOW", "COMPDESK", "MULTIFRAGMENTUPDATE", "LARGE_POINTER",
        "SURFACE_COMMANDS", "BITMAP_CODECS", "FRAME_ACKNOWLEDGE"};

    public String name() {
        return name(type);
    }

    public static String name(int type) {
        return type >= 0 && type < NAMES.length && NAMES[type] != null ? "CAPSTYPE_" + NAMES[type]
                : String.format("UNKNOWN(0x%04x)", type);
    }

    /** Reads {@code count} sets from {@code buf}. */
    public static List<CapabilitySet> decodeList(ByteBuf buf, int count) {
        if (count > MAX_SETS) {
            throw DecodeException.badLength(Layer.SHARE, "numberCapabilities", buf.readerIndex(), count + " > " + MAX_SETS);
        }
        List<CapabilitySet> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = buf.readerIndex();
            int type = Wire.u16le(buf, Layer.SHARE, "TS_CAPS_SET.capabilitySetType");
            int len = Wire.u16le(buf, Layer.SHARE, "TS_CAPS_SET.lengthCapability");
            if (len < 4) {
                throw DecodeException.badLength(Layer.SHARE, "TS_CAPS_SET.lengthCapability", at + 2, "length " + len + " < 4");
            }
            out.add(new CapabilitySet(type, Wire.bytes(buf, len - 4, Layer.SHARE, "TS_CAPS_SET.data")));
        }
        return out;
    }

    public void encode(ByteBuf buf) {
        buf.writeShortLE(type).writeShortLE(4 + data.length).writeBytes(data);
    }

    public int encodedLength() {
        return 4 + data.length;
    }

    /** TS_GENERAL_CAPABILITYSET (2.2.7.1.1), when this is one. */
    public General general() {
        if (type != GENERAL) throw new IllegalStateException("not a general capability set");
        ByteBuf b = Unpooled.wrappedBuffer(data);
        int major = Wire.u16le(b, Layer.SHARE, "TS_GENERAL_CAPABILITYSET.osMajorType");
        int minor = Wire.u16le(b, Layer.SHARE, "TS_GENERAL_CAPABILITYSET.osMinorType");
        int proto = Wire.u16le(b, Layer.SHARE, "TS_GENERAL_CAPABILITYSET.protocolVersion");
        Wire.skip(b, 4, Layer.SHARE, "TS_GENERAL_CAPABILITYSET.pad");
        int extra = Wire.u16le(b, Layer.SHARE, "TS_GENERAL_CAPABILITYSET.extraFlags");
        return new General(major, minor, proto, extra);
    }

    /** TS_BITMAP_CAPABILITYSET (2.2.7.1.2), when this is one. */
    public Bitmap bitmap() {
        if (type != BITMAP) throw new IllegalStateException("not a bitmap capability set");
        ByteBuf b = Unpooled.wrappedBuffer(data);
        int bpp = Wire.u16le(b, Layer.SHARE, "TS_BITMAP_CAPABILITYSET.preferredBitsPerPixel");
        Wire.skip(b, 6, Layer.SHARE, "TS_BITMAP_CAPABILITYSET.receiveNBitsPerPixel");
        int w = Wire.u16le(b, Layer.SHARE, "TS_BITMAP_CAPABILITYSET.desktopWidth");
        int h = Wire.u16le(b, Layer.SHARE, "TS_BITMAP_CAPABILITYSET.desktopHeight");
        Wire.skip(b, 2, Layer.SHARE, "TS_BITMAP_CAPABILITYSET.pad2octets");
        int resize = Wire.u16le(b, Layer.SHARE, "TS_BITMAP_CAPABILITYSET.desktopResizeFlag");
        return new Bitmap(bpp, w, h, resize != 0);
    }

    /** General capability set fields worth reporting. */
    public record General(int osMajorType, int osMinorType, int protocolVersion, int extraFlags) {
        /** TS_GENERAL_CAPABILITYSET.extraFlags names (MS-RDPBCGR 2.2.7.1.1); unknown bits as hex. */
        public static java.util.List<String> extraFlagNames(int f) {
            java.util.List<String> out = new java.util.ArrayList<>();
            if ((f & 0x0001) != 0) out.add("FASTPATH_OUTPUT_SUPPORTED");
            if ((f & 0x0004) != 0) out.add("LONG_CREDENTIALS_SUPPORTED");
            if ((f & 0x0008) != 0) out.add("AUTORECONNECT_SUPPORTED");
            if ((f & 0x0010) != 0) out.add("ENC_SALTED_CHECKSUM");
            if ((f & 0x0400) != 0) out.add("NO_BITMAP_COMPRESSION_HDR");
            if ((f & ~0x041D) != 0) out.add(String.format("0x%04x", f & ~0x041D));
            return out;
        }

        public String osMajorName() {
            return switch (osMajorType) {
                case 0 -> "OSMAJORTYPE_UNSPECIFIED";
                case 1 -> "OSMAJORTYPE_WINDOWS";
                case 2 -> "OSMAJORTYPE_OS2";
                case 3 -> "OSMAJORTYPE_MACINTOSH";
                case 4 -> "OSMAJORTYPE_UNIX";
                case 5 -> "OSMAJORTYPE_IOS";
                case 6 -> "OSMAJORTYPE_OSX";
                case 7 -> "OSMAJORTYPE_ANDROID";
                case 8 -> "OSMAJORTYPE_CHROME_OS";
                default -> String.format("UNKNOWN(0x%04x)", osMajorType);
            };
        }

        public String osMinorName() {
            return switch (osMinorType) {
                case 0 -> "OSMINORTYPE_UNSPECIFIED";
                case 1 -> "OSMINORTYPE_WINDOWS_31X";
                case 2 -> "OSMINORTYPE_WINDOWS_95";
                case 3 -> "OSMINORTYPE_WINDOWS_NT";
                case 4 -> "OSMINORTYPE_OS2_V21";
                case 5 -> "OSMINORTYPE_POWER_PC";
                case 6 -> "OSMINORTYPE_MACINTOSH";
                case 7 -> "OSMINORTYPE_NATIVE_XSERVER";
                case 8 -> "OSMINORTYPE_PSEUDO_XSERVER";
                case 9 -> "OSMINORTYPE_WINDOWS_RT";
                default -> String.format("UNKNOWN(0x%04x)", osMinorType);
            };
        }
    }

    /** Bitmap capability set fields worth reporting. */
    public record Bitmap(int preferredBitsPerPixel, int desktopWidth, int desktopHeight, boolean desktopResize) {}

    // ---- builders for a client's Confirm Active ---------------------------------------------------------

    static CapabilitySet build(int type, java.util.function.Consumer<ByteBuf> body) {
        ByteBuf b = Unpooled.buffer();
        body.accept(b);
        byte[] d = new byte[b.readableBytes()];
        b.readBytes(d);
        return new CapabilitySet(type, d);
    }
}
