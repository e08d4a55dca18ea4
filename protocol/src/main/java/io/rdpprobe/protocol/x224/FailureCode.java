package io.rdpprobe.protocol.x224;

/**
 * RDP_NEG_FAILURE failureCode (MS-RDPBCGR 2.2.1.2.2). An open enum: unknown values survive and print as
 * {@code UNKNOWN_FAILURE_CODE(0x..)}.
 */
public record FailureCode(int value) {
    public static final FailureCode SSL_REQUIRED_BY_SERVER = new FailureCode(0x00000001);
    public static final FailureCode SSL_NOT_ALLOWED_BY_SERVER = new FailureCode(0x00000002);
    public static final FailureCode SSL_CERT_NOT_ON_SERVER = new FailureCode(0x00000003);
    public static final FailureCode INCONSISTENT_FLAGS = new FailureCode(0x00000004);
    public static final FailureCode HYBRID_REQUIRED_BY_SERVER = new FailureCode(0x00000005);
    public static final FailureCode SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER = new FailureCode(0x00000006);

    /** The spec name, or {@code UNKNOWN_FAILURE_CODE(0x..)}. */
    public String name() {
        return switch (value) {
            case 1 -> "SSL_REQUIRED_BY_SERVER";
            case 2 -> "SSL_NOT_ALLOWED_BY_SERVER";
            case 3 -> "SSL_CERT_NOT_ON_SERVER";
            case 4 -> "INCONSISTENT_FLAGS";
            case 5 -> "HYBRID_REQUIRED_BY_SERVER";
            case 6 -> "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER";
            default -> String.format("UNKNOWN_FAILURE_CODE(0x%08x)", value);
        };
    }

    public boolean isKnown() {
        return value >= 1 && value <= 6;
    }

    /** What the code means, in one line. */
    public String meaning() {
        return switch (value) {
            case 1 -> "the server requires Enhanced RDP Security (TLS or CredSSP) and the request did not offer a protocol it accepts";
            case 2 -> "the server allows only Standard RDP Security; TLS is not allowed";
            case 3 -> "the server has no usable certificate for TLS";
            case 4 -> "the requested protocols conflict with the security already in effect";
            case 5 -> "the server requires Network Level Authentication (CredSSP)";
            case 6 -> "the server requires TLS with client certificate authentication";
            default -> "a failure code outside MS-RDPBCGR 2.2.1.2.2";
        };
    }

    @Override
    public String toString() {
        return String.format("%s (0x%08x)", name(), value);
    }
}
