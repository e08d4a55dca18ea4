package io.rdpprobe.probe.session;

import io.rdpprobe.protocol.gcc.ChannelDef;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import java.util.List;

/**
 * What the client announces after X.224 (MS-RDPBCGR 2.2.1.3): desktop, name, build, keyboard, channels, and
 * for Standard RDP Security the encryption methods it offers.
 *
 * @param encryptionMethods the methods offered in CS_SECURITY (used only when the selected protocol is RDP)
 * @param requestSkipChannelJoin announce RNS_UD_CS_SUPPORT_SKIP_CHANNELJOIN
 */
public record SessionSettings(int desktopWidth, int desktopHeight, String clientName, int clientBuild,
                              int keyboardLayout, List<ChannelDef> channels, EncryptionMethod encryptionMethods,
                              boolean requestSkipChannelJoin) {
    public SessionSettings {
        channels = List.copyOf(channels);
        if (desktopWidth < 200 || desktopWidth > 8192 || desktopHeight < 200 || desktopHeight > 8192) {
            throw new IllegalArgumentException("desktop size out of range");
        }
    }

    /** mstsc-like defaults: 1024x768, build 19041 (Windows 10 2004), US keyboard, rdpdr/rdpsnd/cliprdr/drdynvc. */
    public static SessionSettings defaults(String clientName) {
        return new SessionSettings(1024, 768, clientName, 19041, 0x409,
                List.of(new ChannelDef("rdpdr", ChannelDef.OPTION_INITIALIZED | ChannelDef.OPTION_COMPRESS_RDP),
                        new ChannelDef("rdpsnd", ChannelDef.OPTION_INITIALIZED | ChannelDef.OPTION_ENCRYPT_RDP),
                        new ChannelDef("cliprdr", ChannelDef.OPTION_INITIALIZED | ChannelDef.OPTION_ENCRYPT_RDP
                                | ChannelDef.OPTION_COMPRESS_RDP | ChannelDef.OPTION_SHOW_PROTOCOL),
                        new ChannelDef("drdynvc", ChannelDef.OPTION_INITIALIZED | ChannelDef.OPTION_ENCRYPT_RDP
                                | ChannelDef.OPTION_COMPRESS_RDP)),
                EncryptionMethod.ALL, true);
    }

    public SessionSettings withEncryptionMethods(EncryptionMethod m) {
        return new SessionSettings(desktopWidth, desktopHeight, clientName, clientBuild, keyboardLayout, channels, m,
                requestSkipChannelJoin);
    }

    public SessionSettings withChannels(List<ChannelDef> ch) {
        return new SessionSettings(desktopWidth, desktopHeight, clientName, clientBuild, keyboardLayout, ch,
                encryptionMethods, requestSkipChannelJoin);
    }

    public SessionSettings withSkipChannelJoin(boolean skip) {
        return new SessionSettings(desktopWidth, desktopHeight, clientName, clientBuild, keyboardLayout, channels,
                encryptionMethods, skip);
    }
}
