package io.rdpprobe.report;

import io.rdpprobe.probe.model.CaptureSection;
import io.rdpprobe.probe.model.ClientsSection;
import io.rdpprobe.probe.model.EncryptionSection;
import io.rdpprobe.probe.model.EnumerationSection;
import io.rdpprobe.probe.model.GatewaySection;
import io.rdpprobe.probe.model.RdpFileSection;
import io.rdpprobe.probe.model.RdpUdpSection;
import io.rdpprobe.probe.model.Section;
import io.rdpprobe.probe.model.TlsVersionsSection;
import io.rdpprobe.probe.model.TranscriptSection;
import java.util.function.BiFunction;

/**
 * Each report section as the text report prints it. The tables have their own layout; the sections that are
 * named values (gateway, rdpFile, capture, rdpUdp) are printed by the text renderer's evidence printer, which
 * {@code keyed} stands for (key, JSON-ready value) so that {@code -v}/{@code -vv} apply to them as to evidence.
 */
final class SectionText implements Section.Visitor<String> {
    private final BiFunction<String, Object, String> keyed;

    SectionText(BiFunction<String, Object, String> keyed) {
        this.keyed = keyed;
    }

    @Override
    public String transcript(TranscriptSection s) {
        StringBuilder sb = new StringBuilder("Transcript (ms since connect; > sent, < received, * event):\n");
        for (TranscriptSection.Entry e : s.entries()) {
            sb.append(String.format("  %6d %s %-17s %s%n", e.tMs(), e.dir(), e.stage(), e.text()));
        }
        if (s.dropped() > 0) {
            sb.append("  (").append(s.dropped()).append(" more entries dropped)\n");
        }
        return sb.toString();
    }

    @Override
    public String enumeration(EnumerationSection s) {
        StringBuilder sb = new StringBuilder("Security protocol enumeration (one connection per request):\n");
        sb.append(String.format("  %-24s %-62s %6s%n", "request", "server answer", "time"));
        for (EnumerationSection.Row r : s.rows()) {
            sb.append(String.format("  %-24s %-62s %4d ms%n", r.request(), r.outcome(), r.elapsedMs()));
        }
        sb.append("  NLA required: ").append(s.nlaRequired()).append('\n');
        sb.append("  legacy RDP security allowed: ").append(s.legacyRdpSecurityAllowed()).append('\n');
        for (String n : s.notes()) {
            sb.append("  note: ").append(n).append('\n');
        }
        return sb.toString();
    }

    @Override
    public String encryption(EncryptionSection s) {
        StringBuilder sb = new StringBuilder("Standard RDP Security encryption (one legacy connection per method):\n");
        for (EncryptionSection.Row r : s.rows()) {
            sb.append(String.format("  %-8s %-9s %s%n", r.offered(), r.accepted() ? "accepted" : r.tested() ? "refused" : "untested",
                    r.accepted() ? "level " + r.encryptionLevel() : String.valueOf(r.note())
                            + (r.detail() != null ? ": " + r.detail() : "")));
        }
        sb.append("  encryption level: ").append(s.encryptionLevel() == null ? "unknown" : s.encryptionLevel()).append('\n');
        sb.append("  server RDP version: ").append(s.rdpVersion() == null ? "unknown" : s.rdpVersion()).append('\n');
        return sb.toString();
    }

    @Override
    public String tlsVersions(TlsVersionsSection s) {
        StringBuilder sb = new StringBuilder("TLS versions (one connection per version):\n");
        for (TlsVersionsSection.Row r : s.rows()) {
            sb.append(String.format("  TLS %-4s %-9s %s%s%n", r.version(), r.accepted() ? "accepted" : "refused",
                    r.accepted() ? r.cipherSuite() : r.outcome(),
                    r.accepted() && r.deprecated() ? "   [deprecated: disable it]" : ""));
        }
        return sb.toString();
    }

    @Override
    public String clients(ClientsSection s) {
        StringBuilder sb = new StringBuilder("Which clients can connect (from the enumeration"
                + (s.serverCredSspVersion() == null ? "" : "; server CredSSP " + s.serverCredSspVersion()) + "):\n");
        for (ClientsSection.Row r : s.rows()) {
            sb.append(String.format("  %-50s %-7s %s%s%n", r.client(), r.canConnect(),
                    (r.via() == null ? "" : r.via() + ": ") + r.reason(), r.inferred() ? " [inferred]" : ""));
        }
        return sb.toString();
    }

    @Override
    public String gateway(GatewaySection s) {
        return keyed.apply(s.key(), SectionJson.of(s));
    }

    @Override
    public String rdpFile(RdpFileSection s) {
        return keyed.apply(s.key(), SectionJson.of(s));
    }

    @Override
    public String capture(CaptureSection s) {
        return keyed.apply(s.key(), SectionJson.of(s));
    }

    @Override
    public String rdpUdp(RdpUdpSection s) {
        return keyed.apply(s.key(), SectionJson.of(s));
    }
}
