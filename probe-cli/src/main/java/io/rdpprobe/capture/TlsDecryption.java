package io.rdpprobe.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.capture.RdpConnection.Side;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.credssp.EarlyUserAuthResult;
import io.rdpprobe.protocol.credssp.TsRequest;
import io.rdpprobe.protocol.tls.decrypt.DecryptFailure;
import io.rdpprobe.protocol.tls.decrypt.TlsDecryptor;
import io.rdpprobe.protocol.tls.decrypt.TlsSecrets;
import io.rdpprobe.protocol.tpkt.FrameProbe;
import io.rdpprobe.protocol.x224.Protocols;
import java.util.ArrayList;
import java.util.List;

/**
 * The TLS decryption of one {@link RdpConnection}, made only when the analysis has secrets or the capture can carry
 * them (the plain path has none of this). The clear TLS records are kept (bounded) until the connection's first
 * encrypted record; then the secrets known at that point ({@link CaptureSecrets#current()}) decide: none, and the
 * records are dropped and the connection stays on the counting path; some, and a {@link TlsDecryptor} replays them
 * and decrypts the rest. Each side's application data goes into its own plaintext stream, which reassembles the PDUs
 * records split or join: under HYBRID/HYBRID_EX first whole TSRequests (to {@link CredSspObserver}), then the 4-byte
 * Early User Authorization Result (HYBRID_EX, server), then TPKT and fast-path frames (to the connection's
 * session path, the same one Standard RDP Security's clear frames take).
 */
final class TlsDecryption implements TlsDecryptor.Listener {
    private final RdpConnection c;
    private final CaptureSecrets secrets;
    private List<Object[]> pending = new ArrayList<>();
    private int pendingBytes;
    private boolean decided;
    TlsDecryptor decryptor;
    /** Why there is no decryptor (no secrets at the first encrypted record, handshake too large), or null. */
    String notStarted;
    final DecryptFailure[] failure = new DecryptFailure[2];
    final String[] failureDetail = new String[2];
    final long[] tFailure = {-1, -1};
    final long[] plaintextBytes = new long[2];
    final long[] alerts = new long[2];
    private final Stream[] streams = new Stream[2];
    private boolean delivered;

    TlsDecryption(RdpConnection c, CaptureSecrets secrets) {
        this.c = c;
        this.secrets = secrets;
        streams[0] = new Stream(Side.CLIENT);
        streams[1] = new Stream(Side.SERVER);
    }

    /** True once decryption runs (a decryptor exists). */
    boolean started() {
        return decryptor != null;
    }

    /** Whether the side's encrypted records should be framed and decrypted (else only counted). */
    boolean wants(Side side) {
        decide();
        return decryptor != null && failure[side.ordinal()] == null;
    }

    /** The first encrypted record is here: take the secrets known now, or give up on decryption. */
    private void decide() {
        if (decided) {
            return;
        }
        decided = true;
        TlsSecrets s = secrets.current();
        if (s.isEmpty()) {
            notStarted = "no key log line or RSA key (files or decryption secrets blocks before the connection's "
                    + "first encrypted record)";
            failure[0] = failure[1] = DecryptFailure.NO_SECRET;
            failureDetail[0] = failureDetail[1] = notStarted;
            pending = null;
            return;
        }
        decryptor = new TlsDecryptor(s, this);
        for (Object[] p : pending) {
            decryptor.record((Boolean) p[0], Unpooled.wrappedBuffer((byte[]) p[1]));
        }
        pending = null;
    }

    /**
     * One whole TLS record of {@code side} (header included). Before the first encrypted one: kept. Returns whether
     * the record gave plaintext.
     */
    boolean record(Side side, ByteBuf record) {
        int type = record.getUnsignedByte(record.readerIndex());
        if (!decided && type != io.rdpprobe.protocol.tls.TlsRecordHeader.APPLICATION_DATA) {
            if (pendingBytes + record.readableBytes() > RdpConnection.MAX_HANDSHAKE_BUFFER) {
                decided = true;
                pending = null;
                notStarted = "the clear TLS handshake exceeds " + RdpConnection.MAX_HANDSHAKE_BUFFER + " bytes: not kept";
                failure[0] = failure[1] = DecryptFailure.MALFORMED;
                failureDetail[0] = failureDetail[1] = notStarted;
                return false;
            }
            pendingBytes += record.readableBytes();
            pending.add(new Object[] {side == Side.CLIENT, ByteBufUtil.getBytes(record)});
            return false;
        }
        decide();
        if (decryptor == null || failure[side.ordinal()] != null) {
            return false;
        }
        delivered = false;
        decryptor.record(side == Side.CLIENT, record.duplicate());
        return delivered;
    }

    void gap(Side side, long n) {
        if (decryptor != null) {
            decryptor.gap(side == Side.CLIENT, n);
        } else if (!decided) {
            decided = true;
            pending = null;
            notStarted = "the capture lost " + n + " bytes of the " + side.lower() + " stream before encryption started";
            failure[0] = failure[1] = DecryptFailure.GAP;
            failureDetail[0] = failureDetail[1] = notStarted;
        }
        streams[side.ordinal()].dead = true;
    }

    void finish() {
        pending = null;
        for (Stream s : streams) {
            s.release();
        }
    }

    @Override
    public void plaintext(boolean fromClient, int contentType, ByteBuf data) {
        delivered = true;
        Side side = fromClient ? Side.CLIENT : Side.SERVER;
        int i = side.ordinal();
        plaintextBytes[i] += data.readableBytes();
        if (contentType == 23 && c.tlsFirst) {
            c.gatewayPlaintext(side, data); // RD Gateway HTTP, or not analysed
        } else if (contentType == 23) {
            streams[i].feed(data);
        } else if (contentType == 22) {
            c.pduSized(side, "TLS handshake (decrypted)", data.readableBytes());
            c.decryptedHandshake(side, data.duplicate(), c.curTs());
        } else if (contentType == 21 && data.readableBytes() >= 2) {
            alerts[i]++;
            io.rdpprobe.protocol.tls.Alert a = io.rdpprobe.protocol.tls.Alert.decode(data.duplicate());
            c.decryptedAlert(side, a);
        }
    }

    @Override
    public void failed(boolean fromClient, DecryptFailure why, String detail) {
        int i = fromClient ? 0 : 1;
        if (failure[i] == null) {
            failure[i] = why;
            failureDetail[i] = detail;
            tFailure[i] = c.curTs();
            c.note((fromClient ? "client" : "server") + " TLS records: not decrypted from here on: " + why
                    + (detail != null ? " (" + detail + ")" : ""));
        }
    }

    /** One side's decrypted application data, reassembled into PDUs. */
    private final class Stream {
        private final Side side;
        private ByteBuf acc = Unpooled.buffer(0);
        /** This side may still send TSRequests (HYBRID/HYBRID_EX, before its first TPKT). */
        private boolean credssp;
        private boolean dead;

        Stream(Side side) {
            this.side = side;
        }

        void release() {
            dead = true;
            if (acc.refCnt() > 0) acc.release();
            acc = Unpooled.EMPTY_BUFFER;
        }

        void feed(ByteBuf data) {
            if (dead) {
                return;
            }
            if (!started) {
                started = true;
                credssp = Protocols.usesCredSsp(c.selectedProtocol());
            }
            acc.writeBytes(data);
            try {
                process();
            } catch (DecodeException | IllegalArgumentException e) {
                c.note(side.lower() + " decrypted stream: unframeable data: " + e.getMessage());
                c.pdu(side, "malformed data (decrypted)");
                release();
                return;
            }
            if (!acc.isReadable()) {
                acc.clear();
            } else if (acc.readerIndex() > 4096) {
                acc.discardReadBytes();
            }
        }

        private boolean started;

        private void process() {
            long ts = c.curTs();
            while (!dead && acc.isReadable()) {
                int b0 = acc.getUnsignedByte(acc.readerIndex());
                // HYBRID_EX: after the client's credentials, the 4-byte result (0 or 5 LE, never a DER SEQUENCE)
                if (side == Side.SERVER && c.credssp != null && c.credssp.earlyUserAuthAwaited() && b0 != 0x30) {
                    if (acc.readableBytes() < EarlyUserAuthResult.SIZE) {
                        return;
                    }
                    ByteBuf f = acc.readSlice(EarlyUserAuthResult.SIZE);
                    c.pduSized(side, io.rdpprobe.probe.pdu.PduNames.earlyUserAuthResult(f), EarlyUserAuthResult.SIZE);
                    c.credssp.earlyUserAuth(EarlyUserAuthResult.decode(f.duplicate()), ts);
                    credssp = false;
                    continue;
                }
                if (credssp && b0 == 0x30 && c.credssp != null) {
                    int fl = TsRequest.frameLength(acc);
                    if (fl == TsRequest.NEED_MORE || acc.readableBytes() < fl) {
                        return;
                    }
                    ByteBuf f = acc.readSlice(fl);
                    c.pduSized(side, io.rdpprobe.probe.pdu.PduNames.tsRequest(f), fl);
                    c.credssp.message(side, f, ts);
                    continue;
                }
                credssp = false;
                int fl = FrameProbe.frameLength(acc);
                if (fl == FrameProbe.NEED_MORE || acc.readableBytes() < fl) {
                    return;
                }
                c.decryptedFrame(side, acc.readSlice(fl), ts);
            }
        }
    }
}
