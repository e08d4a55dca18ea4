package io.rdpprobe.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.gcc.ChannelDef;
import io.rdpprobe.protocol.gcc.ClientClusterData;
import io.rdpprobe.protocol.gcc.ClientCoreData;
import io.rdpprobe.protocol.gcc.ClientData;
import io.rdpprobe.protocol.gcc.ClientNetworkData;
import io.rdpprobe.protocol.gcc.ClientSecurityData;
import io.rdpprobe.protocol.gcc.ConferenceCreateRequest;
import io.rdpprobe.protocol.gcc.ConferenceCreateResponse;
import io.rdpprobe.protocol.gcc.GccBlock;
import io.rdpprobe.protocol.gcc.ServerCertificate;
import io.rdpprobe.protocol.gcc.ServerCoreData;
import io.rdpprobe.protocol.gcc.ServerData;
import io.rdpprobe.protocol.gcc.ServerNetworkData;
import io.rdpprobe.protocol.gcc.ServerSecurityData;
import io.rdpprobe.protocol.mcs.ConnectInitial;
import io.rdpprobe.protocol.mcs.ConnectResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills {@link GccFields} from the MCS connect PDUs (the MCS bytes after TPKT + X.224 DT) with the
 * io.rdpprobe.protocol.mcs / gcc decoders. Throws {@link io.rdpprobe.protocol.codec.DecodeException} on bad input.
 */
final class GccDecoding {
    private GccDecoding() {}

    static void connectInitial(ByteBuf mcs, GccFields out) {
        ConnectInitial ci = ConnectInitial.decode(mcs.duplicate());
        ClientData data = ConferenceCreateRequest.decode(Unpooled.wrappedBuffer(ci.userData())).userData();
        for (GccBlock b : data.blocks()) {
            out.clientBlocks.add(String.format("0x%04x", b.type()));
        }
        data.core().ifPresent(c -> core(c, out));
        data.security().ifPresent(s -> security(s, out));
        data.cluster().ifPresent(c -> cluster(c, out));
        data.network().ifPresent(n -> network(n, out));
    }

    private static void core(ClientCoreData c, GccFields out) {
        out.clientCoreSeen = true;
        out.clientVersion = c.version() & 0xFFFFFFFFL;
        out.desktopWidth = c.desktopWidth();
        out.desktopHeight = c.desktopHeight();
        out.colorDepth = c.colorDepth();
        out.keyboardLayout = c.keyboardLayout() & 0xFFFFFFFFL;
        out.clientBuild = c.clientBuild() & 0xFFFFFFFFL;
        out.clientName = c.clientName();
        out.keyboardType = c.keyboardType() & 0xFFFFFFFFL;
        if (c.postBeta2ColorDepth() != null) out.postBeta2ColorDepth = c.postBeta2ColorDepth();
        if (c.highColorDepth() != null) out.highColorDepth = c.highColorDepth();
        if (c.supportedColorDepths() != null) out.supportedColorDepths = c.supportedColorDepths();
        if (c.earlyCapabilityFlags() != null) out.earlyCapabilityFlags = c.earlyCapabilityFlags();
        out.clientDigProductId = c.clientDigProductId();
        if (c.serverSelectedProtocol() != null) out.serverSelectedProtocol = c.serverSelectedProtocol() & 0xFFFFFFFFL;
    }

    private static void security(ClientSecurityData s, GccFields out) {
        out.clientEncryptionMethods = s.encryptionMethods().value() & 0xFFFFFFFFL;
        out.clientExtEncryptionMethods = s.extEncryptionMethods().value() & 0xFFFFFFFFL;
    }

    private static void cluster(ClientClusterData c, GccFields out) {
        out.clusterFlags = c.flags() & 0xFFFFFFFFL;
        out.redirectedSessionId = c.redirectedSessionId() & 0xFFFFFFFFL;
    }

    private static void network(ClientNetworkData n, GccFields out) {
        List<String> names = new ArrayList<>();
        List<Long> options = new ArrayList<>();
        for (ChannelDef d : n.channels()) {
            names.add(d.name());
            options.add(d.options() & 0xFFFFFFFFL);
        }
        out.channelNames = names;
        out.channelOptions = options;
    }

    static void connectResponse(ByteBuf mcs, GccFields out) {
        ConnectResponse cr = ConnectResponse.decode(mcs.duplicate());
        out.mcsResult = cr.result().value();
        if (cr.userData().length == 0) {
            return; // a refused connect carries no conference data
        }
        ConferenceCreateResponse resp = ConferenceCreateResponse.decode(Unpooled.wrappedBuffer(cr.userData()));
        out.gccResult = resp.result();
        ServerData data = resp.userData();
        for (GccBlock b : data.blocks()) {
            out.serverBlocks.add(String.format("0x%04x", b.type()));
        }
        data.core().ifPresent(c -> serverCore(c, out));
        data.security().ifPresent(s -> serverSecurity(s, out));
        data.network().ifPresent(n -> serverNetwork(n, out));
    }

    private static void serverCore(ServerCoreData c, GccFields out) {
        out.serverVersion = c.version() & 0xFFFFFFFFL;
        if (c.clientRequestedProtocols() != null) out.serverRequestedProtocols = c.clientRequestedProtocols() & 0xFFFFFFFFL;
    }

    private static void serverSecurity(ServerSecurityData s, GccFields out) {
        out.encryptionMethod = s.encryptionMethod().value() & 0xFFFFFFFFL;
        out.encryptionLevel = s.encryptionLevel().value() & 0xFFFFFFFFL;
        ServerCertificate cert = s.certificate();
        if (cert != null) {
            out.certType = cert.dwVersion() & 0x7FFFFFFF;
            out.certCount = cert.count();
            out.certPermanent = cert.permanent();
            if (cert instanceof io.rdpprobe.protocol.gcc.X509CertificateChain chain) {
                out.certChain = chain.certificates();
            }
        }
    }

    private static void serverNetwork(ServerNetworkData n, GccFields out) {
        out.ioChannel = n.ioChannelId();
        out.serverChannelIds = List.copyOf(n.channelIds());
    }
}
