package io.rdpprobe.probe.credssp;

import io.rdpprobe.protocol.ntlm.AvPairs;
import io.rdpprobe.protocol.ntlm.ChallengeMessage;
import io.rdpprobe.protocol.ntlm.NegotiateFlags;
import java.time.Instant;
import java.util.Map;

/**
 * What an NTLM CHALLENGE tells about the server that sent it, without credentials: names, domain, OS
 * version and build, and its clock. The one reading of a CHALLENGE, used by CredSSP (the target) and by the
 * RD Gateway's HTTP NTLM authentication alike, so both report the same evidence keys.
 */
public final class NtlmChallengeInfo {
    private NtlmChallengeInfo() {}

    private static final long TICKS_PER_SECOND = 10_000_000L;

    /**
     * Adds the CHALLENGE's facts to {@code evidence}.
     *
     * @param sentMillis     wall time the NEGOTIATE was sent
     * @param receivedMillis wall time the CHALLENGE arrived
     * @return true when the server's clock differs by more than {@code skewWarnMillis}
     */
    public static boolean record(ChallengeMessage ch, long sentMillis, long receivedMillis, long skewWarnMillis,
                                 Map<String, Object> evidence) {
        AvPairs ti = ch.targetInfoOrEmpty();
        evidence.put("ntlmTargetName", ch.targetName());
        ti.nbComputerName().ifPresent(v -> evidence.put("netbiosComputerName", v));
        ti.nbDomainName().ifPresent(v -> evidence.put("netbiosDomainName", v));
        ti.dnsComputerName().ifPresent(v -> evidence.put("dnsComputerName", v));
        ti.dnsDomainName().ifPresent(v -> evidence.put("dnsDomainName", v));
        ti.dnsTreeName().ifPresent(v -> evidence.put("dnsForestName", v));
        evidence.put("domainJoined", ch.flags().has(NegotiateFlags.TARGET_TYPE_DOMAIN) || ti.dnsTreeName().isPresent());
        if (ch.version() != null) {
            evidence.put("osVersion", ch.version().dotted());
            evidence.put("os", ch.version().windowsName());
            evidence.put("ntlmRevision", ch.version().revision());
        }
        evidence.put("ntlmChallengeFlags", ch.flags().names());
        boolean[] warn = {false};
        ti.timestampMillis().ifPresent(serverMs -> {
            long mid = sentMillis + (receivedMillis - sentMillis) / 2;
            long skew = serverMs - mid;
            // A timestamp without a sub-second part (FreeRDP: time() * 10^7) says the server's clock only to the
            // second: the skew is then known to +-1 s on top of the round trip, not to the round trip alone.
            boolean wholeSeconds = ti.timestampTicks().map(t -> t % TICKS_PER_SECOND == 0).orElse(false);
            long resolutionMs = wholeSeconds ? 1000 : 0;
            evidence.put("serverTime", Instant.ofEpochMilli(serverMs).toString());
            evidence.put("serverTimeResolution", wholeSeconds
                    ? "1 s (inferred: the NTLM timestamp has no sub-second part; the uncertainty includes 1000 ms for it)"
                    : "sub-second");
            evidence.put("clockSkewMs", skew);
            evidence.put("clockSkewUncertaintyMs", (receivedMillis - sentMillis + 1) / 2 + resolutionMs);
            if (Math.abs(skew) > skewWarnMillis) {
                warn[0] = true;
                evidence.put("clockSkewWarning", "more than " + skewWarnMillis / 60_000 + " minutes: Kerberos would fail");
            }
        });
        return warn[0];
    }

    /** "host (Windows ... (10.0 build 17763)), domain corp" for a summary line. */
    public static String describe(ChallengeMessage ch) {
        AvPairs ti = ch.targetInfoOrEmpty();
        StringBuilder s = new StringBuilder();
        s.append(ti.dnsComputerName().or(ti::nbComputerName).orElse(ch.targetName()));
        if (ch.version() != null) {
            s.append(" (").append(ch.version().windowsName()).append(')');
        }
        ti.dnsDomainName().or(ti::nbDomainName).ifPresent(d -> s.append(", domain ").append(d));
        return s.toString();
    }
}
