package io.rdpprobe.capture;

import io.rdpprobe.protocol.codec.Named;
import io.rdpprobe.protocol.codec.WindowsBuilds;
import io.rdpprobe.protocol.gcc.ClientClusterData;
import io.rdpprobe.protocol.gcc.ClientCoreData;
import io.rdpprobe.protocol.gcc.ConferenceCreateResponse;
import io.rdpprobe.protocol.gcc.EncryptionLevel;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import io.rdpprobe.protocol.gcc.RdpVersion;
import io.rdpprobe.protocol.mcs.McsResult;
import io.rdpprobe.protocol.x224.Protocols;
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
            m.put("clientVersion", version(clientVersion));
            m.put("desktopWidth", desktopWidth);
            m.put("desktopHeight", desktopHeight);
            if (highColorDepth >= 0) m.put("highColorDepth", highColorDepth);
            if (supportedColorDepths >= 0) {
                m.put("supportedColorDepths", Named.flags(ClientCoreData.supportedColorDepthNames(supportedColorDepths),
                        supportedColorDepths, 4));
            }
            if (earlyCapabilityFlags >= 0) {
                m.put("earlyCapabilityFlags", Named.flags(ClientCoreData.earlyCapabilityNames(earlyCapabilityFlags),
                        earlyCapabilityFlags, 4));
            }
            m.put("keyboardLayout", ZeekMapping.keyboardLayoutEvidence(keyboardLayout));
            m.put("clientBuild", WindowsBuilds.describe(clientBuild));
            m.put("clientName", clientName);
            if (clientDigProductId != null) m.put("clientDigProductId", clientDigProductId);
            if (serverSelectedProtocol >= 0) {
                m.put("serverSelectedProtocol", Named.value(Protocols.describe((int) serverSelectedProtocol), serverSelectedProtocol, 8));
            }
        }
        if (clientEncryptionMethods >= 0) {
            m.put("clientEncryptionMethods", methods(clientEncryptionMethods));
            m.put("clientExtEncryptionMethods", methods(clientExtEncryptionMethods));
        }
        if (clusterFlags >= 0) {
            m.put("clusterFlags", Named.flags(ClientClusterData.flagNames((int) clusterFlags), clusterFlags, 8));
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
        if (mcsResult >= 0) m.put("mcsResult", Named.value(new McsResult(mcsResult).name(), mcsResult, 2));
        if (gccResult >= 0) m.put("gccResult", Named.value(ConferenceCreateResponse.resultName(gccResult), gccResult, 2));
        if (serverVersion >= 0) m.put("serverVersion", version(serverVersion));
        if (serverRequestedProtocols >= 0) {
            m.put("serverEchoedRequestedProtocols", Named.value(Protocols.describe((int) serverRequestedProtocols),
                    serverRequestedProtocols, 8));
        }
        if (encryptionMethod >= 0) {
            m.put("encryptionMethod", Named.value(new EncryptionMethod((int) encryptionMethod).name(), encryptionMethod, 8));
            m.put("encryptionLevel", Named.value(new EncryptionLevel((int) encryptionLevel).name(), encryptionLevel, 8));
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

    private static String version(long v) {
        return Named.value(new RdpVersion((int) v).name(), v, 8);
    }

    private static String methods(long v) {
        return Named.flags(v == 0 ? List.of() : new EncryptionMethod((int) v).names(), v, 8);
    }
}
