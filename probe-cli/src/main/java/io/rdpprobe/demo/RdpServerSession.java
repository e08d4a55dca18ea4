package io.rdpprobe.demo;

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
import io.rdpprobe.protocol.gcc.RdpVersion;
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
import io.rdpprobe.protocol.rdp.ShareControlHeader;
import io.rdpprobe.protocol.rdp.ShareDataHeader;
import io.rdpprobe.protocol.rdp.DataPdu;
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
 * The server side of the connection sequence after X.224/TLS/CredSSP (MS-RDPBCGR 1.3.1.1 steps 3-13), built from
 * the project's own codecs, for the demo target and tests. Sans-IO: feed it each complete client frame (a whole
 * TPKT, TLS already removed) with {@link #respond(byte[])} and deliver the frames it returns in order;
 * {@link #CLOSE} in that list means: close the connection there.
 *
 * <pre>
 * Connect Initial        -> Connect Response (GCC: server core RDP 10.x, security, network with channel ids)
 * Erect Domain           -> (nothing)
 * Attach User Request    -> Attach User Confirm
 * Channel Join Request   -> Channel Join Confirm (one per request)
 * [Security Exchange]    -> (session keys derived; Standard RDP Security only)
 * Client Info            -> {@link #afterClientInfo}: licensing, Demand Active, Set Error Info... as scripted
 * </pre>
 *
 * <p>Under Standard RDP Security it really decrypts the client random with its RSA key, derives the server
 * session keys, decrypts and MAC-checks the Client Info PDU, and encrypts what it sends. The 512-bit RSA key is
 * generated from a fixed seed: this is a demo and test endpoint, not a server anyone should trust.
 */
public class RdpServerSession {
    /** Marker in a reply list: the server closes the TCP connection here. */
    public static final byte[] CLOSE = new byte[0];
    /** The server's MCS channel id (MCS_SERVER_USER, also the pduSource of the server's share PDUs). */
    public static final int SERVER_USER = 1002;
    /** The share id Windows servers use. */
    public static final int SHARE_ID = 0x000103EA;

    /**
     * A PDU to send after Client Info: security flags (SEC_LICENSE_PKT or 0) and the payload, sent as MCS Send
     * Data Indication on the I/O channel. A null entry in {@link #afterClientInfo}'s list means {@link #CLOSE}.
     */
    public record Out(int flags, byte[] payload) {}

    public final EncryptionMethod method;
    public final int selectedProtocol;
    public McsResult connectResult = McsResult.SUCCESSFUL;
    public boolean skipChannelJoinSupported;
    public McsResult joinResult = McsResult.SUCCESSFUL;
    public Function<RdpServerSession, List<Out>> afterClientInfo = s -> List.of();
    /** Complete frames sent right after Client Info, before the scripted PDUs. */
    public List<byte[]> rawFramesAfterInfo = List.of();
    public boolean tamperMac;
    /**
     * DER certificates (wire order: the server's own certificate last, MS-RDPBCGR 2.2.1.4.3.1.2) to present as an
     * X.509 chain under Standard RDP Security instead of the proprietary certificate; the last one must carry
     * this session's RSA key ({@link #x509Leaf} makes one). Null: the proprietary certificate.
     */
    public List<byte[]> x509Chain;
    /** The client's requestedProtocols from the X.224 CR, echoed in the server core data (0 when not known). */
    public int clientRequestedProtocols;
    /** Complete frames the server sends after each client licensing PDU (e.g. Valid Client + Demand Active). */
    public Function<RdpServerSession, List<byte[]>> afterLicensePdu = s -> List.of();
    /** The client's licensing PDUs (preamble onwards, decrypted) and their security flags. */
    public final List<byte[]> licensePdus = new ArrayList<>();
    public final List<Integer> licensePduFlags = new ArrayList<>();
    public boolean licenseMacValid = true;

    private final BigInteger n;
    private final BigInteger d;
    public final RsaPublicKey publicKey;
    private final byte[] serverRandom = new byte[32];
    private Rc4Channel encryptor;
    private Rc4Channel decryptor;
    private FipsChannel fipsEncryptor;
    private FipsChannel fipsDecryptor;
    public ClientData clientData;
    public InfoPacket clientInfo;
    /** The TS_INFO_PACKET exactly as the client encoded it (decrypted under Standard RDP Security). */
    public byte[] clientInfoBytes;
    public boolean clientInfoMacValid;
    public boolean ultimatumReceived;
    public final List<Integer> joined = new ArrayList<>();

    /**
     * The demo's Standard RDP Security key (512-bit, as Windows' proprietary certificate) and server random. Both
     * come from a fixed seed, so they are the same for every session: derived once, not per connection (two
     * 256-bit prime searches per session were a third of a loaded demo endpoint's CPU).
     */
    private static final class Key {
        static final BigInteger N;
        static final BigInteger D;
        static final byte[] MODULUS_LE = new byte[72];
        static final byte[] SERVER_RANDOM = new byte[32];

        static {
            Random r = new Random(42);
            BigInteger p = BigInteger.probablePrime(256, r);
            BigInteger q = BigInteger.probablePrime(256, r);
            N = p.multiply(q);
            D = BigInteger.valueOf(65537).modInverse(p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE)));
            byte[] be = N.toByteArray();
            for (int i = 0; i < 64 && i < be.length; i++) MODULUS_LE[i] = be[be.length - 1 - i];
            r.nextBytes(SERVER_RANDOM);
        }
    }

    public RdpServerSession(int selectedProtocol, EncryptionMethod method) {
        this.selectedProtocol = selectedProtocol;
        this.method = method;
        n = Key.N;
        d = Key.D;
        publicKey = new RsaPublicKey(72, 512, 63, 65537, Key.MODULUS_LE.clone());
        System.arraycopy(Key.SERVER_RANDOM, 0, serverRandom, 0, serverRandom.length);
    }

    /** The MCS user id this server assigns: the first channel id after the I/O and static channels. */
    public int userId() {
        int nch = clientData == null ? 0 : clientData.network().map(x -> x.channels().size()).orElse(0);
        return 1004 + nch;
    }

    public boolean standard() {
        return selectedProtocol == 0 && !method.isNone();
    }

    /** The server's reaction to one client frame. */
    public List<byte[]> respond(byte[] frame) {
        ByteBuf mcs = Mcs.userData(Unpooled.wrappedBuffer(frame));
        if (Mcs.isConnectPdu(mcs)) {
            ConnectInitial ci = ConnectInitial.decode(mcs);
            clientData = ConferenceCreateRequest.decode(ci.userData()).userData();
            // a server that refuses the MCS connection disconnects right after saying so (T.125 11.2)
            return connectResult.isSuccess() ? List.of(connectResponse()) : List.of(connectResponse(), CLOSE);
        }
        DomainPdu pdu = DomainPdu.decode(mcs);
        if (pdu instanceof AttachUserRequest) {
            // the user channel takes the next id after the static channels (1004 + n), as Windows assigns them
            return List.of(Mcs.frame(new AttachUserConfirm(McsResult.SUCCESSFUL, userId())));
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
            if (clientInfo != null && !standard() && isShareControlPdu(data)) {
                return finalization(data);
            }
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
            if ((flags & SecurityFlags.SEC_LICENSE_PKT) != 0) {
                data.skipBytes(4);
                byte[] body;
                if ((flags & SecurityFlags.SEC_ENCRYPT) != 0) {
                    byte[] sig = new byte[8];
                    data.readBytes(sig);
                    Rc4Channel.Result r = decryptor.open(sig, ByteBufUtil.getBytes(data), false);
                    licenseMacValid &= r.macValid();
                    body = r.plaintext();
                } else {
                    body = ByteBufUtil.getBytes(data);
                }
                licensePduFlags.add(flags);
                licensePdus.add(body);
                return afterLicensePdu.apply(this);
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
                clientInfoBytes = body;
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

    /**
     * After Client Info under TLS/CredSSP the client's PDUs carry no security header: a share control header
     * whose totalLength is the whole PDU and whose pduType has the protocol version (MS-RDPBCGR 2.2.8.1.1.1.1).
     */
    private static boolean isShareControlPdu(ByteBuf data) {
        return data.readableBytes() >= ShareControlHeader.SIZE
                && data.getUnsignedShortLE(data.readerIndex()) == data.readableBytes()
                && (data.getUnsignedShortLE(data.readerIndex() + 2) & 0xFFF0) == ShareControlHeader.TS_PROTOCOL_VERSION;
    }

    /** Font List PDUs the client sent (MS-RDPBCGR 1.3.1.1 connection finalization). */
    public int fontLists;

    /**
     * Connection finalization (MS-RDPBCGR 1.3.1.1 step 13): Confirm Active, the client's Synchronize, Control
     * (cooperate, request control) and Font List; after the Font List the server sends Synchronize, Control
     * Cooperate, Control Granted Control and Font Map, and the client is active.
     */
    private List<byte[]> finalization(ByteBuf data) {
        ShareControlHeader h = ShareControlHeader.decode(data.duplicate());
        if (h.type() != ShareControlHeader.PDUTYPE_DATAPDU) {
            return List.of(); // Confirm Active: nothing to answer
        }
        ByteBuf b = data.duplicate().skipBytes(ShareControlHeader.SIZE);
        ShareDataHeader d = ShareDataHeader.decode(b);
        if (d.pduType2() != ShareDataHeader.PDUTYPE2_FONTLIST) {
            return List.of();
        }
        fontLists++;
        int user = userId();
        byte[] granted = {(byte) DataPdu.CTRLACTION_GRANTED_CONTROL, 0, (byte) user, (byte) (user >> 8),
                (byte) SERVER_USER, (byte) (SERVER_USER >> 8), 0, 0};
        return List.of(
                wrap(new Out(0, DataPdu.synchronize(SERVER_USER, SHARE_ID, user))),
                wrap(new Out(0, DataPdu.control(SERVER_USER, SHARE_ID, DataPdu.CTRLACTION_COOPERATE))),
                wrap(new Out(0, DataPdu.encode(SERVER_USER, SHARE_ID, ShareDataHeader.PDUTYPE2_CONTROL, granted))),
                // Font Map (2.2.1.22): numberEntries 0, totalNumEntries 0, mapFlags FONTMAP_FIRST|LAST, entrySize 4
                wrap(new Out(0, DataPdu.encode(SERVER_USER, SHARE_ID, ShareDataHeader.PDUTYPE2_FONTMAP,
                        new byte[] {0, 0, 0, 0, 3, 0, 4, 0}))));
    }

    public byte[] wrap(Out o) {
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

    /** This server's RSA key in a signed proprietary certificate (as carried by GCC or a License Request). */
    /** The demo server's RSA modulus and private exponent (a throwaway demo key), so tests can decrypt what clients sent. */
    public BigInteger modulus() {
        return n;
    }

    public BigInteger privateExponent() {
        return d;
    }

    /** A self-signed X.509 certificate for this session's RSA key (like an old Windows server's), valid in the given window. */
    public byte[] x509Leaf(String subject, java.time.Instant notBefore, java.time.Instant notAfter, String sigAlg) {
        try {
            java.security.KeyFactory kf = java.security.KeyFactory.getInstance("RSA");
            java.security.PublicKey pub = kf.generatePublic(new java.security.spec.RSAPublicKeySpec(n, BigInteger.valueOf(65537)));
            java.security.PrivateKey priv = kf.generatePrivate(new java.security.spec.RSAPrivateKeySpec(n, d));
            org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name(subject);
            var b = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                    java.util.Date.from(notBefore), java.util.Date.from(notAfter), name, pub);
            var signer = new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder(sigAlg).build(priv);
            return b.build(signer).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the demo X.509 certificate: " + e, e);
        }
    }

    public ProprietaryCertificate certificate() {
        ProprietaryCertificate cert = ProprietaryCertificate.of(true, publicKey, new byte[72]);
        return cert.withSignature(TerminalServicesKey.sign(cert.signedData()));
    }

    private byte[] connectResponse() {
        List<GccBlock> blocks = new ArrayList<>();
        blocks.add(new ServerCoreData(RdpVersion.RDP_10_7.value(), clientRequestedProtocols, skipChannelJoinSupported ? ServerCoreData.SKIP_CHANNELJOIN_SUPPORTED : 0));
        if (standard() && x509Chain != null) {
            blocks.add(new ServerSecurityData(method, EncryptionLevel.HIGH, serverRandom,
                    new io.rdpprobe.protocol.gcc.X509CertificateChain(2, x509Chain, new byte[8 + 4 * x509Chain.size()])));
        } else if (standard()) {
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
