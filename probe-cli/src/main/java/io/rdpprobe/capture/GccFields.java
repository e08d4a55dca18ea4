package io.rdpprobe.capture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the MCS Connect-Initial / Connect-Response (GCC conference create request/response) showed in clear
 * under Standard RDP Security (MS-RDPBCGR 2.2.1.3, 2.2.1.4). Null or -1 means not seen.
 */
public final class GccFields {
    // client core data (2.2.1.3.2)
    public boolean clientCoreSeen;
    public long clientVersion = -1;
    public int desktopWidth = -1;
    public int desktopHeight = -1;
    public int colorDepth = -1;
    public long keyboardLayout = -1;
    public long clientBuild = -1;
    public String clientName;
    public long keyboardType = -1;
    public int postBeta2ColorDepth = -1;
    public int highColorDepth = -1;
    public int supportedColorDepths = -1;
    public int earlyCapabilityFlags = -1;
    public String clientDigProductId;
    public long serverSelectedProtocol = -1;
    // client security (2.2.1.3.3)
    public long clientEncryptionMethods = -1;
    public long clientExtEncryptionMethods = -1;
    // client cluster (2.2.1.3.5)
    public long clusterFlags = -1;
    public long redirectedSessionId = -1;
    // client network (2.2.1.3.4)
    public List<String> channelNames;
    public List<Long> channelOptions;
    // server side
    public boolean serverResponseSeen;
    public int mcsResult = -1;
    public int gccResult = -1;
    public long serverVersion = -1;
    public long serverRequestedProtocols = -1;
    public long encryptionMethod = -1;
    public long encryptionLevel = -1;
    /** 1 proprietary (RSA), 2 X.509 chain; -1 none. */
    public int certType = -1;
    public int certCount;
    public Boolean certPermanent;
    /** The X.509 chain's DER certificates in wire order (the server's last), when certType is 2. */
    public List<byte[]> certChain;
    public int ioChannel = -1;
    public List<Integer> serverChannelIds;
    /** Block types seen, in order, as hex names. */
    public final List<String> clientBlocks = new ArrayList<>();
    public final List<String> serverBlocks = new ArrayList<>();
    public String decodeError;

    Map<String, Object> clientEvidence() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (clientCoreSeen) {
            m.put("clientVersion", String.format("0x%08x", clientVersion));
            m.put("desktopWidth", desktopWidth);
            m.put("desktopHeight", desktopHeight);
            if (highColorDepth >= 0) m.put("highColorDepth", highColorDepth);
            if (supportedColorDepths >= 0) m.put("supportedColorDepths", String.format("0x%04x", supportedColorDepths));
            if (earlyCapabilityFlags >= 0) m.put("earlyCapabilityFlags", String.format("0x%04x", earlyCapabilityFlags));
            m.put("keyboardLayout", String.format("0x%08x", keyboardLayout));
            m.put("clientBuild", clientBuild);
            m.put("clientName", clientName);
            if (clientDigProductId != null) m.put("clientDigProductId", clientDigProductId);
            if (serverSelectedProtocol >= 0) m.put("serverSelectedProtocol", serverSelectedProtocol);
        }
        if (clientEncryptionMethods >= 0) {
            m.put("clientEncryptionMethods", String.format("0x%08x", clientEncryptionMethods));
            m.put("clientExtEncryptionMethods", String.format("0x%08x", clientExtEncryptionMethods));
        }
        if (clusterFlags >= 0) {
            m.put("clusterFlags", String.format("0x%08x", clusterFlags));
            m.put("redirectedSessionId", redirectedSessionId);
        }
        if (channelNames != null) {
            m.put("channels", channelNames);
        }
        m.put("clientBlocks", List.copyOf(clientBlocks));
        return m;
    }

    Map<String, Object> serverEvidence() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (mcsResult >= 0) m.put("mcsResult", mcsResult);
        if (gccResult >= 0) m.put("gccResult", gccResult);
        if (serverVersion >= 0) m.put("serverVersion", String.format("0x%08x", serverVersion));
        if (serverRequestedProtocols >= 0) m.put("serverEchoedRequestedProtocols", serverRequestedProtocols);
        if (encryptionMethod >= 0) {
            m.put("encryptionMethod", encryptionMethodName(encryptionMethod));
            m.put("encryptionLevel", encryptionLevelName(encryptionLevel));
        }
        if (certType > 0) {
            m.put("serverCertificate", certType == 1 ? "proprietary (RSA)" : "X.509 chain");
            m.put("serverCertificateCount", certCount);
            m.put("serverCertificatePermanent", certPermanent);
        }
        if (ioChannel >= 0) m.put("ioChannel", ioChannel);
        if (serverChannelIds != null) m.put("channelIds", serverChannelIds);
        m.put("serverBlocks", List.copyOf(serverBlocks));
        return m;
    }

    public static String encryptionMethodName(long v) {
        return switch ((int) v) {
            case 0 -> "ENCRYPTION_METHOD_NONE";
            case 1 -> "ENCRYPTION_METHOD_40BIT";
            case 2 -> "ENCRYPTION_METHOD_128BIT";
            case 8 -> "ENCRYPTION_METHOD_56BIT";
            case 0x10 -> "ENCRYPTION_METHOD_FIPS";
            default -> String.format("UNKNOWN(0x%08x)", v);
        };
    }

    public static String encryptionLevelName(long v) {
        return switch ((int) v) {
            case 0 -> "ENCRYPTION_LEVEL_NONE";
            case 1 -> "ENCRYPTION_LEVEL_LOW";
            case 2 -> "ENCRYPTION_LEVEL_CLIENT_COMPATIBLE";
            case 3 -> "ENCRYPTION_LEVEL_HIGH";
            case 4 -> "ENCRYPTION_LEVEL_FIPS";
            default -> String.format("UNKNOWN(0x%08x)", v);
        };
    }
}
