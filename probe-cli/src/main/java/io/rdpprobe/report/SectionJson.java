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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each report section as the JSON-ready value its key holds in the report's JSON object (README, "JSON schema").
 * The keys and their order are the contract (existing reports keep their JSON byte for byte).
 */
public final class SectionJson implements Section.Visitor<Object> {
    private static final SectionJson INSTANCE = new SectionJson();

    private SectionJson() {}

    public static Object of(Section s) {
        return s.accept(INSTANCE);
    }

    @Override
    public Object transcript(TranscriptSection s) {
        List<Object> out = new ArrayList<>();
        for (TranscriptSection.Entry e : s.entries()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tMs", e.tMs());
            m.put("dir", e.dir());
            m.put("stage", e.stage());
            m.put("text", e.text());
            if (e.isPdu()) {
                m.put("pdu", e.pdu());
                m.put("bytes", e.bytes());
                m.put("peer", e.peer());
            }
            out.add(m);
        }
        return out;
    }

    @Override
    public Object enumeration(EnumerationSection s) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>();
        for (EnumerationSection.Row r : s.rows()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("request", r.request());
            row.put("selected", r.selected());
            row.put("failureCode", r.failureCode());
            row.put("cause", r.cause());
            row.put("accepted", r.accepted());
            row.put("elapsedMs", r.elapsedMs());
            list.add(row);
        }
        m.put("requests", list);
        m.put("nlaRequired", s.nlaRequired());
        m.put("legacyRdpSecurityAllowed", s.legacyRdpSecurityAllowed());
        m.put("alwaysSelectsRdp", s.alwaysSelectsRdp());
        m.put("notes", s.notes());
        return m;
    }

    @Override
    public Object encryption(EncryptionSection s) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Map<String, Object>> r = new ArrayList<>();
        for (EncryptionSection.Row row : s.rows()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("offered", row.offered());
            x.put("accepted", row.accepted());
            x.put("selectedMethod", row.selectedMethod());
            x.put("encryptionLevel", row.encryptionLevel());
            x.put("rdpVersion", row.rdpVersion());
            if (row.note() != null) x.put("note", row.note());
            x.put("tested", row.tested());
            if (row.detail() != null) x.put("detail", row.detail());
            r.add(x);
        }
        m.put("encryptionMethods", r);
        m.put("acceptedMethods", s.acceptedMethods());
        if (s.encryptionLevel() != null) m.put("encryptionLevel", s.encryptionLevel());
        if (s.rdpVersion() != null) m.put("rdpVersion", s.rdpVersion());
        return m;
    }

    @Override
    public Object tlsVersions(TlsVersionsSection s) {
        List<Object> out = new ArrayList<>();
        for (TlsVersionsSection.Row r : s.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", r.version());
            m.put("accepted", r.accepted());
            m.put("cipherSuite", r.cipherSuite());
            m.put("outcome", r.outcome());
            m.put("deprecated", r.deprecated());
            out.add(m);
        }
        return out;
    }

    @Override
    public Object clients(ClientsSection s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("serverCredSspVersion", s.serverCredSspVersion());
        List<Object> list = new ArrayList<>();
        for (ClientsSection.Row r : s.rows()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("client", r.client());
            o.put("canConnect", r.canConnect());
            o.put("via", r.via());
            o.put("reason", r.reason());
            o.put("cause", r.cause());
            o.put("inferred", r.inferred());
            list.add(o);
        }
        m.put("clients", list);
        return m;
    }

    @Override
    public Object gateway(GatewaySection s) {
        return s.address();
    }

    @Override
    public Object rdpFile(RdpFileSection s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", s.file());
        m.put("used", s.used());
        m.put("ignored", s.ignored());
        if (!s.problems().isEmpty()) {
            m.put("problems", s.problems());
        }
        if (!s.notes().isEmpty()) {
            m.put("notes", s.notes());
        }
        return m;
    }

    @Override
    public Object capture(CaptureSection s) {
        return s.facts();
    }

    @Override
    public Object rdpUdp(RdpUdpSection s) {
        return s.facts();
    }
}
