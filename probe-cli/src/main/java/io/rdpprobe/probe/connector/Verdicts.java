package io.rdpprobe.probe.connector;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.probe.model.Arrivals;
import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.TlsCauses;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.tls.AlertDescription;

/**
 * The verdicts every state gives the same way: a close, silence, a TLS alert outside the handshake, and
 * the probe's own failure. Stage-specific readings stay in their state.
 */
final class Verdicts {
    private Verdicts() {}

    /** Bytes pending in a stage, for evidence: count, first bytes, printable text. */
    static Map<String, Object> received(ByteBuf in) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("bytesReceived", in.readableBytes());
        ev.put("firstBytes", Peek.hexPrefix(in, 32));
        String text = Peek.printable(in, 64);
        if (text != null) {
            ev.put("text", text);
        }
        return ev;
    }

    /** The server closed or reset; {@code what} says after what ("during TLS" when null). */
    static Transition closed(ConnectorState from, Ctx c, boolean reset, ByteBuf pending, long nowNanos, String what) {
        Stage stage = from.stage();
        Map<String, Object> ev = new LinkedHashMap<>();
        int pendingBytes = pending == null ? 0 : pending.readableBytes();
        ev.put("closedBy", "server");
        ev.put("how", reset ? "RST" : "FIN");
        ev.put("bytesReceived", pendingBytes);
        if (pendingBytes > 0) {
            ev.put("firstBytes", Peek.hexPrefix(pending, 32));
        }
        return Transition.fail(from, c, stage, from.clock().elapsedMs(nowNanos), ev,
                reset ? Causes.CONNECTION_RESET : Causes.CONNECTION_CLOSED,
                "the server " + (reset ? "reset" : "closed") + " the connection " + (what != null ? what : "during " + stage));
    }

    /**
     * The deadline passed: nothing arrived ({@code noReply} says what was awaited) or a partial reply did.
     *
     * @param silentCause the cause when nothing arrived
     */
    static Transition silence(ConnectorState from, Ctx c, ByteBuf pending, Arrivals arrived, long nowNanos, String noReply,
                              io.rdpprobe.probe.model.Cause silentCause) {
        long timeout = c.settings().stageTimeoutMillis();
        int pendingBytes = pending == null ? 0 : pending.readableBytes();
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("timeoutMs", timeout);
        ev.put("bytesReceived", pendingBytes);
        long elapsed = from.clock().elapsedMs(nowNanos);
        if (pendingBytes == 0) {
            return Transition.fail(from, c, from.stage(), elapsed, ev, silentCause, noReply + " within " + timeout + " ms");
        }
        ev.put("firstBytes", Peek.hexPrefix(pending, 32));
        String announced = "";
        if (pendingBytes >= 4 && pending.getUnsignedByte(pending.readerIndex()) == 3) {
            int len = pending.getUnsignedShort(pending.readerIndex() + 2);
            ev.put("announcedLength", len);
            announced = " of the " + len + " announced";
        }
        arrived.addTo(ev);
        String how = arrived.reads() <= 1
                ? ", then nothing for " + timeout + " ms"
                : arrived.stillArriving(elapsed)
                ? "; " + arrived.describe() + ": the message was still incomplete at the deadline (" + timeout + " ms)"
                : "; " + arrived.describe() + ", then nothing until the deadline (" + timeout + " ms)";
        return Transition.fail(from, c, from.stage(), elapsed, ev, Causes.TRUNCATED_RESPONSE,
                "received " + pendingBytes + " byte(s)" + announced + how);
    }

    static Transition tlsAlert(ConnectorState from, Ctx c, int description, long nowNanos) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("alert", AlertDescription.getName((short) description) + " (" + description + ")");
        return Transition.fail(from, c, from.stage(), from.clock().elapsedMs(nowNanos), ev, TlsCauses.TLS_ALERT,
                "the server sent the TLS alert " + AlertDescription.getName((short) description) + " during " + from.stage());
    }

    static Transition internalError(ConnectorState from, Ctx c, Throwable t, long nowNanos) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("exception", t.getClass().getName() + ": " + t.getMessage());
        StackTraceElement[] st = t.getStackTrace();
        if (st.length > 0) {
            ev.put("at", st[0].toString());
        }
        return Transition.fail(from, c, from.stage(), from.clock().elapsedMs(nowNanos), ev, Causes.PROBE_INTERNAL_ERROR,
                "internal error in " + from.stage() + ": " + t);
    }
}
