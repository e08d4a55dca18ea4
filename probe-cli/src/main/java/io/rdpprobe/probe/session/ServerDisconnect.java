package io.rdpprobe.probe.session;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.SessionCauses;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Named;
import io.rdpprobe.protocol.mcs.DisconnectProviderUltimatum;
import io.rdpprobe.protocol.mcs.DisconnectReason;
import io.rdpprobe.protocol.mcs.DomainPdu;
import io.rdpprobe.protocol.mcs.Mcs;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one interpretation of a server that ends the connection during MCS ... ACTIVATION without a Set Error Info:
 * an MCS Disconnect Provider Ultimatum (MS-RDPBCGR 2.2.2.3, T.125 DisconnectProviderUltimatum with its reason), a
 * FIN, a RST, or an Ultimatum followed by either. MS-RDPBCGR (processing the Ultimatum): after it "the recipient MUST
 * expect the network connection to be closed by the sender", so the Ultimatum and the close are one event and give
 * one verdict ({@link SessionCauses#SERVER_DISCONNECTED}); whether the probe read the Ultimatum before the close (a
 * server that sends it and closes at once can lose it to a RST) only changes the evidence, never the cause. Shared
 * by the live {@link SessionSequence} and the capture analyser. Pure: no I/O.
 */
public final class ServerDisconnect {
    private ServerDisconnect() {}

    /** The verdict's parts: the cause, a one-line summary and the evidence to add. */
    public record Judgement(Cause cause, String summary, Map<String, Object> evidence) {
        public Judgement {
            evidence = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evidence)); // Map.copyOf: a new order each JVM run
        }
    }

    /**
     * The Disconnect Provider Ultimatum in a complete TPKT + X.224 Data frame, or null when the frame is anything
     * else (including a malformed one: that is for the caller's own decoder to report).
     */
    public static DisconnectProviderUltimatum ultimatum(ByteBuf frame) {
        ByteBuf f = frame.duplicate();
        try {
            ByteBuf mcs = Mcs.userData(f);
            if (!isUltimatum(mcs)) {
                return null;
            }
            return DomainPdu.decode(mcs) instanceof DisconnectProviderUltimatum d ? d : null;
        } catch (DecodeException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    /** Whether the MCS bytes (after X.224 DT) start a Disconnect Provider Ultimatum, by its T.125 choice. */
    public static boolean isUltimatum(ByteBuf mcs) {
        return mcs.isReadable() && (mcs.getUnsignedByte(mcs.readerIndex()) >> 2) == DomainPdu.CHOICE_DISCONNECT_PROVIDER_ULTIMATUM;
    }

    /**
     * @param waitingFor what the client was waiting for ("the MCS Connect-Response")
     * @param ultimatum  the Ultimatum's reason if one was read, else null
     * @param close      "FIN" or "RST" if the close was seen, else null (the Ultimatum alone: the close follows)
     */
    public static Judgement judge(String waitingFor, DisconnectReason ultimatum, String close) {
        Map<String, Object> ev = new LinkedHashMap<>();
        String how;
        if (ultimatum != null) {
            ev.put("ultimatum", Named.value(ultimatum.name(), ultimatum.value(), 1));
            ev.put("ultimatumMeaning", ultimatum.meaning());
            how = "MCS Disconnect Provider Ultimatum " + ultimatum.name() + " (" + ultimatum.meaning() + ")"
                    + (close != null ? ", then " + close : "");
        } else {
            ev.put("ultimatum", "none read");
            how = "it closed the connection (" + (close == null ? "FIN" : close) + ") without a Disconnect Provider Ultimatum";
        }
        if (close != null) {
            ev.put("close", close);
        }
        return new Judgement(SessionCauses.SERVER_DISCONNECTED,
                "the server disconnected while the client waited for " + waitingFor + ": " + how, ev);
    }
}
