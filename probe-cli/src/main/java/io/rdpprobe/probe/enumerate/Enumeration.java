package io.rdpprobe.probe.enumerate;

import io.rdpprobe.probe.model.EncryptionSection;
import io.rdpprobe.probe.model.EnumerationSection;
import io.rdpprobe.probe.model.EnumerationSection.Row;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.x224.Protocols;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --enumerate}: one connection per security-protocol request, and what the server did with each.
 * Unlike nmap's rdp-enum-encryption, a request counts as accepted only when the server selected exactly
 * the requested protocol; a server that answers every request with RDP is reported as ignoring requests.
 */
public final class Enumeration {
    /** A request label and its requestedProtocols (null = legacy CR without RDP_NEG_REQ). */
    public record Request(String label, Integer protocols) {}

    public static final List<Request> REQUESTS = List.of(
            new Request("legacy (no RDP_NEG_REQ)", null),
            new Request("RDP", Protocols.RDP),
            new Request("SSL", Protocols.SSL),
            new Request("HYBRID", Protocols.HYBRID),
            new Request("HYBRID_EX", Protocols.HYBRID_EX),
            new Request("RDSTLS", Protocols.RDSTLS),
            new Request("SSL|HYBRID", Protocols.SSL | Protocols.HYBRID));

    private final List<Row> rows;
    private final EncryptionSection encryption;

    public Enumeration(List<Row> rows) {
        this(rows, null);
    }

    private Enumeration(List<Row> rows, EncryptionSection encryption) {
        this.rows = List.copyOf(rows);
        this.encryption = encryption;
    }

    /** The same rows, with the Standard RDP Security encryption table that decides {@link #legacyRdpSecurityAllowed}. */
    public Enumeration withEncryption(EncryptionSection table) {
        return new Enumeration(rows, table);
    }

    /**
     * Whether the X.224 answers make Standard RDP Security worth testing: the server answered a legacy or an RDP
     * request with RDP (a bare Connection Confirm counts). Only the encryption table can then say whether it runs it.
     */
    public boolean rdpSelected() {
        Row rdp = find("RDP");
        Row legacy = find("legacy (no RDP_NEG_REQ)");
        return (rdp != null && rdp.accepted()) || (legacy != null && legacy.accepted());
    }

    public List<Row> rows() {
        return rows;
    }

    /** Builds a row from the X224-only report of one request. */
    public static Row row(Request req, Report r) {
        StageResult x224 = null;
        StageResult last = null;
        for (StageResult s : r.stages()) {
            if (s.status() != Status.NOT_REACHED) {
                last = s;
            }
            if (s.stage() == Stage.X224) {
                x224 = s;
            }
        }
        if (x224 == null || x224.status() == Status.NOT_REACHED) {
            String c = last != null && last.cause() != null ? last.cause().code() : "?";
            return new Row(req.label(), "no answer (" + c + " at " + (last == null ? "?" : last.stage()) + ")",
                    null, null, c, last == null ? 0 : last.elapsedMs(), false);
        }
        Object sel = x224.evidence().get("selected");
        Object fc = x224.evidence().get("failureCode");
        String cause = x224.cause() == null ? null : x224.cause().code();
        if (sel != null) {
            String selected = sel.toString();
            boolean bare = x224.evidence().containsKey("negotiation");
            boolean accepted = req.protocols() == null
                    ? "RDP".equals(selected)
                    : Protocols.name(req.protocols()).equals(selected)
                    || (req.protocols() == (Protocols.SSL | Protocols.HYBRID) && ("SSL".equals(selected) || "HYBRID".equals(selected)));
            String outcome = (bare ? "bare CC: " : "selected ") + selected
                    + (x224.status() == Status.WARNING ? " (not what was requested)" : "");
            return new Row(req.label(), outcome, selected, null, cause, x224.elapsedMs(), accepted);
        }
        if (fc != null) {
            return new Row(req.label(), "refused: " + fc + " (" + x224.evidence().get("failureCodeValue") + ")", null,
                    fc.toString(), cause, x224.elapsedMs(), false);
        }
        return new Row(req.label(), "failed: " + cause, null, null, cause, x224.elapsedMs(), false);
    }

    private Row find(String label) {
        return rows.stream().filter(r -> r.request().equals(label)).findFirst().orElse(null);
    }

    /** "yes", "no" or "unknown". */
    public String nlaRequired() {
        Row ssl = find("SSL");
        Row rdp = find("RDP");
        Row hybrid = find("HYBRID");
        boolean sslRefusedForNla = ssl != null && "HYBRID_REQUIRED_BY_SERVER".equals(ssl.failureCode());
        boolean rdpRefusedForNla = rdp != null && "HYBRID_REQUIRED_BY_SERVER".equals(rdp.failureCode());
        if (sslRefusedForNla || rdpRefusedForNla) {
            return "yes";
        }
        if ((ssl != null && ssl.accepted()) || (rdp != null && rdp.accepted())
                || (ssl != null && "RDP".equals(ssl.selected()))) {
            return "no";
        }
        if (hybrid != null && hybrid.accepted()) {
            return "unknown";
        }
        return "unknown";
    }

    /**
     * "yes", "no" or "unknown": will the server run Standard RDP Security. A Connection Confirm that selects RDP is
     * not enough (xrdp in tls mode answers a legacy request with a bare Confirm, then disconnects at MCS): the answer
     * is the encryption table's ("yes" only when at least one method was accepted). Without the table: "no" when the
     * server refused both the RDP and the legacy request at X224, else "unknown".
     */
    public String legacyRdpSecurityAllowed() {
        if (encryption != null) {
            return encryption.legacyRdpSecurityAllowed();
        }
        Row rdp = find("RDP");
        Row legacy = find("legacy (no RDP_NEG_REQ)");
        if (rdp != null && rdp.failureCode() != null && (legacy == null || legacy.failureCode() != null)) {
            return "no";
        }
        return "unknown";
    }

    /** True when every answered request selected RDP, whatever was asked. */
    public boolean alwaysSelectsRdp() {
        int answered = 0;
        for (Row r : rows) {
            if (r.selected() == null) {
                return false;
            }
            if (!"RDP".equals(r.selected())) {
                return false;
            }
            answered++;
        }
        return answered > 0;
    }

    public List<String> notes() {
        List<String> notes = new ArrayList<>();
        if (alwaysSelectsRdp()) {
            notes.add("the server selects RDP (Standard RDP Security) for every request: it ignores the client's request "
                    + "rather than refusing (nmap's rdp-enum-encryption wrongly reports SUCCESS for every protocol here)");
        }
        Row hex = find("HYBRID_EX");
        if (hex != null && hex.accepted()) {
            notes.add("HYBRID_EX supported: the server sends the Early User Authorization Result after CredSSP");
        }
        return notes;
    }

    /** The table and what it shows, as the report's "enumeration" section. */
    public EnumerationSection section() {
        return new EnumerationSection(rows, nlaRequired(), legacyRdpSecurityAllowed(), alwaysSelectsRdp(), notes());
    }
}
