package io.rdpprobe.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.capture.RdpConnection.Side;
import io.rdpprobe.capture.RdpConnection.Unit;
import io.rdpprobe.probe.connector.Action;
import io.rdpprobe.probe.connector.ProbeConnector;
import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.connector.X224Reading;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.mcs.DomainPdu;
import io.rdpprobe.protocol.mcs.Mcs;
import io.rdpprobe.protocol.mcs.SendData;
import io.rdpprobe.protocol.rdp.SecurityFlags;
import java.util.List;

/**
 * The live path fed a capture's server bytes: a {@link ProbeConnector} (sans-IO) asking what the captured client
 * asked for, given the server's TPKT units in order, then the server's close if the capture shows one. The live
 * probe decides its own client bytes (its Connect-Initial, its client random), so the replay stops where the live
 * run could not follow the server's bytes: at TLS (the capture's TLS session is not the probe's), and at the first
 * Standard RDP Security PDU with SEC_ENCRYPT (encrypted with the captured client's keys, not the probe's).
 */
final class LiveReplay {
    static final long T0 = 1_000_000_000L;

    /** The live results, and whether every server unit (and the close) reached the live path. */
    record Result(List<StageResult> stages, boolean followedToTheEnd) {
        StageResult failure() {
            return stages.stream().filter(r -> r.status() == Status.FAILED).findFirst().orElse(null);
        }
    }

    private LiveReplay() {}

    static Result run(RdpConnection c) {
        return run(c, false);
    }

    /**
     * @param pastTls the capture was decrypted and the server selected SSL: at START_TLS the live path is told the
     *                handshake completed (a stand-in outcome; the TLS stage is then the replay's, not the server's,
     *                and is left out of the results) and goes on with the server's decrypted TPKT units. Under
     *                HYBRID the replay still stops there: the live CredSSP client's messages are its own.
     */
    static Result run(RdpConnection c, boolean pastTls) {
        Integer requested = X224Reading.requestedBy(c.connectionRequest());
        ProbeConnector p = new ProbeConnector(ProbeSettings.defaults().withProtocols(requested).withTimeout(5000));
        p.dnsResolved("capture", List.of("127.0.0.1"), true, 0);
        p.tcpConnected("127.0.0.1:1", "127.0.0.1:3389", 1);
        long t = T0;
        Action a = p.onConnected(t, Unpooled.buffer());
        ByteBuf pending = Unpooled.buffer();
        boolean all = true;
        boolean stoodIn = false;
        for (Unit u : c.units()) {
            if (u.from() != Side.SERVER) {
                continue;
            }
            if (a == Action.START_TLS && pastTls && c.selectedProtocol() == io.rdpprobe.protocol.x224.Protocols.SSL) {
                t += 1_000_000L;
                a = p.onTlsOutcome(standIn(), t, java.time.Instant.ofEpochSecond(0, c.firstSeen()), Unpooled.buffer());
                stoodIn = true;
                pending.clear();
            }
            if (a != Action.WAIT || (c.session.standardSecurity() && encrypted(u.bytes()))) {
                all = false;
                break;
            }
            pending.writeBytes(u.bytes());
            t += 1_000_000L;
            a = p.onData(pending, t, Unpooled.buffer());
        }
        if (all && a == Action.WAIT && c.closedBy() == Side.SERVER) {
            p.onClosed("RST".equals(c.closeKind()), pending, t + 1_000_000L);
        }
        List<StageResult> results = p.results();
        if (!all && a == Action.WAIT) {
            // the replay stopped where the live path cannot follow: end it to read what it decided so far, without
            // the verdict of that artificial end (the stage it was in)
            p.onClosed(false, pending, t + 1_000_000L);
            results = p.results().stream().filter(r -> r.status() != Status.FAILED).toList();
        }
        pending.release();
        if (stoodIn) {
            results = results.stream().filter(r -> r.stage() != io.rdpprobe.probe.model.Stage.TLS).toList();
        }
        return new Result(results, all && a != Action.START_TLS);
    }

    /** A completed TLS 1.3 handshake with the demo certificate: the live path's way past TLS in a replay. */
    private static io.rdpprobe.probe.tls.TlsOutcome standIn() {
        try {
            byte[] cert = io.rdpprobe.demo.DemoCertificate.demo().certificate().getEncoded();
            return new io.rdpprobe.probe.tls.TlsOutcome(true, List.of("1.3"), null, "1.3", 0x1302, List.of(cert), null,
                    null, null, 1200, false, false, false, false, null, null, 4, io.rdpprobe.probe.model.Arrivals.NONE,
                    false, 0, null);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Send Data PDU whose security header has SEC_ENCRYPT (Standard RDP Security with an encryption method). */
    private static boolean encrypted(byte[] frame) {
        if (frame.length < 8 || (frame[5] & 0xF0) != 0xF0) {
            return false;
        }
        try {
            ByteBuf mcs = Mcs.userData(Unpooled.wrappedBuffer(frame));
            if (Mcs.isConnectPdu(mcs)) {
                return false;
            }
            return DomainPdu.decode(mcs) instanceof SendData sd && sd.data().readableBytes() >= 4
                    && (sd.data().getUnsignedShortLE(sd.data().readerIndex()) & SecurityFlags.SEC_ENCRYPT) != 0;
        } catch (DecodeException e) {
            return false;
        }
    }
}
