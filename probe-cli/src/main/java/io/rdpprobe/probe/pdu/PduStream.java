package io.rdpprobe.probe.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.credssp.TsRequest;
import io.rdpprobe.protocol.tls.Alert;
import io.rdpprobe.protocol.tls.HandshakeHeader;
import io.rdpprobe.protocol.tls.HandshakeReassembler;
import io.rdpprobe.protocol.tls.ServerHello;
import io.rdpprobe.protocol.tls.TlsRecordHeader;
import io.rdpprobe.protocol.tls.TlsVersions;
import io.rdpprobe.protocol.tpkt.FrameKind;
import io.rdpprobe.protocol.tpkt.FrameProbe;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the bytes of one connection into whole PDUs and names each ({@link PduNames}), as they cross: the
 * plaintext the driver sends and receives (TPKT, fast-path, CredSSP's DER TSRequests), and the TLS records of a
 * handshake (record and handshake headers only: {@code TLS ClientHello}, {@code TLS Certificate}, {@code TLS
 * ChangeCipherSpec}, {@code TLS alert fatal bad_certificate}; once a record is encrypted, as TLS 1.3's handshake
 * after ServerHello is, {@code TLS encrypted handshake}). A PDU split across reads is named when its last byte
 * arrives; each direction holds at most one frame (64 KiB) and {@link #flush} names what is left of an
 * incomplete one. Never throws on bad bytes: they are named "malformed" or "unrecognised".
 */
public final class PduStream {
    /** One PDU: its name, its size in bytes, and its first bytes for a hex preview (null: not to be shown). */
    public record Pdu(String name, int size, byte[] head) {}

    private static final int MAX_FRAME = 70_000;
    private static final int HEAD = 24;

    private final ByteBuf[] plain = new ByteBuf[2];
    private final ByteBuf[] records = new ByteBuf[2];
    private final HandshakeReassembler[] handshake = {new HandshakeReassembler(1 << 18), new HandshakeReassembler(1 << 18)};
    private final boolean[] ccs = new boolean[2];
    private boolean tls13;
    private boolean serverHelloSeen;

    private static int dir(boolean sent) {
        return sent ? 0 : 1;
    }

    /**
     * Plaintext the driver wrote ({@code sent}) or received, during {@code stage}.
     *
     * @param standardSecurity Standard RDP Security in force (selected protocol RDP)
     */
    public List<Pdu> plain(boolean sent, String stage, ByteBuf chunk, boolean standardSecurity) {
        int d = dir(sent);
        if (plain[d] == null) {
            plain[d] = Unpooled.buffer(chunk.readableBytes());
        }
        ByteBuf b = plain[d];
        b.writeBytes(chunk, chunk.readerIndex(), chunk.readableBytes());
        List<Pdu> out = new ArrayList<>();
        boolean early = "X224".equals(stage) || "TCP".equals(stage);
        while (b.isReadable()) {
            if (!sent && "CREDSSP".equals(stage) && b.getUnsignedByte(b.readerIndex()) != 0x30) {
                // HYBRID_EX: the server's 4-byte Early User Authorization Result after the CredSSP exchange
                if (b.readableBytes() < 4) {
                    break;
                }
                ByteBuf f = b.readSlice(4);
                out.add(new Pdu(PduNames.earlyUserAuthResult(f), 4, head(f)));
                continue;
            }
            FrameKind k = FrameProbe.classify(b);
            int len;
            try {
                len = switch (k) {
                    case TPKT -> FrameProbe.frameLength(b);
                    case DER_SEQUENCE -> early ? -2 : TsRequest.frameLength(b);
                    case FAST_PATH -> early ? -2 : FrameProbe.fastPathLength(b);
                    case NEED_MORE -> FrameProbe.NEED_MORE;
                    default -> -2;
                };
            } catch (DecodeException e) {
                len = -3;
            }
            if (len == FrameProbe.NEED_MORE) {
                if (b.readableBytes() > MAX_FRAME) {
                    out.add(whole(b, "unframeable data", true));
                }
                break;
            }
            if (len < 0) {
                out.add(whole(b, len == -3 ? "malformed frame" : "unrecognised data (not a TPKT"
                        + (early ? "" : ", fast-path or TSRequest") + " frame)", true));
                break;
            }
            if (b.readableBytes() < len) {
                break;
            }
            ByteBuf f = b.readSlice(len);
            switch (k) {
                case TPKT -> out.add(new Pdu(PduNames.tpkt(f, sent, standardSecurity), len, head(f)));
                case DER_SEQUENCE -> out.add(new Pdu(PduNames.tsRequest(f), len, null));
                default -> out.add(new Pdu(PduNames.fastPath(sent), len, head(f)));
            }
        }
        b.discardReadBytes();
        return out;
    }

    /** Raw TLS bytes of the handshake phase, as written to or read from the socket. */
    public List<Pdu> tls(boolean sent, ByteBuf chunk) {
        int d = dir(sent);
        if (records[d] == null) {
            records[d] = Unpooled.buffer(chunk.readableBytes());
        }
        ByteBuf b = records[d];
        b.writeBytes(chunk, chunk.readerIndex(), chunk.readableBytes());
        List<Pdu> out = new ArrayList<>();
        while (b.isReadable()) {
            int len;
            try {
                len = FrameProbe.classify(b) == FrameKind.NEED_MORE ? FrameProbe.NEED_MORE
                        : FrameProbe.classify(b) == FrameKind.TLS_RECORD ? FrameProbe.tlsRecordLength(b) : -2;
            } catch (DecodeException e) {
                len = -2;
            }
            if (len == -2) {
                out.add(whole(b, "not a TLS record", true));
                break;
            }
            if (len == FrameProbe.NEED_MORE || b.readableBytes() < len) {
                break;
            }
            record(sent, b.readSlice(len), out);
        }
        b.discardReadBytes();
        return out;
    }

    private void record(boolean sent, ByteBuf rec, List<Pdu> out) {
        int d = dir(sent);
        int size = rec.readableBytes();
        TlsRecordHeader h;
        try {
            h = TlsRecordHeader.decode(rec);
        } catch (DecodeException e) {
            out.add(new Pdu("malformed TLS record", size, null));
            return;
        }
        boolean encrypted = ccs[d] || (tls13 && (!sent || ccs[d]));
        switch (h.contentType()) {
            case TlsRecordHeader.CHANGE_CIPHER_SPEC -> {
                ccs[d] = true;
                out.add(new Pdu("TLS ChangeCipherSpec", size, null));
            }
            case TlsRecordHeader.ALERT -> {
                if (encrypted || rec.readableBytes() != 2) {
                    out.add(new Pdu("TLS alert (encrypted)", size, null));
                } else {
                    try {
                        out.add(new Pdu("TLS alert " + Alert.decode(rec), size, null));
                    } catch (DecodeException e) {
                        out.add(new Pdu("malformed TLS alert", size, null));
                    }
                }
            }
            case TlsRecordHeader.HANDSHAKE -> {
                if (encrypted) {
                    // up to TLS 1.2 the one handshake message after ChangeCipherSpec is Finished (RFC 5246 7.4.9)
                    out.add(new Pdu(tls13 ? "TLS encrypted handshake" : "TLS Finished (encrypted)", size, null));
                    return;
                }
                int before = out.size();
                try {
                    handshake[d].feed(rec, (type, body, total) -> {
                        if (type == HandshakeHeader.SERVER_HELLO && !sent && !serverHelloSeen) {
                            serverHelloSeen = true;
                            try {
                                tls13 = ServerHello.decode(body.duplicate()).version() == TlsVersions.TLS13;
                            } catch (DecodeException e) {
                                // named below as it is; the TLS stage judges it
                            }
                        }
                        out.add(new Pdu("TLS " + HandshakeHeader.messageName(type), total, null));
                    });
                } catch (DecodeException e) {
                    out.add(new Pdu("malformed TLS handshake", size, null));
                    return;
                }
                if (out.size() == before) {
                    out.add(new Pdu("TLS handshake fragment", size, null));
                }
            }
            // TLS 1.3 handshake messages after ServerHello travel as application_data records (RFC 8446 5.2); the
            // driver taps the TLS bytes only until the handshake ends
            case TlsRecordHeader.APPLICATION_DATA -> out.add(new Pdu(
                    tls13 ? "TLS encrypted handshake" : "TLS application data", size, null));
            default -> out.add(new Pdu("TLS " + h.contentTypeName(), size, null));
        }
    }

    /** A PDU left incomplete in one direction. */
    public record Pending(boolean sent, Pdu pdu) {}

    /** Names what is left of an incomplete frame in either direction (the connection closed or timed out). */
    public List<Pending> flush() {
        List<Pending> out = new ArrayList<>();
        for (ByteBuf[] bufs : List.of(plain, records)) {
            for (int d = 0; d < 2; d++) {
                if (bufs[d] != null && bufs[d].isReadable()) {
                    out.add(new Pending(d == 0, whole(bufs[d], "incomplete frame", bufs == plain)));
                    bufs[d].discardReadBytes();
                }
            }
        }
        return out;
    }

    public void release() {
        for (int d = 0; d < 2; d++) {
            if (plain[d] != null) plain[d].release();
            if (records[d] != null) records[d].release();
            plain[d] = records[d] = null;
            handshake[d].release();
        }
    }

    private static Pdu whole(ByteBuf b, String name, boolean showHead) {
        int n = b.readableBytes();
        ByteBuf f = b.readSlice(n);
        return new Pdu(name, n, showHead ? head(f) : null);
    }

    private static byte[] head(ByteBuf f) {
        byte[] h = new byte[Math.min(HEAD, f.readableBytes())];
        f.getBytes(f.readerIndex(), h);
        return h;
    }
}
