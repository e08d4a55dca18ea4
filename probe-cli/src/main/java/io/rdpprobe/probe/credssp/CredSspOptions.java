package io.rdpprobe.probe.credssp;

import io.rdpprobe.protocol.credssp.TsRequest;
import io.rdpprobe.protocol.ntlm.NtlmVersion;

/**
 * CredSSP client options.
 *
 * @param version           TSRequest version to send (2..6; default 6)
 * @param delegate          send TSCredentials (the password) after the server proved its key; off by default
 * @param spnego            wrap NTLM in SPNEGO as mstsc does (default: raw NTLM, which Windows accepts)
 * @param hybridEx          HYBRID_EX was selected: expect the 4-byte Early User Authorization Result after TSCredentials
 *                          (only with {@code delegate}: the server sends it after receiving the credentials)
 * @param workstation       workstation name sent in AUTHENTICATE (default empty)
 * @param clientVersion     VERSION sent in NEGOTIATE/AUTHENTICATE
 * @param skewWarnMillis    clock skew above which CLOCK_SKEW is reported (default 5 minutes, Kerberos' tolerance)
 */
public record CredSspOptions(int version, boolean delegate, boolean spnego, boolean hybridEx, String workstation,
                             NtlmVersion clientVersion, long skewWarnMillis) {
    public CredSspOptions {
        if (version < 2 || version > TsRequest.MAX_VERSION) {
            throw new IllegalArgumentException("CredSSP version must be 2.." + TsRequest.MAX_VERSION);
        }
        workstation = workstation == null ? "" : workstation;
        clientVersion = clientVersion == null ? new NtlmVersion(10, 0, 19041, NtlmVersion.REVISION_W2K3) : clientVersion;
    }

    public static CredSspOptions defaults() {
        return new CredSspOptions(TsRequest.MAX_VERSION, false, false, false, "", null, 5 * 60_000L);
    }

    public CredSspOptions withVersion(int v) {
        return new CredSspOptions(v, delegate, spnego, hybridEx, workstation, clientVersion, skewWarnMillis);
    }

    public CredSspOptions withDelegate(boolean d) {
        return new CredSspOptions(version, d, spnego, hybridEx, workstation, clientVersion, skewWarnMillis);
    }

    public CredSspOptions withSpnego(boolean s) {
        return new CredSspOptions(version, delegate, s, hybridEx, workstation, clientVersion, skewWarnMillis);
    }

    public CredSspOptions withHybridEx(boolean h) {
        return new CredSspOptions(version, delegate, spnego, h, workstation, clientVersion, skewWarnMillis);
    }
}
