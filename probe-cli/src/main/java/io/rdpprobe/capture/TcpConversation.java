package io.rdpprobe.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.tls.ClientHello;
import io.rdpprobe.protocol.tls.HandshakeHeader;
import io.rdpprobe.protocol.tls.ServerHello;
import io.rdpprobe.protocol.tls.TlsRecordHeader;
import io.rdpprobe.protocol.tls.TlsVersions;
import io.rdpprobe.protocol.x224.ConnectionConfirm;
import io.rdpprobe.protocol.x224.ConnectionRequest;
import io.rdpprobe.protocol.x224.CrToken;
import io.rdpprobe.protocol.x224.NegotiationFailure;
import io.rdpprobe.protocol.x224.NegotiationResponse;
import io.rdpprobe.protocol.x224.FailureCode;
import java.util.ArrayList;
import java.util.List;

/**
 * Scripts one TCP connection as IP packets (for tests and synthetic captures): handshake, data either way
 * (segmented at an MSS), FIN/RST. Sequence numbers are tracked; {@link #packets()} returns them in order and callers
 * may reorder, duplicate or drop them to exercise reassembly.
 */
public final class TcpConversation {
    /** One IP packet and its timestamp. */
    public record Packet(long timestampNanos, byte[] ip, boolean fromClient, int payloadLength) {}

    private final byte[] clientAddr;
    private final int clientPort;
    private final byte[] serverAddr;
    private final int serverPort;
    private long cseq;
    private long sseq;
    private long ts;
    private final long step;
    private int mss = 1460;
    private final List<Packet> packets = new ArrayList<>();

    public TcpConversation(byte[] clientAddr, int clientPort, byte[] serverAddr, int serverPort, long startNanos,
                           long clientIsn, long serverIsn) {
        this.clientAddr = clientAddr;
        this.clientPort = clientPort;
        this.serverAddr = serverAddr;
        this.serverPort = serverPort;
        this.ts = startNanos;
        this.cseq = clientIsn & 0xFFFFFFFFL;
        this.sseq = serverIsn & 0xFFFFFFFFL;
        this.step = 100_000L; // 0.1 ms between packets
    }

    public TcpConversation mss(int mss) {
        this.mss = mss;
        return this;
    }

    public List<Packet> packets() {
        return packets;
    }

    private void emit(boolean fromClient, int flags, byte[] payload) {
        ts += step;
        byte[] ip = fromClient
                ? FrameBuilder.tcp(clientAddr, clientPort, serverAddr, serverPort, cseq, sseq, flags, payload)
                : FrameBuilder.tcp(serverAddr, serverPort, clientAddr, clientPort, sseq, cseq, flags, payload);
        packets.add(new Packet(ts, ip, fromClient, payload.length));
    }

    public TcpConversation handshake() {
        emit(true, DecodedPacket.SYN, new byte[0]);
        cseq = (cseq + 1) & 0xFFFFFFFFL;
        emit(false, DecodedPacket.SYN | DecodedPacket.ACK, new byte[0]);
        sseq = (sseq + 1) & 0xFFFFFFFFL;
        emit(true, DecodedPacket.ACK, new byte[0]);
        return this;
    }

    /** Server answers the SYN with RST+ACK (nothing listening). */
    public TcpConversation refused() {
        emit(true, DecodedPacket.SYN, new byte[0]);
        cseq = (cseq + 1) & 0xFFFFFFFFL;
        emit(false, DecodedPacket.RST | DecodedPacket.ACK, new byte[0]);
        return this;
    }

    public TcpConversation client(byte[] data) {
        return send(true, data);
    }

    public TcpConversation server(byte[] data) {
        return send(false, data);
    }

    private TcpConversation send(boolean fromClient, byte[] data) {
        for (int off = 0; off < data.length; off += mss) {
            int n = Math.min(mss, data.length - off);
            byte[] seg = java.util.Arrays.copyOfRange(data, off, off + n);
            emit(fromClient, DecodedPacket.ACK | 0x08, seg);
            if (fromClient) cseq = (cseq + n) & 0xFFFFFFFFL;
            else sseq = (sseq + n) & 0xFFFFFFFFL;
        }
        return this;
    }

    public TcpConversation fin(boolean fromClient) {
        emit(fromClient, DecodedPacket.FIN | DecodedPacket.ACK, new byte[0]);
        if (fromClient) cseq = (cseq + 1) & 0xFFFFFFFFL;
        else sseq = (sseq + 1) & 0xFFFFFFFFL;
        return this;
    }

    public TcpConversation rst(boolean fromClient) {
        emit(fromClient, DecodedPacket.RST | DecodedPacket.ACK, new byte[0]);
        return this;
    }

    // ---- RDP payloads ---------------------------------------------------------------------------------------

    public static byte[] connectionRequest(String cookie, int requested) {
        return bytes(ConnectionRequest.of(cookie == null ? null : new CrToken.Cookie(cookie), requested));
    }

    public static byte[] connectionConfirm(int selected) {
        return bytes(new ConnectionConfirm(0, 0x1234, 0, new NegotiationResponse(0x01, selected)));
    }

    public static byte[] negotiationFailure(int code) {
        return bytes(new ConnectionConfirm(0, 0x1234, 0, new NegotiationFailure(new FailureCode(code))));
    }

    private static byte[] bytes(io.rdpprobe.protocol.x224.X224Tpdu t) {
        ByteBuf b = Unpooled.buffer(t.encodedLength());
        t.encode(b);
        return io.netty.buffer.ByteBufUtil.getBytes(b);
    }

    /** A TLS record holding one ClientHello (TLS 1.2, SNI). */
    public static byte[] clientHelloRecord(String sni) {
        ClientHello ch = ClientHello.of(TlsVersions.TLS12, new byte[32], List.of(0xC02F, 0xC030, 0x009C, 0x002F), sni);
        ByteBuf body = Unpooled.buffer();
        ch.encode(body);
        return record(TlsRecordHeader.HANDSHAKE, handshake(HandshakeHeader.CLIENT_HELLO, body));
    }

    /** ServerHello, Certificate (given DER chain, may be empty) and ServerHelloDone in one record. */
    public static byte[] serverFlightRecord(int suite, List<byte[]> chain) {
        ByteBuf all = Unpooled.buffer();
        ByteBuf sh = Unpooled.buffer();
        ServerHello.of(TlsVersions.TLS12, new byte[32], suite).encode(sh);
        all.writeBytes(handshake(HandshakeHeader.SERVER_HELLO, sh));
        if (!chain.isEmpty()) {
            ByteBuf cm = Unpooled.buffer();
            new io.rdpprobe.protocol.tls.CertificateMessage(chain).encode(cm);
            all.writeBytes(handshake(HandshakeHeader.CERTIFICATE, cm));
        }
        all.writeBytes(handshake(HandshakeHeader.SERVER_HELLO_DONE, Unpooled.EMPTY_BUFFER));
        return record(TlsRecordHeader.HANDSHAKE, all);
    }

    public static byte[] changeCipherSpec() {
        return record(TlsRecordHeader.CHANGE_CIPHER_SPEC, Unpooled.wrappedBuffer(new byte[] {1}));
    }

    public static byte[] alert(int level, int description) {
        return record(TlsRecordHeader.ALERT, Unpooled.wrappedBuffer(new byte[] {(byte) level, (byte) description}));
    }

    /** An application-data record of {@code n} opaque bytes. */
    public static byte[] applicationData(int n) {
        return record(TlsRecordHeader.APPLICATION_DATA, Unpooled.wrappedBuffer(new byte[n]));
    }

    private static ByteBuf handshake(int type, ByteBuf body) {
        ByteBuf b = Unpooled.buffer(4 + body.readableBytes());
        new HandshakeHeader(type, body.readableBytes()).encode(b);
        b.writeBytes(body);
        return b;
    }

    private static byte[] record(int type, ByteBuf fragment) {
        ByteBuf b = Unpooled.buffer(5 + fragment.readableBytes());
        new TlsRecordHeader(type, TlsVersions.TLS12, fragment.readableBytes()).encode(b);
        b.writeBytes(fragment);
        return io.netty.buffer.ByteBufUtil.getBytes(b);
    }

    public static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }
}
