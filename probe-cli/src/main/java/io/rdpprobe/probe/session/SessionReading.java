package io.rdpprobe.probe.session;

import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.SessionCauses;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.errors.ErrorInfo;
import io.rdpprobe.protocol.gcc.ConferenceCreateResponse;
import io.rdpprobe.protocol.licensing.LicenseErrorMessage;
import io.rdpprobe.protocol.licensing.StateTransition;
import io.rdpprobe.protocol.mcs.ConnectResponse;

/**
 * The session stages' interpretation of what a server sent (MCS ... ACTIVATION), in the one place both paths read
 * it: the live {@link SessionSequence} and the capture analyser. Each method takes the decoded record and returns
 * the verdict's parts; where the connection goes next (and what the live probe sends) stays with the caller. The
 * server ending the connection without a Set Error Info is {@link ServerDisconnect}.
 */
public final class SessionReading {
    private SessionReading() {}

    /** A verdict's parts: its status, cause (null for OK) and summary. */
    public record Reading(Status status, Cause cause, String summary) {}

    /**
     * The MCS Connect-Response (and its GCC Conference Create Response, null when the connect result already
     * refused): null when both accepted, else the FAILED reading.
     */
    public static Reading connectResponse(ConnectResponse cr, ConferenceCreateResponse gcc) {
        if (!cr.result().isSuccess()) {
            return new Reading(Status.FAILED, SessionCauses.mcsRejected(cr.result()), "MCS Connect-Response: "
                    + cr.result().name() + " (" + cr.result().meaning() + ")");
        }
        if (gcc != null && gcc.result() != 0) {
            return new Reading(Status.FAILED, SessionCauses.GCC_CONFERENCE_REJECTED, "GCC Conference Create Response: "
                    + gcc.resultName());
        }
        return null;
    }

    /**
     * A licensing error message other than STATUS_VALID_CLIENT (MS-RDPELE 2.2.2.7.1). With ST_NO_TRANSITION the
     * server lets the session continue (MS-RDPELE 3.1.5.2): a WARNING, and the connection goes on to ACTIVATION;
     * any other transition ends licensing: FAILED.
     */
    public static Reading licenseError(LicenseErrorMessage m) {
        Cause c = SessionCauses.forLicenseError(m.errorCode(), m.stateTransition());
        if (continuesAfter(m)) {
            return new Reading(Status.WARNING, c, "licensing error " + m.errorCode().name()
                    + " with ST_NO_TRANSITION: the server continues");
        }
        return new Reading(Status.FAILED, c, "licensing error " + m.errorCode().name() + " / " + m.stateTransition().name());
    }

    /** Whether the session goes on after this licensing error (ST_NO_TRANSITION). */
    public static boolean continuesAfter(LicenseErrorMessage m) {
        return m.stateTransition().value() == StateTransition.ST_NO_TRANSITION.value();
    }

    /**
     * The Demand Active PDU (MS-RDPBCGR 2.2.1.13.1): ACTIVATION is OK. Puts its summary's evidence (share id,
     * capability sets, desktop size, colour depth, OS) into {@code ev} and returns the summary.
     */
    public static String demandActive(io.rdpprobe.protocol.rdp.DemandActivePdu d, java.util.Map<String, Object> ev) {
        ev.put("shareId", String.format("0x%08x", d.shareId()));
        ev.put("sourceDescriptor", d.sourceDescriptorText());
        ev.put("capabilityCount", d.capabilities().size());
        ev.put("capabilities", d.capabilityNames());
        d.bitmap().ifPresent(b -> {
            ev.put("desktopSize", b.desktopWidth() + "x" + b.desktopHeight());
            ev.put("colorDepth", b.preferredBitsPerPixel());
        });
        d.general().ifPresent(g -> {
            ev.put("osMajorType", io.rdpprobe.protocol.codec.Named.value(g.osMajorName(), g.osMajorType(), 4));
            ev.put("osMinorType", io.rdpprobe.protocol.codec.Named.value(g.osMinorName(), g.osMinorType(), 4));
            ev.put("generalExtraFlags", io.rdpprobe.protocol.codec.Named.flags(
                    io.rdpprobe.protocol.rdp.CapabilitySet.General.extraFlagNames(g.extraFlags()), g.extraFlags(), 4));
        });
        if (d.sessionId() != null) {
            ev.put("sessionId", d.sessionId());
        }
        return "Demand Active with " + d.capabilities().size() + " capability sets"
                + (ev.containsKey("desktopSize") ? ", desktop " + ev.get("desktopSize") : "");
    }

    /**
     * A Set Error Info PDU followed by the end of the connection. {@code ultimatum}: an MCS Disconnect Provider
     * Ultimatum came after it (whatever close follows it): the server disconnected the client, and mstsc shows the
     * ERRINFO with the "disconnected by the server" code (0x3...). Without one, only the socket closed (FIN/RST), and
     * mstsc reports the socket's close (0x904) with the ERRINFO as extended code.
     */
    public static Reading errorInfo(ErrorInfo e, boolean ultimatum) {
        return new Reading(Status.FAILED, SessionCauses.forErrorInfo(e, !ultimatum), ultimatum
                ? "the server disconnected: " + e.name()
                : "the server sent Set Error Info " + e.name() + " and closed the connection");
    }
}
