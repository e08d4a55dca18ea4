package io.rdpprobe.protocol.ntlm;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * VERSION (MS-NLMP 2.2.2.10): the sender's Windows version, 8 bytes.
 *
 * <pre>
 * | major u8 | minor u8 | build u16 LE | reserved 3 bytes (0) | NTLMRevisionCurrent u8 (0x0F) |
 * </pre>
 */
public record NtlmVersion(int major, int minor, int build, int revision) {
    public static final int SIZE = 8;
    /** NTLMSSP_REVISION_W2K3. */
    public static final int REVISION_W2K3 = 0x0F;

    public static NtlmVersion decode(ByteBuf buf) {
        int major = Wire.u8(buf, Layer.NTLM, "VERSION.ProductMajorVersion");
        int minor = Wire.u8(buf, Layer.NTLM, "VERSION.ProductMinorVersion");
        int build = Wire.u16le(buf, Layer.NTLM, "VERSION.ProductBuild");
        Wire.skip(buf, 3, Layer.NTLM, "VERSION.Reserved");
        int rev = Wire.u8(buf, Layer.NTLM, "VERSION.NTLMRevisionCurrent");
        return new NtlmVersion(major, minor, build, rev);
    }

    public void encode(ByteBuf buf) {
        buf.writeByte(major).writeByte(minor).writeShortLE(build).writeZero(3).writeByte(revision);
    }

    public int encodedLength() {
        return SIZE;
    }

    /** {@code 10.0.17763}. */
    public String dotted() {
        return major + "." + minor + "." + build;
    }

    /**
     * An informative Windows name for the version (protocol-notes 5.6 build map), e.g.
     * {@code "Windows 10 1809 / Server 2019 (10.0 build 17763)"}. Unknown builds fall back to the family
     * ("Windows 10 / Server 2016+ (10.0 build 12345)"), unknown families to {@code "unknown Windows (..)"}.
     */
    public String windowsName() {
        String suffix = " (" + major + "." + minor + " build " + build + ")";
        return family() + suffix;
    }

    private String family() {
        if (major == 10 && minor == 0) {
            return io.rdpprobe.protocol.codec.WindowsBuilds.name(build).orElse("Windows 10 / Server 2016+");
        }
        if (major == 6) {
            return switch (minor) {
                case 0 -> "Windows Vista / Server 2008";
                case 1 -> "Windows 7 / Server 2008 R2";
                case 2 -> "Windows 8 / Server 2012";
                case 3 -> "Windows 8.1 / Server 2012 R2";
                default -> "Windows 6.x";
            };
        }
        if (major == 5) {
            return switch (minor) {
                case 0 -> "Windows 2000";
                case 1 -> "Windows XP";
                case 2 -> "Windows XP x64 / Server 2003";
                default -> "Windows 5.x";
            };
        }
        return "unknown Windows";
    }

    @Override
    public String toString() {
        return dotted() + " rev " + revision;
    }
}
