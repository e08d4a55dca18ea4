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
        Integer requested = X224Reading.requestedBy(c.connectionRequest());
        ProbeConnector p = new ProbeConnector(ProbeSettings.defaults().withProtocols(requested).withTimeout(5000));
        p.dnsResolved("capture", List.of("127.0.0.1"), true, 0);
        p.tcpConnected("127.0.0.1:1", "127.0.0.1:3389", 1);
        long t = T0;
        Action a = p.onConnected(t, Unpooled.buffer());
        ByteBuf pending = Unpooled.buffer();
        boolean all = true;
        for (Unit u : c.units()) {
            if (u.from() != Side.SERVER) {
                continue;
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
        return new Result(results, all && a != Action.START_TLS);
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
