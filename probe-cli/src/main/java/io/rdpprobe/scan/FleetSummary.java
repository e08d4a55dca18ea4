package io.rdpprobe.scan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fleet report at the end of a scan, built from each target's JSON report (the same map a JSON Lines row
 * holds, so a resumed scan's earlier rows count exactly like new ones). It judges nothing itself: every list
 * reads what the probe already found (its verdict, X224's selected protocol, the TLS stage's findings and
 * certificate, CREDSSP's clock-skew warning, and the --enumerate tables), and names the evidence it used.
 */
public final class FleetSummary {
    /** How many hosts a text list shows before "... and N more". */
    static final int TEXT_LIMIT = 50;

    /** One host in a list, with the evidence that put it there. */
    public record Entry(String target, String evidence) {}

    /** A certificate expiring within the warning window (or already expired). */
    public record Expiring(String target, Instant notAfter, String subject) {}

    private final Duration expiryWarn;
    private final Instant now;
    private final Map<String, Integer> verdicts = new TreeMap<>();
    private final Map<String, Integer> failuresByCause = new TreeMap<>();
    private final List<Expiring> expiring = new ArrayList<>();
    private final List<Entry> withoutNla = new ArrayList<>();
    private final List<Entry> legacyRdp = new ArrayList<>();
    private final List<Entry> deprecatedTls = new ArrayList<>();
    private final List<Entry> clockSkew = new ArrayList<>();
    private int reports;
    private int resumed;
    // the scan's own facts, set by the command
    private int total;
    private int duplicates;
    private int interrupted;
    private int errors;
    private boolean stopped;
    private long elapsedMs;
    private final List<String> notes = new ArrayList<>();

    public FleetSummary(Duration expiryWarn, Instant now) {
        this.expiryWarn = expiryWarn;
        this.now = now;
    }

    /** Adds one target's report (the JSON map of {@code ReportJson.toMap}, or a parsed JSON Lines row). */
    public synchronized void add(Map<String, Object> report, boolean fromResume) {
        reports++;
        if (fromResume) {
            resumed++;
        }
        String target = String.valueOf(report.get("target"))
                + (report.get("gateway") != null ? " via " + report.get("gateway") : "");
        Map<?, ?> verdict = map(report.get("verdict"));
        String status = verdict == null ? "ERROR" : String.valueOf(verdict.get("status"));
        Object cause = verdict == null ? null : verdict.get("cause");
        String key = status + (cause == null ? "" : " " + cause) + (verdict != null && Boolean.TRUE.equals(verdict.get("inferred"))
                ? " (inferred)" : "");
        verdicts.merge(key, 1, Integer::sum);
        if ("FAILED".equals(status) && cause != null) {
            failuresByCause.merge(String.valueOf(cause), 1, Integer::sum);
        }
        Map<?, ?> x224 = stage(report, "X224");
        Map<?, ?> tls = stage(report, "TLS");
        Map<?, ?> credssp = stage(report, "CREDSSP");

        // NLA and legacy RDP security: what X224 selected for a request that offered HYBRID, or the enumeration
        Map<?, ?> en = map(report.get("enumeration"));
        Map<?, ?> xev = x224 == null ? null : map(x224.get("evidence"));
        Object requested = xev == null ? null : xev.get("requested");
        Object selected = xev == null ? null : xev.get("selected");
        boolean hybridOffered = requested != null && String.valueOf(requested).contains("HYBRID");
        if (en != null && "no".equals(en.get("nlaRequired"))) {
            withoutNla.add(new Entry(target, "--enumerate: NLA required: no"));
        } else if (selected != null && hybridOffered && !String.valueOf(selected).startsWith("HYBRID")) {
            withoutNla.add(new Entry(target, "selected " + selected + " (requested " + requested + ")"));
        }
        if (en != null && "yes".equals(en.get("legacyRdpSecurityAllowed"))) {
            legacyRdp.add(new Entry(target, "--enumerate: legacy RDP security allowed: yes"));
        } else if ("RDP".equals(selected)) {
            legacyRdp.add(new Entry(target, "selected RDP (Standard RDP Security) for " + requested));
        }

        // TLS: the stage's own findings, the leaf certificate's notAfter, and the --enumerate version table
        Map<?, ?> tev = tls == null ? null : map(tls.get("evidence"));
        List<String> deprecated = new ArrayList<>();
        if (tev != null) {
            if (tev.get("findings") instanceof List<?> fs) {
                for (Object f : fs) {
                    if (String.valueOf(f).startsWith("TLS_DEPRECATED_VERSION")) {
                        deprecated.add("negotiated " + tev.get("version"));
                    }
                }
            }
            if (tev.get("certificates") instanceof List<?> certs && !certs.isEmpty() && certs.get(0) instanceof Map<?, ?> leaf
                    && leaf.get("notAfter") != null) {
                try {
                    Instant na = Instant.parse(String.valueOf(leaf.get("notAfter")));
                    if (!na.isAfter(now.plus(expiryWarn))) {
                        expiring.add(new Expiring(target, na, String.valueOf(leaf.get("subject"))));
                    }
                } catch (java.time.format.DateTimeParseException ignored) {
                    // not a date: nothing to sort
                }
            }
        }
        if (report.get("tlsVersions") instanceof List<?> rows) {
            List<String> acc = new ArrayList<>();
            for (Object o : rows) {
                if (o instanceof Map<?, ?> row && Boolean.TRUE.equals(row.get("accepted")) && Boolean.TRUE.equals(row.get("deprecated"))) {
                    acc.add("TLS " + row.get("version"));
                }
            }
            if (!acc.isEmpty()) {
                deprecated.add("--enumerate: accepts " + String.join(", ", acc));
            }
        }
        if (!deprecated.isEmpty()) {
            deprecatedTls.add(new Entry(target, String.join("; ", deprecated)));
        }

        // clock: the CREDSSP stage's own skew warning (more than the probe's CLOCK_SKEW threshold, 5 minutes)
        Map<?, ?> cev = credssp == null ? null : map(credssp.get("evidence"));
        if (cev != null && (cev.get("clockSkewWarning") != null || "CLOCK_SKEW".equals(credssp.get("cause")))) {
            clockSkew.add(new Entry(target, "clockSkewMs " + cev.get("clockSkewMs") + " ± " + cev.get("clockSkewUncertaintyMs")
                    + " (server time " + cev.get("serverTime") + ")"));
        }
    }

    /** The scan's own counts: targets in the scan, duplicates dropped, cut short, probe errors, wall time. */
    public synchronized void scanFacts(int total, int duplicates, int interrupted, int errors, boolean stopped, long elapsedMs) {
        this.total = total;
        this.duplicates = duplicates;
        this.interrupted = interrupted;
        this.errors = errors;
        this.stopped = stopped;
        this.elapsedMs = elapsedMs;
    }

    /** The scan process's own figures: open files before and after the scan, the sampled peak heap, the heap limit. */
    public synchronized void process(long openFilesBefore, long openFilesAfter, long peakHeapBytes, long maxHeapBytes) {
        this.process = new long[] {openFilesBefore, openFilesAfter, peakHeapBytes, maxHeapBytes};
    }

    private long[] process;

    public synchronized void note(String n) {
        notes.add(n);
    }

    /** Failures so far by cause, for the progress line. */
    public synchronized Map<String, Integer> failuresByCause() {
        return new TreeMap<>(failuresByCause);
    }

    public synchronized int reports() {
        return reports;
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : null;
    }

    private static Map<?, ?> stage(Map<String, Object> report, String name) {
        if (report.get("stages") instanceof List<?> stages) {
            for (Object s : stages) {
                if (s instanceof Map<?, ?> m && name.equals(m.get("stage")) && !"NOT_REACHED".equals(m.get("status"))) {
                    return m;
                }
            }
        }
        return null;
    }

    private List<Expiring> expiringSorted() {
        List<Expiring> l = new ArrayList<>(expiring);
        l.sort(Comparator.comparing(Expiring::notAfter).thenComparing(Expiring::target));
        return l;
    }

    public synchronized String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("Fleet summary: ").append(reports).append(" of ").append(total).append(" target(s) probed");
        if (resumed > 0) {
            sb.append(" (").append(resumed).append(" from the resumed file)");
        }
        if (duplicates > 0) {
            sb.append(", ").append(duplicates).append(" duplicate(s) skipped");
        }
        sb.append(String.format(", %.1f s", elapsedMs / 1000.0));
        if (elapsedMs > 0 && reports - resumed > 0) {
            sb.append(String.format(", %.1f targets/s", (reports - resumed) * 1000.0 / elapsedMs));
        }
        sb.append('\n');
        if (stopped) {
            sb.append("  INTERRUPTED: ").append(interrupted).append(" target(s) not probed or cut short (not written; "
                    + "--resume FILE probes them)\n");
        }
        if (errors > 0) {
            sb.append("  ").append(errors).append(" target(s) hit an internal error (see stderr; not written)\n");
        }
        for (String n : notes) {
            sb.append("  note: ").append(n).append('\n');
        }
        if (process != null) {
            sb.append(String.format("  process: open files %d before, %d after; peak heap %d MB (limit %d MB)%n",
                    process[0], process[1], process[2] >> 20, process[3] >> 20));
        }
        sb.append("Verdicts:\n");
        verdicts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sb.append(String.format("  %6d  %s%n", e.getValue(), e.getKey())));
        List<Expiring> exp = expiringSorted();
        sb.append("Certificates expiring within ").append(expiryWarn.toDays()).append(" days (by date): ")
                .append(exp.isEmpty() ? "none" : exp.size()).append('\n');
        int i = 0;
        for (Expiring e : exp) {
            if (i++ == TEXT_LIMIT) {
                sb.append("  ... and ").append(exp.size() - TEXT_LIMIT).append(" more (--json)\n");
                break;
            }
            long days = Duration.between(now, e.notAfter()).toDays();
            sb.append(String.format("  %s  %-22s %s  %s%n", e.notAfter(), days < 0 || e.notAfter().isBefore(now)
                    ? "expired " + Math.abs(days) + " days ago" : "in " + days + " days", e.target(), e.subject()));
        }
        list(sb, "Hosts without NLA", withoutNla);
        list(sb, "Hosts with legacy RDP security (Standard RDP Security)", legacyRdp);
        list(sb, "Hosts with deprecated TLS (1.0/1.1)", deprecatedTls);
        list(sb, "Clock skew beyond 5 minutes", clockSkew);
        return sb.toString();
    }

    private static void list(StringBuilder sb, String title, List<Entry> entries) {
        sb.append(title).append(": ").append(entries.isEmpty() ? "none" : entries.size()).append('\n');
        int i = 0;
        for (Entry e : entries) {
            if (i++ == TEXT_LIMIT) {
                sb.append("  ... and ").append(entries.size() - TEXT_LIMIT).append(" more (--json)\n");
                break;
            }
            sb.append("  ").append(e.target()).append("  ").append(e.evidence()).append('\n');
        }
    }

    public synchronized Object toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("targets", total);
        m.put("probed", reports);
        m.put("resumed", resumed);
        m.put("duplicates", duplicates);
        m.put("interrupted", stopped);
        m.put("notProbed", interrupted);
        m.put("internalErrors", errors);
        m.put("elapsedMs", elapsedMs);
        m.put("targetsPerSecond", elapsedMs > 0 ? Math.round((reports - resumed) * 10_000.0 / elapsedMs) / 10.0 : null);
        m.put("notes", List.copyOf(notes));
        if (process != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("openFilesBefore", process[0]);
            p.put("openFilesAfter", process[1]);
            p.put("peakHeapBytes", process[2]);
            p.put("maxHeapBytes", process[3]);
            m.put("process", p);
        }
        m.put("verdicts", new LinkedHashMap<>(verdicts));
        m.put("failuresByCause", new LinkedHashMap<>(failuresByCause));
        m.put("expiryWarnDays", expiryWarn.toDays());
        List<Object> exp = new ArrayList<>();
        for (Expiring e : expiringSorted()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("target", e.target());
            x.put("notAfter", e.notAfter().toString());
            x.put("daysLeft", Duration.between(now, e.notAfter()).toDays());
            x.put("subject", e.subject());
            exp.add(x);
        }
        m.put("certificatesExpiring", exp);
        m.put("withoutNla", entries(withoutNla));
        m.put("legacyRdpSecurity", entries(legacyRdp));
        m.put("deprecatedTls", entries(deprecatedTls));
        m.put("clockSkew", entries(clockSkew));
        return m;
    }

    private static List<Object> entries(List<Entry> l) {
        List<Object> out = new ArrayList<>();
        for (Entry e : l) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("target", e.target());
            x.put("evidence", e.evidence());
            out.add(x);
        }
        return out;
    }
}
