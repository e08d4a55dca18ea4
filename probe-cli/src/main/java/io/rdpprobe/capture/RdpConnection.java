package io.rdpprobe.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.rdpprobe.probe.connector.X224Reading;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.tls.Alert;
import io.rdpprobe.protocol.tls.CertificateMessage;
import io.rdpprobe.protocol.tls.ClientHello;
import io.rdpprobe.protocol.tls.HandshakeHeader;
import io.rdpprobe.protocol.tls.HandshakeReassembler;
import io.rdpprobe.protocol.tls.ServerHello;
import io.rdpprobe.protocol.tls.TlsRecordHeader;
import io.rdpprobe.protocol.tls.TlsVersions;
import io.rdpprobe.protocol.x224.ConnectionConfirm;
import io.rdpprobe.protocol.x224.ConnectionRequest;
import io.rdpprobe.protocol.x224.NegotiationFailure;
import io.rdpprobe.protocol.x224.Protocols;
import io.rdpprobe.protocol.x224.X224Tpdu;
import java.util.ArrayList;
import java.util.List;

/**
 * One TCP connection seen in a capture: reassembles both directions, frames them, and decodes what is in clear
 * (X.224, TLS handshake, MCS/GCC and early PDUs under Standard RDP Security). {@link ReportBuilder} turns the
 * result into a stage {@link io.rdpprobe.probe.model.Report}.
 */
public final class RdpConnection {
    /** Who sent a PDU or closed the connection. */
    public enum Side { CLIENT, SERVER;
        String lower() { return this == CLIENT ? "client" : "server"; }
    }

    /** TPKT frames decoded per direction before the rest is only counted (bounded work per connection). */
    static final int MAX_DECODED_TPKT = 64;
    static final int MAX_HANDSHAKE_BUFFER = 1 << 18;

    final Endpoint client;
    final Endpoint server;
    final long firstSeen;
    long lastSeen;
    final boolean synSeen;
    long tSyn = -1;
    long tSynAck = -1;
    boolean refused;

    /** The proxy handshake in front of the RDP stream (SOCKS5, HTTP CONNECT), if any; see {@link #proxy()}. */
    final ProxyPreamble proxy;
    final TcpStream c2s;
    final TcpStream s2c;
    private final Framer clientFramer;
    private final Framer serverFramer;

    // ---- X.224
    boolean rdpLikely;
    boolean notRdp;
    long tCr = -1;
    ConnectionRequest cr;
    String crError;
    long tCc = -1;
    /** The server's decoded reply to the Connection Request (a CC, DR, ER or other TPDU), and its bytes in hex. */
    X224Tpdu serverReply;
    String serverReplyHex;
    ConnectionConfirm cc;
    DecodeException ccError;

    // ---- TLS
    boolean tls;
    long tClientHello = -1;
    ClientHello clientHello;
    long tServerHello = -1;
    ServerHello serverHello;
    List<byte[]> certificates;
    boolean serverHelloDone;
    long tClientCcs = -1;
    long tServerCcs = -1;
    long tTlsDone = -1;
    final List<String> alerts = new ArrayList<>();
    Alert fatalAlert;
    Side fatalAlertFrom;
    long tAlert = -1;
    String tlsError;
    long[] appRecords = new long[2];
    long[] appBytes = new long[2];
    long[] tFirstApp = {-1, -1};
    private final HandshakeReassembler[] handshake = new HandshakeReassembler[2];
    private final DirectionHandler[] handlers = new DirectionHandler[2];
    // ---- the encrypted CredSSP exchange, as the order of the TLS application records after the handshake shows it
    /** Runs of client records (a CredSSP message each: NEGOTIATE, AUTHENTICATE, credentials, ...). */
    int clientFlights;
    long tLastClientFlight = -1;
    private Side lastAppFrom;
    /** The server sent a record (not of a TLS alert's size) after the client's last flight. */
    boolean serverAnsweredLastFlight;
    /** The server sent a TLS alert (encrypted; under TLS 1.3 a record of an alert's size) after the client's last flight. */
    boolean serverAlertAfterLastFlight;
    /** A TLS 1.3 record holding an alert: 5-byte header, 2-byte alert, content type, 16-byte AEAD tag. */
    static final int TLS13_ALERT_RECORD = 24;

    // ---- the session (MCS ... ACTIVATION), in clear under Standard RDP Security, decrypted under TLS
    /** Enhanced RDP Security once the server selected a TLS protocol (see the X.224 reply). */
    final SessionObserver session = new SessionObserver(this, false);
    // ---- decryption (only with secrets, or a capture that can carry them; null on the plain path)
    final TlsDecryption decryption;
    /** The decrypted CredSSP messages (HYBRID/HYBRID_EX with decryption), or null. */
    CredSspObserver credssp;
    /** The first TLS alert a side sent inside the encrypted stream after the CredSSP exchange began, decrypted. */
    final io.rdpprobe.protocol.tls.Alert[] decryptedAlert = new io.rdpprobe.protocol.tls.Alert[2];
    final long[] tDecryptedAlert = {-1, -1};
    int[] tpktDecoded = new int[2];

    // ---- close
    Side closedBy;
    String closeKind; // FIN or RST
    long tClose = -1;
    String closeAfter;
    boolean[] finSeen = new boolean[2];
    boolean rstSeen;
    /** Capture time at which the connection was closed out (RST or both FINs). */
    long tClosedOut = -1;
    /** The packet index (1-based, of the whole capture) at which it was closed and held, for the order of release. */
    long closeIndex = -1;
    // ---- segments after the close on the same 4-tuple, no new SYN (pure ACKs not counted)
    long lateSegments;
    long lateBytes;
    long tFirstLate = -1;
    long tLastLate = -1;
    final long[] lateBy = new long[2];
    /** The last PDU named ({@link #pdu}): its side and name, joined only when read ({@link #lastPdu()}). */
    private Side lastPduSide;
    private String lastPduWhat;
    // ---- RD Gateway (MS-TSGU over HTTPS): TLS first, then HTTP in the decrypted stream
    /** The client's first bytes were a TLS record (no X.224): a candidate RD Gateway connection (with decryption). */
    boolean tlsFirst;
    /** The decrypted plaintext is RD Gateway HTTP: its observer, or null. */
    GatewayObserver gateway;
    private boolean notGateway;
    /** Pairs the two-connection transport's legs; set by the analyser (one per analysis). */
    GatewayObserver.Registry gateways;
    /** The tunnelled RDP connection to the target (DATA payloads), once the gateway channel opened. */
    RdpConnection inner;
    /** This connection is the tunnelled one: it has no TCP of its own. */
    boolean tunnelled;
    private final CaptureSecrets secrets;
    /** The connection carries rdp-probe's marker ({@link ProbeCaptureFile#OWN_MARKER}): it is the probe's own. */
    boolean probeOwn;
    /** rdp-probe's stop marker on its close ({@link ProbeCaptureFile#STOP_PREFIX} or GAVE_UP_PREFIX), or null. */
    String probeStop;
    /**
     * One TPKT frame as a side sent it, in that side's order (at most {@link #MAX_DECODED_TPKT} per direction): the
     * X.224, MCS and session units of the connection, the bytes the stage readings were given. Encrypted TLS records
     * are not units (only counted); a decrypting analyser feeds the TPKT frames it recovers from them to
     * {@link SessionObserver#frame} the same way.
     */
    public record Unit(long ts, Side from, byte[] bytes) {}

    private final List<Unit> units = new ArrayList<>();

    /** The TPKT units of both directions in capture order (each direction in its own order). */
    public List<Unit> units() {
        return List.copyOf(units);
    }

    /** Who closed the connection first (null while open) and how ("FIN" or "RST"). */
    public Side closedBy() { return closedBy; }
    public String closeKind() { return closeKind; }

    /** One PDU of the ladder: capture time (ns since the epoch), who sent it, its name and size. */
    public record LadderPdu(long ts, Side from, String name, int size) {}
    /** PDUs kept per connection for the ladder diagram (bounded: the rest is only counted). */
    static final int MAX_LADDER = 200;
    private final List<LadderPdu> ladder = new ArrayList<>();
    private int ladderDropped;
    private long curTs;
    private int curSize;
    final long[] lost = new long[2];
    final List<String> notes = new ArrayList<>();

    RdpConnection(Endpoint client, Endpoint server, long ts, boolean syn) {
        this(client, server, ts, syn, null);
    }

    /** @param secrets the analysis' TLS secrets, or null (the plain path: no decryption object at all) */
    RdpConnection(Endpoint client, Endpoint server, long ts, boolean syn, CaptureSecrets secrets) {
        this.decryption = secrets != null && secrets.possible() ? new TlsDecryption(this, secrets) : null;
        this.secrets = secrets;
        this.client = client;
        this.server = server;
        this.firstSeen = ts;
        this.lastSeen = ts;
        this.synSeen = syn;
        if (syn) {
            tSyn = ts;
        }
        this.handlers[0] = new DirectionHandler(Side.CLIENT);
        this.handlers[1] = new DirectionHandler(Side.SERVER);
        this.clientFramer = new Framer(handlers[0]);
        this.serverFramer = new Framer(handlers[1]);
        // A proxy preamble can only be seen from the start of the stream: with the SYN in the capture.
        this.proxy = syn ? new ProxyPreamble(new ProxyPreamble.Out() {
            @Override public void client(byte[] d, int o, int l, long t) { clientFramer.feed(d, o, l, t); }
            @Override public void server(byte[] d, int o, int l, long t) { serverFramer.feed(d, o, l, t); }
        }) : null;
        this.c2s = new TcpStream(new DirectionSink(Side.CLIENT));
        this.s2c = new TcpStream(new DirectionSink(Side.SERVER));
        if (server.port() == 3389) {
            rdpLikely = true;
        }
    }

    /** A packet comment of this connection: rdp-probe's markers make it the probe's own and say why it stopped. */
    void comment(String s) {
        if (s == null || !s.startsWith("rdp-probe")) {
            return;
        }
        probeOwn = true;
        if (s.startsWith(ProbeCaptureFile.STOP_PREFIX) || s.startsWith(ProbeCaptureFile.GAVE_UP_PREFIX)) {
            probeStop = s.length() > 2000 ? s.substring(0, 2000) : s;
        }
    }

    /** The stage rdp-probe's stop marker names when it stopped by design ("stopped after CREDSSP as asked"), or null. */
    io.rdpprobe.probe.model.Stage probeStoppedAfter() {
        if (probeStop == null || !probeStop.startsWith(ProbeCaptureFile.STOP_PREFIX)) {
            return null;
        }
        String rest = probeStop.substring(ProbeCaptureFile.STOP_PREFIX.length());
        int sp = rest.indexOf(' ');
        try {
            return io.rdpprobe.probe.model.Stage.valueOf(sp < 0 ? rest : rest.substring(0, sp));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public Endpoint client() { return client; }
    public Endpoint server() { return server; }
    public SessionObserver session() { return session; }
    public ConnectionRequest connectionRequest() { return cr; }
    public ConnectionConfirm connectionConfirm() { return cc; }
    /** The X224 stage's reading of the server's reply (the live probe's {@link X224Reading}), or null before one. */
    public X224Reading x224() {
        return serverReply == null ? null : X224Reading.of(X224Reading.requestedBy(cr), serverReply, serverReplyHex);
    }

    /** The protocol the later stages run, or -1 (no reply, or a reply that ends the connection). */
    public int selectedProtocol() {
        X224Reading r = x224();
        return r == null ? -1 : r.selectedProtocol();
    }

    public NegotiationFailure negotiationFailure() {
        return x224() instanceof X224Reading.Refused f ? f.failure() : null;
    }
    public ClientHello clientHello() { return clientHello; }
    public ServerHello serverHello() { return serverHello; }
    public List<byte[]> certificates() { return certificates == null ? List.of() : certificates; }

    /** Whether this connection is RDP: a CR from the client, a CC from the server, or the RDP port. */
    public boolean isRdp() {
        if (tlsFirst) {
            return gateway != null && !gateway.isInLeg(); // an RD Gateway's RDG_IN_DATA leg is reported with its OUT
        }
        return notRdp ? cr != null || cc != null : cr != null || cc != null || ccError != null || rdpLikely || proxyToRdpPort();
    }

    /** A proxy preamble that asked for port 3389 is an RDP connection attempt even if the proxy refused it. */
    private boolean proxyToRdpPort() {
        ProxyPreamble p = proxy();
        return p != null && p.destinationPort == 3389;
    }

    /** Notes and alerts are bounded so a long connection cannot grow them without limit. */
    static final int MAX_NOTES = 32;

    void note(String s) {
        if (notes.size() < MAX_NOTES) {
            notes.add(s);
        }
    }

    private void alert(String s) {
        if (alerts.size() < MAX_NOTES) {
            alerts.add(s);
        }
    }

    /** The proxy preamble when the stream had one (kind non-null), else null. */
    public ProxyPreamble proxy() {
        return proxy != null && proxy.kind != null ? proxy : null;
    }

    private void gap(Side side, long n, long ts) {
        if (proxy != null && !proxy.decided()) {
            proxy.flush("the capture lost bytes during the proxy preamble");
        }
        lost[side.ordinal()] += n;
        note(side.lower() + " stream: capture lost " + n + " bytes");
        if (decryption != null) {
            decryption.gap(side, n);
        }
        (side == Side.CLIENT ? clientFramer : serverFramer).gap(n, ts);
    }

    void closed(Side by, String kind, long ts) {
        if (closedBy == null) {
            closedBy = by;
            closeKind = kind;
            tClose = ts;
            closeAfter = lastPdu();
        }
    }

    /** A segment of this 4-tuple after the RST / both FINs, without a new SYN: noted, not decoded. */
    void lateSegment(Side side, int payload, boolean fin, boolean rst, long ts) {
        if (payload == 0 && !fin && !rst) {
            return; // the final ACK of a close, or a keep-alive: nothing late about it
        }
        lateSegments++;
        lateBytes += payload;
        lateBy[side.ordinal()]++;
        if (tFirstLate < 0) tFirstLate = ts;
        tLastLate = ts;
        lastSeen = Math.max(lastSeen, ts);
    }

    /** End of connection or capture: flush holes as gaps and release buffers. */
    void finish(long ts) {
        c2s.finish(ts);
        s2c.finish(ts);
        if (proxy != null && !proxy.decided()) {
            proxy.flush("the connection ended during the proxy preamble");
        }
        clientFramer.stop();
        serverFramer.stop();
        if (decryption != null) {
            decryption.finish();
        }
        if (inner != null) {
            if (closedBy != null && inner.closedBy == null) {
                inner.closed(closedBy, closeKind, tClose);
            }
            inner.finish(ts);
        }
        for (int i = 0; i < 2; i++) {
            if (handshake[i] != null) {
                handshake[i].release();
                handshake[i] = null;
            }
        }
    }

    /** Stops decoding entirely (not RDP): frees the buffers, the connection keeps only its tuple. */
    void abandon() {
        notRdp = true;
        clientFramer.stop();
        serverFramer.stop();
    }

    /** Names the PDU being decoded (time and size set by the framer's callback) and adds it to the ladder. */
    void pdu(Side side, String what) {
        lastPduSide = side;
        lastPduWhat = what;
        if (ladder.size() < MAX_LADDER) {
            ladder.add(new LadderPdu(curTs, side, what, curSize));
        } else {
            ladderDropped++;
        }
    }

    /** The last PDU either side sent ("client: TLS application data (encrypted)"), or null before any. */
    String lastPdu() {
        return lastPduWhat == null ? null : lastPduSide.lower() + ": " + lastPduWhat;
    }

    /** As {@link #pdu}, with the size of a PDU recovered from decrypted data (not the record's). */
    void pduSized(Side side, String what, int size) {
        curSize = size;
        pdu(side, what);
    }

    /** The capture time of the frame being handled. */
    long curTs() {
        return curTs;
    }

    /**
     * One TPKT or fast-path frame recovered from decrypted TLS application data: the same path as the clear
     * frames of Standard RDP Security (units, {@link SessionObserver#frame}).
     */
    void decryptedFrame(Side side, ByteBuf f, long ts) {
        curSize = f.readableBytes();
        int i = side.ordinal();
        if (f.getUnsignedByte(f.readerIndex()) != 0x03) {
            session.fastPath(side, ts);
            return;
        }
        // every decrypted frame reaches the session reading (its records are first-of, bounded); only the first
        // MAX_DECODED_TPKT are kept as units, so a Set Error Info at the end of a long session is still read
        if (tpktDecoded[i] < MAX_DECODED_TPKT) {
            tpktDecoded[i]++;
            units.add(new Unit(ts, side, ByteBufUtil.getBytes(f)));
        } else {
            session.notDecoded[i]++;
        }
        int code = f.readableBytes() > 5 ? f.getUnsignedByte(f.readerIndex() + 5) & 0xF0 : -1;
        if (code == 0xF0) {
            session.frame(side, f, ts);
        } else {
            pdu(side, io.rdpprobe.probe.pdu.PduNames.tpkt(f, side == Side.CLIENT, false));
        }
    }

    /**
     * Decrypted application data of a TLS-first connection: RD Gateway HTTP when the client's first bytes are an RD
     * Gateway request ({@link GatewayObserver}), otherwise not analysed (another HTTPS or TLS service).
     */
    void gatewayPlaintext(Side side, ByteBuf data) {
        if (notGateway) {
            return;
        }
        if (gateway == null) {
            if (side != Side.CLIENT || !GatewayObserver.isGatewayRequest(data)) {
                notGateway = true;
                abandon();
                return;
            }
            gateway = new GatewayObserver(gateways, new GatewayObserver.Tunnel() {
                @Override
                public void open(String target, long ts) {
                    if (inner == null) {
                        inner = new RdpConnection(client, server, ts, secrets, true);
                    }
                }

                @Override
                public void data(Side from, ByteBuf payload, long ts) {
                    if (inner != null) {
                        inner.tunnelData(from, payload, ts);
                    }
                }
            });
        }
        pduSized(side, "RD Gateway HTTP/RDG data (decrypted)",
                data.readableBytes());
        if (side == Side.CLIENT) {
            gateway.client(data, curTs);
        } else {
            gateway.server(data, curTs);
        }
    }

    /** The tunnelled connection to the target (the gateway's DATA payloads): the same path as a direct connection's. */
    private RdpConnection(Endpoint client, Endpoint server, long ts, CaptureSecrets secrets, boolean tunnelled) {
        this(client, server, ts, false, secrets);
        this.tunnelled = tunnelled;
        this.rdpLikely = true;
    }

    /** One side's DATA payload bytes of the tunnel. */
    void tunnelData(Side side, ByteBuf payload, long ts) {
        lastSeen = Math.max(lastSeen, ts);
        byte[] b = ByteBufUtil.getBytes(payload);
        (side == Side.CLIENT ? clientFramer : serverFramer).feed(b, 0, b.length, ts);
    }

    /** A TLS alert recovered from an encrypted record. */
    void decryptedAlert(Side side, io.rdpprobe.protocol.tls.Alert a) {
        int i = side.ordinal();
        alert(side.lower() + ": " + a + " (decrypted)");
        pdu(side, "TLS alert " + a + " (decrypted)");
        if (decryptedAlert[i] == null) {
            decryptedAlert[i] = a;
            tDecryptedAlert[i] = curTs;
        }
    }

    /** The PDUs in the order the reassembled streams delivered them (per direction in capture order). */
    public List<LadderPdu> ladder() {
        return List.copyOf(ladder);
    }

    public int ladderDropped() {
        return ladderDropped;
    }

    /** The capture time (ns since the epoch) of the first packet of this connection. */
    public long firstSeen() {
        return firstSeen;
    }

    // ------------------------------------------------------------------------------------------------------
    /**
     * Decrypted TLS handshake bytes (TLS 1.3: EncryptedExtensions, Certificate, ...): the same reassembly and
     * handshake-message path as the clear TLS 1.2 handshake, so the certificate chain is read once, in one place.
     */
    void decryptedHandshake(Side side, ByteBuf data, long ts) {
        handlers[side.ordinal()].handshakeBytes(data, ts);
    }

    /**
     * Whether, from here on, a TLS application data record from {@code side} only counts: nothing reads its bytes,
     * so its 5-byte header is all the report needs of it (its type, length, time and order: the record counts, the
     * ladder, the CredSSP flights). That holds on the plain path (no decryption: then no RD Gateway tunnel either)
     * once the first PDU checks are behind (the client's first PDU read; the server's, since {@link #tls} needs its
     * reply); {@link DirectionHandler#wants} then skips such a record. Other records (handshake, alerts, CCS, TPKT)
     * are still read whole.
     */
    boolean recordsOnly(Side side) {
        return decryption == null && !tlsFirst && !tunnelled && tls
                && (side == Side.SERVER ? serverReply != null : cr != null || crError != null);
    }

    /** One direction's reassembled bytes: the proxy preamble while undecided, then the framer. */
    private final class DirectionSink implements StreamSink {
        private final Side side;

        DirectionSink(Side side) {
            this.side = side;
        }

        private Framer framer() {
            return side == Side.CLIENT ? clientFramer : serverFramer;
        }

        private boolean toProxy() {
            return proxy != null && !proxy.decided();
        }

        @Override
        public void onData(byte[] d, int o, int l, long t) {
            if (toProxy()) {
                if (side == Side.CLIENT) proxy.client(d, o, l, t); else proxy.server(d, o, l, t);
            } else {
                framer().feed(d, o, l, t);
            }
        }

        @Override
        public void onGap(long n, long t) {
            gap(side, n, t);
        }

        @Override
        public long skippable() {
            return toProxy() ? 0 : framer().skippable();
        }

        @Override
        public int countedFrame(byte[] d, int o, int l) {
            if (!recordsOnly(side) || l < COUNTED_HEADER || d[o] != TlsRecordHeader.APPLICATION_DATA || d[o + 1] != 3) {
                return -1;
            }
            try {
                int fl = io.rdpprobe.protocol.tpkt.FrameProbe.frameLength(io.netty.buffer.Unpooled.wrappedBuffer(d, o, COUNTED_HEADER));
                return fl >= COUNTED_HEADER ? fl : -1;
            } catch (DecodeException e) {
                return -1;
            }
        }

        @Override
        public void onSkipped(long n, long t) {
            framer().skipCounted(n, t);
        }
    }

    private final class DirectionHandler implements Framer.Handler {
        private final Side side;

        DirectionHandler(Side side) {
            this.side = side;
        }

        @Override
        public boolean wants(ByteBuf acc, int len) {
            int b0 = acc.getUnsignedByte(acc.readerIndex());
            if (side == Side.CLIENT && cr == null && crError == null && !tlsFirst && !rdpLikely && !tunnelled
                    && decryption != null && b0 == TlsRecordHeader.HANDSHAKE && acc.readableBytes() >= 2
                    && acc.getUnsignedByte(acc.readerIndex() + 1) == 3) {
                tlsFirst = true; // TLS first, no X.224: an RD Gateway if the decrypted stream is its HTTP
                tls = true;
            }
            if (tlsFirst) {
                if (b0 == TlsRecordHeader.APPLICATION_DATA) {
                    boolean w = decryption.wants(side);
                    if (!w && gateway == null) {
                        abandon(); // TLS first and no plaintext: nothing shows it is an RD Gateway (not reported)
                    }
                    return w;
                }
                return b0 >= 0x14 && b0 <= 0x18;
            }
            if (b0 != 0x03 && side == Side.CLIENT && cr == null && crError == null) {
                crError = String.format("the client's first PDU is not an X.224 Connection Request (first byte 0x%02x)", b0);
                if (!rdpLikely) {
                    abandon();
                    return false;
                }
            }
            if (b0 != 0x03 && side == Side.SERVER && serverReply == null && ccError == null
                    && cr == null && !rdpLikely) {
                abandon();
                return false;
            }
            if (b0 == TlsRecordHeader.APPLICATION_DATA && acc.readableBytes() >= 3 && acc.getUnsignedByte(acc.readerIndex() + 1) == 3) {
                return decryption != null && tls && decryption.wants(side);
            }
            if (b0 == 0x03) {
                return tpktDecoded[side.ordinal()] < MAX_DECODED_TPKT;
            }
            if (b0 >= 0x14 && b0 <= 0x18) {
                return tls; // TLS handshake/alert/CCS records are small and interesting
            }
            return false; // fast-path
        }

        @Override
        public void skipped(int firstByte, int len, long ts) {
            curTs = ts;
            curSize = len;
            int i = side.ordinal();
            if (firstByte == TlsRecordHeader.APPLICATION_DATA) {
                appRecord(len, ts);
                pdu(side, "TLS application data (encrypted)");
            } else if (firstByte == 0x03) {
                session.encryptedPdus[i]++;
                pdu(side, "slow-path PDU (not decoded)");
            } else {
                session.encryptedPdus[i]++;
                pdu(side, io.rdpprobe.probe.pdu.PduNames.fastPath(side == Side.CLIENT));
            }
        }

        /** Counts one TLS application data record (skipped, or framed for decryption). */
        private void appRecord(int len, long ts) {
            int i = side.ordinal();
            appRecords[i]++;
            appBytes[i] += len;
            if (tFirstApp[i] < 0) tFirstApp[i] = ts;
            boolean tls13 = serverHello != null && serverHello.version() == TlsVersions.TLS13;
            if (tTlsDone < 0 && tls13 && side == Side.CLIENT) {
                tTlsDone = ts; // the client's Finished
            } else if (tTlsDone >= 0 && closedBy == null) {
                flight(side, tls13 && len == TLS13_ALERT_RECORD, ts);
            }
        }

        /** One application record after the TLS handshake: counts the client's flights and the server's answers. */
        private void flight(Side from, boolean alertSized, long ts) {
            if (from == Side.CLIENT) {
                if (alertSized) {
                    return; // the client's close_notify
                }
                if (lastAppFrom != Side.CLIENT) {
                    clientFlights++;
                    serverAnsweredLastFlight = false;
                    serverAlertAfterLastFlight = false;
                }
                tLastClientFlight = ts;
                lastAppFrom = Side.CLIENT;
                return;
            }
            if (clientFlights == 0) {
                return; // TLS 1.3 session tickets before the first CredSSP message
            }
            if (alertSized) {
                serverAlertAfterLastFlight = true;
            } else {
                serverAnsweredLastFlight = true;
                lastAppFrom = Side.SERVER;
            }
        }

        @Override
        public void bad(DecodeException e, ByteBuf acc, long ts) {
            curTs = ts;
            curSize = acc.readableBytes();
            if (side == Side.CLIENT && cr == null && crError == null) {
                crError = "the client's first bytes are not an X.224 Connection Request: " + e.getMessage();
                if (!rdpLikely) {
                    abandon();
                }
            } else if (side == Side.SERVER && serverReply == null && ccError == null) {
                if (cr == null && !rdpLikely) {
                    abandon();
                    return;
                }
                ccError = e;
                tCc = ts;
            } else {
                note(side.lower() + " stream: unframeable data: " + e.getMessage());
                if (side == Side.SERVER && session.serverError == null && !tls && cc != null) {
                    session.serverError = e.getMessage();
                }
            }
            pdu(side, "malformed data");
        }

        @Override
        public void framingLost(long gapBytes, long ts) {
            note(side.lower() + " stream: decoding stopped after a capture gap of " + gapBytes + " bytes");
        }

        @Override
        public void frame(ByteBuf f, long ts) {
            curTs = ts;
            curSize = f.readableBytes();
            int b0 = f.getUnsignedByte(f.readerIndex());
            if (b0 == 0x03) {
                tpktDecoded[side.ordinal()]++;
                tpkt(f, ts);
            } else if (b0 == TlsRecordHeader.APPLICATION_DATA && decryption != null) {
                int len = f.readableBytes();
                appRecord(len, ts); // framed only for decryption
                if (!decryption.record(side, f)) {
                    curTs = ts;
                    curSize = len;
                    pdu(side, "TLS application data (encrypted)");
                }
            } else {
                if (decryption != null && tls) {
                    decryption.record(side, f);
                }
                tlsRecord(f, ts);
            }
        }

        private void tpkt(ByteBuf f, long ts) {
            units.add(new Unit(ts, side, ByteBufUtil.getBytes(f)));
            int code = f.readableBytes() > 5 ? f.getUnsignedByte(f.readerIndex() + 5) & 0xF0 : -1;
            if (side == Side.CLIENT) {
                if (cr == null && crError == null) {
                    if (code != 0xE0) {
                        crError = String.format("the client's first PDU is not an X.224 Connection Request (code 0x%02x)", code);
                        if (!rdpLikely) {
                            abandon();
                        }
                        return;
                    }
                    tCr = ts;
                    try {
                        cr = ConnectionRequest.decode(f.duplicate());
                        rdpLikely = true;
                        pdu(side, io.rdpprobe.probe.pdu.PduNames.connectionRequest(cr));
                    } catch (DecodeException e) {
                        crError = "malformed X.224 Connection Request: " + e.getMessage();
                        pdu(side, "malformed X.224 Connection Request");
                    }
                    return;
                }
                if (code == 0xF0) {
                    session.frame(side, f, ts);
                } else {
                    pdu(side, io.rdpprobe.probe.pdu.PduNames.tpkt(f, true, session.standardSecurity()));
                }
                return;
            }
            // server
            if (serverReply == null && ccError == null) {
                if (cr == null && !rdpLikely && code != 0xD0) {
                    abandon();
                    return;
                }
                tCc = ts;
                try {
                    // decoded from a copy: a Data TPDU keeps its user data, and the frame is only valid during the call
                    X224Tpdu reply = X224Tpdu.decode(io.netty.buffer.Unpooled.wrappedBuffer(ByteBufUtil.getBytes(f)));
                    serverReply = reply;
                    serverReplyHex = io.rdpprobe.protocol.codec.Wire.hex(f); // as the live probe writes it
                    if (reply instanceof ConnectionConfirm confirm) {
                        cc = confirm;
                        rdpLikely = true;
                    }
                    tls = Protocols.usesTls(selectedProtocol());
                    session.enhanced = tls;
                    if (decryption != null && Protocols.usesCredSsp(selectedProtocol())) {
                        credssp = new CredSspObserver(selectedProtocol() == Protocols.HYBRID_EX);
                    }
                } catch (DecodeException e) {
                    ccError = e;
                }
                pdu(side, io.rdpprobe.probe.pdu.PduNames.tpkt(f, false, false));
                return;
            }
            if (code == 0xF0) {
                session.frame(side, f, ts);
            } else {
                pdu(side, io.rdpprobe.probe.pdu.PduNames.tpkt(f, false, session.standardSecurity()));
            }
        }

        private void tlsRecord(ByteBuf f, long ts) {
            TlsRecordHeader h;
            try {
                h = TlsRecordHeader.decode(f);
            } catch (DecodeException e) {
                tlsError = side.lower() + ": " + e.getMessage();
                return;
            }
            boolean afterCcs = side == Side.CLIENT ? tClientCcs >= 0 : tServerCcs >= 0;
            boolean tls13Encrypted = serverHello != null && serverHello.version() == TlsVersions.TLS13
                    && (side == Side.SERVER || tClientCcs >= 0);
            switch (h.contentType()) {
                case TlsRecordHeader.CHANGE_CIPHER_SPEC -> {
                    if (side == Side.CLIENT) {
                        tClientCcs = ts;
                    } else {
                        tServerCcs = ts;
                        if (tTlsDone < 0 && (serverHello == null || serverHello.version() != TlsVersions.TLS13)) {
                            tTlsDone = ts;
                        }
                    }
                    pdu(side, "TLS ChangeCipherSpec");
                }
                case TlsRecordHeader.ALERT -> {
                    if (afterCcs || tls13Encrypted || f.readableBytes() != 2) {
                        if (side == Side.SERVER && clientFlights > 0 && closedBy == null) {
                            serverAlertAfterLastFlight = true;
                        }
                        alert(side.lower() + ": encrypted alert");
                        pdu(side, "TLS alert (encrypted)");
                        return;
                    }
                    try {
                        Alert a = Alert.decode(f);
                        alert(side.lower() + ": " + a);
                        pdu(side, "TLS alert " + a);
                        if (a.level() == Alert.FATAL && fatalAlert == null) {
                            fatalAlert = a;
                            fatalAlertFrom = side;
                            tAlert = ts;
                        }
                    } catch (DecodeException e) {
                        tlsError = side.lower() + ": " + e.getMessage();
                    }
                }
                case TlsRecordHeader.HANDSHAKE -> {
                    if (afterCcs || tls13Encrypted) {
                        pdu(side, "TLS handshake (encrypted)");
                        return;
                    }
                    handshakeBytes(f, ts);
                }
                default -> pdu(side, "TLS " + h.contentTypeName());
            }
        }

        private void handshakeBytes(ByteBuf f, long ts) {
            int i = side.ordinal();
            if (handshake[i] == null) {
                handshake[i] = new HandshakeReassembler(MAX_HANDSHAKE_BUFFER);
            }
            int[] type = {-1};
            try {
                handshake[i].feed(f, (t, body, total) -> {
                    type[0] = t;
                    curSize = total;
                    handshakeMessage(t, body, ts);
                });
            } catch (DecodeException e) {
                handshake[i].clear();
                tlsError = side.lower() + (type[0] >= 0 ? " " + HandshakeHeader.typeName(type[0]) : "") + ": " + e.getMessage();
            }
        }

        private void handshakeMessage(int type, ByteBuf body, long ts) {
            pdu(side, "TLS " + HandshakeHeader.messageName(type));
            switch (type) {
                case HandshakeHeader.CLIENT_HELLO -> {
                    if (side == Side.CLIENT && clientHello == null) {
                        tClientHello = ts;
                        clientHello = ClientHello.decode(body);
                    }
                }
                case HandshakeHeader.SERVER_HELLO -> {
                    if (side == Side.SERVER && serverHello == null) {
                        tServerHello = ts;
                        serverHello = ServerHello.decode(body);
                    }
                }
                case HandshakeHeader.CERTIFICATE -> {
                    if (side == Side.SERVER && certificates == null) {
                        certificates = (serverHello != null && serverHello.version() == 0x0304
                                ? CertificateMessage.decodeTls13(body) : CertificateMessage.decode(body)).chain();
                    }
                }
                case HandshakeHeader.SERVER_HELLO_DONE -> serverHelloDone = true;
                default -> { }
            }
        }
    }
}
