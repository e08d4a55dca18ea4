package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.protocol.x224.ConnectionConfirm;
import io.rdpprobe.protocol.x224.ConnectionRequest;
import io.rdpprobe.protocol.x224.DisconnectRequest;
import io.rdpprobe.protocol.x224.ErrorTpdu;
import io.rdpprobe.protocol.x224.NegotiationFailure;
import io.rdpprobe.protocol.x224.NegotiationResponse;
import io.rdpprobe.protocol.x224.Protocols;
import io.rdpprobe.protocol.x224.X224Tpdu;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The X224 stage's interpretation: the only place the server's reply to a Connection Request (MS-RDPBCGR
 * 2.2.1.2, 3.2.5.3.2) becomes a stage result and a cause. {@link AwaitConfirm} reads the live reply with it (and
 * then decides what to send next); the capture analyser reads a recorded reply with it, so the same bytes give the
 * same verdict and the same evidence keys ({@code requested}, {@code reply}, {@code selected}, {@code serverFlags},
 * {@code failureCode}, ...) from a socket and from a capture.
 *
 * <p>The reply is one of four shapes: a Connection Confirm with RDP_NEG_RSP ({@link Selected}), with RDP_NEG_FAILURE
 * ({@link Refused}), without negotiation data ({@link Bare}), or another TPDU ({@link Rejected}).
 */
public sealed interface X224Reading permits X224Reading.Selected, X224Reading.Refused, X224Reading.Bare,
        X224Reading.Rejected {

    /** The requested protocols (RDP_NEG_REQ), or null for a legacy request without one. */
    Integer requested();

    /** The stage result; {@code context} (capture times, the client's cookie...) comes first in the evidence. */
    StageResult result(long elapsedMs, Map<String, Object> context);

    /** The protocol the later stages run, or -1 when the reply ends the connection. */
    default int selectedProtocol() {
        return -1;
    }

    /** Reads {@code reply} as the answer to a request for {@code requested} (null: legacy request). */
    static X224Reading of(Integer requested, X224Tpdu reply, String rawHex) {
        if (reply instanceof ConnectionConfirm cc) {
            if (cc.negotiation() instanceof NegotiationResponse r) {
                return new Selected(requested, cc, r, rawHex);
            }
            if (cc.negotiation() instanceof NegotiationFailure f) {
                return new Refused(requested, cc, f, rawHex);
            }
            return new Bare(requested, cc, rawHex);
        }
        return new Rejected(requested, reply, rawHex);
    }

    /** What a recorded Connection Request asked for, as {@link #of} takes it: null for a legacy request. */
    static Integer requestedBy(ConnectionRequest cr) {
        return cr == null || cr.negotiation() == null ? null : cr.requestedProtocols();
    }

    /** The evidence value of {@code requested}. */
    static String requestedText(Integer requested) {
        return requested == null ? "none (legacy request without RDP_NEG_REQ)" : Protocols.describe(requested);
    }

    private static Map<String, Object> evidence(Integer requested, Map<String, Object> context) {
        Map<String, Object> ev = new LinkedHashMap<>(context);
        ev.put("requested", requestedText(requested));
        return ev;
    }

    private static void putConfirm(Map<String, Object> ev, ConnectionConfirm cc) {
        ev.put("reply", "X.224 Connection Confirm");
        ev.put("dstRef", hex4(cc.dstRef()));
        ev.put("srcRef", hex4(cc.srcRef()));
    }

    /** {@code String.format("0x%04x", v)} without the Formatter (two of them per Connection Confirm, live and capture). */
    static String hex4(int v) {
        String h = Integer.toHexString(v);
        return h.length() >= 4 ? "0x" + h : "0x" + "0000".substring(h.length()) + h;
    }

    /** RDP_NEG_RSP: OK when the server selected exactly one protocol that was asked for, else PROTOCOL_NOT_REQUESTED. */
    record Selected(Integer requested, ConnectionConfirm confirm, NegotiationResponse response, String rawHex)
            implements X224Reading {
        @Override
        public int selectedProtocol() {
            return response.selectedProtocol();
        }

        /** RDP only for an RDP-only (or legacy) request; otherwise one protocol that is among those requested. */
        public boolean requestedIt() {
            int req = requested == null ? Protocols.RDP : requested;
            int sel = response.selectedProtocol();
            return sel == Protocols.RDP ? req == Protocols.RDP : Integer.bitCount(sel) == 1 && (req & sel) == sel;
        }

        @Override
        public StageResult result(long elapsedMs, Map<String, Object> context) {
            Map<String, Object> ev = evidence(requested, context);
            putConfirm(ev, confirm);
            String sel = Protocols.name(response.selectedProtocol());
            ev.put("selected", sel);
            ev.put("serverFlags", response.flagNames());
            ev.put("raw", rawHex);
            int req = requested == null ? Protocols.RDP : requested;
            if (requestedIt()) {
                return StageResult.ok(Stage.X224, elapsedMs, ev, "selected " + sel + " (requested " + Protocols.describe(req) + ")");
            }
            String summary = response.selectedProtocol() == Protocols.RDP
                    ? "the server selected RDP (Standard RDP Security) although the request was " + Protocols.describe(req)
                    + ": it ignores the client's request instead of refusing with SSL_NOT_ALLOWED_BY_SERVER"
                    : "the server selected " + sel + ", which was not requested (" + Protocols.describe(req) + ")";
            return StageResult.warning(Stage.X224, elapsedMs, ev, Causes.PROTOCOL_NOT_REQUESTED, summary);
        }
    }

    /** RDP_NEG_FAILURE: the failure code is the cause. */
    record Refused(Integer requested, ConnectionConfirm confirm, NegotiationFailure failure, String rawHex)
            implements X224Reading {
        @Override
        public StageResult result(long elapsedMs, Map<String, Object> context) {
            Map<String, Object> ev = evidence(requested, context);
            putConfirm(ev, confirm);
            ev.put("failureCode", failure.failureCode().name());
            ev.put("failureCodeValue", String.format("0x%08x", failure.failureCode().value()));
            ev.put("meaning", failure.failureCode().meaning());
            ev.put("raw", rawHex);
            Cause cause = Causes.forFailureCode(failure.failureCode());
            String summary;
            if (failure.failureCode().value() == 5 && (requested == null || (requested & Protocols.HYBRID) == 0)) {
                summary = "NLA required: the server requires Network Level Authentication (CredSSP) and the request ("
                        + ev.get("requested") + ") did not offer it";
            } else {
                summary = "the server refused the negotiation with RDP_NEG_FAILURE " + failure.failureCode().name()
                        + ": " + failure.failureCode().meaning();
            }
            return StageResult.failed(Stage.X224, elapsedMs, ev, cause, summary);
        }
    }

    /**
     * A Connection Confirm without negotiation data: Standard RDP Security. An answer to a legacy request is OK; an
     * answer to an RDP_NEG_REQ means the server ignored the negotiation (NEGOTIATION_IGNORED).
     */
    record Bare(Integer requested, ConnectionConfirm confirm, String rawHex) implements X224Reading {
        @Override
        public int selectedProtocol() {
            return Protocols.RDP;
        }

        @Override
        public StageResult result(long elapsedMs, Map<String, Object> context) {
            Map<String, Object> ev = evidence(requested, context);
            putConfirm(ev, confirm);
            ev.put("selected", "RDP");
            ev.put("negotiation", "none (bare Connection Confirm)");
            ev.put("raw", rawHex);
            return requested != null
                    ? StageResult.warning(Stage.X224, elapsedMs, ev, Causes.NEGOTIATION_IGNORED,
                            "the server answered the RDP_NEG_REQ with a bare Connection Confirm: it ignored the request and "
                                    + "uses Standard RDP Security")
                    : StageResult.ok(Stage.X224, elapsedMs, ev,
                            "legacy Connection Confirm: Standard RDP Security (no negotiation requested)");
        }
    }

    /** An X.224 Disconnect Request, a TPDU Error or any other TPDU instead of a Connection Confirm. */
    record Rejected(Integer requested, X224Tpdu reply, String rawHex) implements X224Reading {
        @Override
        public StageResult result(long elapsedMs, Map<String, Object> context) {
            Map<String, Object> ev = evidence(requested, context);
            if (reply instanceof DisconnectRequest dr) {
                ev.put("reply", "X.224 Disconnect Request");
                ev.put("reason", dr.reasonName());
                ev.put("raw", rawHex);
                return StageResult.failed(Stage.X224, elapsedMs, ev, Causes.X224_DISCONNECT,
                        "the server answered with an X.224 Disconnect Request (" + dr.reasonName() + ")");
            }
            if (reply instanceof ErrorTpdu er) {
                ev.put("reply", "X.224 TPDU Error");
                ev.put("rejectCause", er.causeName());
                ev.put("raw", rawHex);
                return StageResult.failed(Stage.X224, elapsedMs, ev, Causes.X224_ERROR,
                        "the server answered with an X.224 TPDU Error (" + er.causeName() + ")");
            }
            String kind = reply.getClass().getSimpleName();
            ev.put("reply", kind);
            ev.put("raw", rawHex);
            return StageResult.failed(Stage.X224, elapsedMs, ev, Causes.MALFORMED_RESPONSE,
                    "the server answered the Connection Request with an unexpected X.224 " + kind
                            + " instead of a Connection Confirm");
        }
    }
}
