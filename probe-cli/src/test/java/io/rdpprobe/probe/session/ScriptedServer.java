package io.rdpprobe.probe.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.gcc.ClientData;
import io.rdpprobe.protocol.gcc.ConferenceCreateRequest;
import io.rdpprobe.protocol.gcc.ConferenceCreateResponse;
import io.rdpprobe.protocol.gcc.EncryptionLevel;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import io.rdpprobe.protocol.gcc.GccBlock;
import io.rdpprobe.protocol.gcc.ProprietaryCertificate;
import io.rdpprobe.protocol.gcc.RsaPublicKey;
import io.rdpprobe.protocol.gcc.ServerCoreData;
import io.rdpprobe.protocol.gcc.ServerData;
import io.rdpprobe.protocol.gcc.ServerNetworkData;
import io.rdpprobe.protocol.gcc.ServerSecurityData;
import io.rdpprobe.protocol.mcs.AttachUserConfirm;
import io.rdpprobe.protocol.mcs.AttachUserRequest;
import io.rdpprobe.protocol.mcs.ChannelJoinConfirm;
import io.rdpprobe.protocol.mcs.ChannelJoinRequest;
import io.rdpprobe.protocol.mcs.ConnectInitial;
import io.rdpprobe.protocol.mcs.ConnectResponse;
import io.rdpprobe.protocol.mcs.DisconnectProviderUltimatum;
import io.rdpprobe.protocol.mcs.DomainParameters;
import io.rdpprobe.protocol.mcs.DomainPdu;
import io.rdpprobe.protocol.mcs.McsResult;
import io.rdpprobe.protocol.mcs.Mcs;
import io.rdpprobe.protocol.mcs.SendData;
import io.rdpprobe.protocol.rdp.InfoPacket;
import io.rdpprobe.protocol.rdp.SecurityExchangePdu;
import io.rdpprobe.protocol.rdp.SecurityFlags;
import io.rdpprobe.protocol.security.ClientRandomEncryption;
import io.rdpprobe.protocol.security.FipsChannel;
import io.rdpprobe.protocol.security.Rc4Channel;
import io.rdpprobe.protocol.security.SessionKeys;
import io.rdpprobe.protocol.security.TerminalServicesKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * An in-test RDP server built from the project's own codecs. It really decrypts the client random with its RSA
 * key, derives the server session keys, decrypts and MAC-checks the Client Info PDU, and encrypts what it sends.
 */
class ScriptedServer {
    /** Marker in a reply list: the server closes the TCP connection here. */
    static final byte[] CLOSE = new byte[0];
    static final int SERVER_USER = 1002;

    /** A PDU to send after Client Info: security flags (SEC_LICENSE_PKT or 0) and the payload. */
    record Out(int flags, byte[] payload) {}

    final EncryptionMethod method;
    final int selectedProtocol;
    McsResult connectResult = McsResult.SUCCESSFUL;
    boolean skipChannelJoinSupported;
    McsResult joinResult = McsResult.SUCCESSFUL;
    Function<ScriptedServer, List<Out>> afterClientInfo = s -> List.of();
    /** Complete frames sent right after Client Info, before the scripted PDUs. */
    List<byte[]> rawFramesAfterInfo = List.of();
    boolean tamperMac;

    final BigInteger n;
    final BigInteger d;
    final RsaPublicKey publicKey;
    final byte[] serverRandom = new byte[32];
    Rc4Channel encryptor;
    Rc4Channel decryptor;
    FipsChannel fipsEncryptor;
    FipsChannel fipsDecryptor;
    ClientData clientData;
    InfoPacket clientInfo;
    boolean clientInfoMacValid;
    boolean ultimatumReceived;
    final List<Integer> joined = new ArrayList<>();

    ScriptedServer(int selectedProtocol, EncryptionMethod method) {
        this.selectedProtocol = selectedProtocol;
        this.method = method;
        Random r = new Random(42);
        BigInteger p = BigInteger.probablePrime(256, r);
        BigInteger q = BigInteger.probablePrime(256, r);
        n = p.multiply(q);
        BigInteger e = BigInteger.valueOf(65537);
        d = e.modInverse(p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE)));
        byte[] be = n.toByteArray();
        byte[] le = new byte[72];
        for (int i = 0; i < 64 && i < be.length; i++) le[i] = be[be.length - 1 - i];
        publicKey = new RsaPublicKey(72, 512, 63, 65537, le);
        r.nextBytes(serverRandom);
    }

    boolean standard() {
        return selectedProtocol == 0 && !method.isNone();
    }

    /** The server's reaction to one client frame. */
    List<byte[]> respond(byte[] frame) {
        ByteBuf mcs = Mcs.userData(Unpooled.wrappedBuffer(frame));
        if (Mcs.isConnectPdu(mcs)) {
            ConnectInitial ci = ConnectInitial.decode(mcs);
            clientData = ConferenceCreateRequest.decode(Unpooled.wrappedBuffer(ci.userData())).userData();
            return List.of(connectResponse());
        }
        DomainPdu pdu = DomainPdu.decode(mcs);
        if (pdu instanceof AttachUserRequest) {
            return List.of(Mcs.frame(new AttachUserConfirm(McsResult.SUCCESSFUL, 1007)));
        }
        if (pdu instanceof ChannelJoinRequest j) {
            joined.add(j.channelId());
            return List.of(Mcs.frame(new ChannelJoinConfirm(joinResult, j.initiator(), j.channelId(), j.channelId())));
        }
        if (pdu instanceof DisconnectProviderUltimatum) {
            ultimatumReceived = true;
            return List.of();
        }
        if (pdu instanceof SendData sd) {
            ByteBuf data = sd.data();
            int flags = data.getUnsignedShortLE(data.readerIndex());
            if ((flags & SecurityFlags.SEC_EXCHANGE_PKT) != 0) {
                SecurityExchangePdu x = SecurityExchangePdu.decode(data);
                byte[] cr = ClientRandomEncryption.decrypt(n, d, x.encryptedClientRandom());
                if (method.value() == EncryptionMethod.FIPS.value()) {
                    FipsChannel.Keys k = FipsChannel.serverKeys(cr, serverRandom);
                    fipsEncryptor = FipsChannel.encryptor(k);
                    fipsDecryptor = FipsChannel.decryptor(k);
                } else {
                    SessionKeys keys = SessionKeys.server(cr, serverRandom, method);
                    encryptor = Rc4Channel.encryptor(keys);
                    decryptor = Rc4Channel.decryptor(keys);
                }
                return List.of();
            }
            if ((flags & SecurityFlags.SEC_INFO_PKT) != 0) {
                data.skipBytes(4);
                byte[] body;
                if ((flags & SecurityFlags.SEC_ENCRYPT) != 0 && fipsDecryptor != null) {
                    data.skipBytes(3);
                    int pad = data.readUnsignedByte();
                    byte[] sig = new byte[8];
                    data.readBytes(sig);
                    FipsChannel.Opened o = fipsDecryptor.open(sig, ByteBufUtil.getBytes(data), pad);
                    clientInfoMacValid = o.macValid();
                    body = o.plaintext();
                } else if ((flags & SecurityFlags.SEC_ENCRYPT) != 0) {
                    byte[] sig = new byte[8];
                    data.readBytes(sig);
                    Rc4Channel.Result r = decryptor.open(sig, ByteBufUtil.getBytes(data), false);
                    clientInfoMacValid = r.macValid();
                    body = r.plaintext();
                } else {
                    body = ByteBufUtil.getBytes(data);
                }
                clientInfo = InfoPacket.decode(Unpooled.wrappedBuffer(body));
                List<byte[]> out = new ArrayList<>(rawFramesAfterInfo);
                for (Out o : afterClientInfo.apply(this)) {
                    out.add(o == null ? CLOSE : wrap(o));
                }
                return out;
            }
        }
        return List.of();
    }

    byte[] wrap(Out o) {
        ByteBuf b = Unpooled.buffer();
        if (standard() && fipsEncryptor != null) {
            FipsChannel.Sealed x = fipsEncryptor.seal(o.payload());
            b.writeShortLE(o.flags() | SecurityFlags.SEC_ENCRYPT).writeShortLE(0).writeShortLE(0x10).writeByte(1)
                    .writeByte(x.padLength()).writeBytes(x.signature()).writeBytes(x.ciphertext());
        } else if (standard()) {
            b.writeShortLE(o.flags() | SecurityFlags.SEC_ENCRYPT).writeShortLE(0);
            byte[] sealed = encryptor.seal(o.payload(), false);
            if (tamperMac) sealed[0] ^= 1;
            b.writeBytes(sealed);
        } else if (o.flags() != 0) {
            b.writeShortLE(o.flags()).writeShortLE(0).writeBytes(o.payload());
        } else {
            b.writeBytes(o.payload());
        }
        return Mcs.sendData(true, SERVER_USER, 1003, ByteBufUtil.getBytes(b));
    }

    private byte[] connectResponse() {
        List<GccBlock> blocks = new ArrayList<>();
        blocks.add(new ServerCoreData(0x0008000C, 0, skipChannelJoinSupported ? ServerCoreData.SKIP_CHANNELJOIN_SUPPORTED : 0));
        if (standard()) {
            ProprietaryCertificate cert = ProprietaryCertificate.of(true, publicKey, new byte[72]);
            cert = cert.withSignature(TerminalServicesKey.sign(cert.signedData()));
            blocks.add(new ServerSecurityData(method, EncryptionLevel.HIGH, serverRandom, cert));
        } else {
            blocks.add(new ServerSecurityData(EncryptionMethod.NONE, EncryptionLevel.NONE, null, null));
        }
        int nch = clientData.network().map(x -> x.channels().size()).orElse(0);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < nch; i++) ids.add(1004 + i);
        blocks.add(new ServerNetworkData(1003, ids));
        byte[] gcc = ConferenceCreateResponse.of(new ServerData(blocks)).toBytes();
        return Mcs.frame(new ConnectResponse(connectResult, 0, new DomainParameters(34, 3, 0, 1, 0, 1, 0xFFF8, 2), gcc));
    }
}
