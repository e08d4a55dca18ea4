package io.rdpprobe.protocol.mcs;

/**
 * T.125 Result enumeration, used by Connect-Response, Attach-User-Confirm and Channel-Join-Confirm
 * (MS-RDPBCGR 2.2.1.4, 2.2.1.7, 2.2.1.9). Open: unknown values print as {@code UNKNOWN(n)}.
 */
public record McsResult(int value) {
    private static final String[] NAMES = {
        "rt-successful", "rt-domain-merging", "rt-domain-not-hierarchical", "rt-no-such-channel",
        "rt-no-such-domain", "rt-no-such-user", "rt-not-admitted", "rt-other-user-id",
        "rt-parameters-unacceptable", "rt-token-not-available", "rt-token-not-possessed", "rt-too-many-channels",
        "rt-too-many-tokens", "rt-too-many-users", "rt-unspecified-failure", "rt-user-rejected"};
    private static final String[] MEANINGS = {
        "success", "the domain is merging", "the domain is not hierarchical", "no such channel",
        "no such domain", "no such user", "not admitted to the channel", "another user id is in use",
        "the domain parameters are unacceptable", "the token is not available", "the token is not possessed",
        "too many channels", "too many tokens", "too many users", "unspecified failure",
        "the server rejected the user"};

    public static final McsResult SUCCESSFUL = new McsResult(0);
    public static final McsResult DOMAIN_MERGING = new McsResult(1);
    public static final McsResult DOMAIN_NOT_HIERARCHICAL = new McsResult(2);
    public static final McsResult NO_SUCH_CHANNEL = new McsResult(3);
    public static final McsResult NO_SUCH_DOMAIN = new McsResult(4);
    public static final McsResult NO_SUCH_USER = new McsResult(5);
    public static final McsResult NOT_ADMITTED = new McsResult(6);
    public static final McsResult OTHER_USER_ID = new McsResult(7);
    public static final McsResult PARAMETERS_UNACCEPTABLE = new McsResult(8);
    public static final McsResult TOKEN_NOT_AVAILABLE = new McsResult(9);
    public static final McsResult TOKEN_NOT_POSSESSED = new McsResult(10);
    public static final McsResult TOO_MANY_CHANNELS = new McsResult(11);
    public static final McsResult TOO_MANY_TOKENS = new McsResult(12);
    public static final McsResult TOO_MANY_USERS = new McsResult(13);
    public static final McsResult UNSPECIFIED_FAILURE = new McsResult(14);
    public static final McsResult USER_REJECTED = new McsResult(15);

    /** The T.125 name, e.g. {@code rt-user-rejected}, or {@code UNKNOWN(n)}. */
    public String name() {
        return value >= 0 && value < NAMES.length ? NAMES[value] : "UNKNOWN(" + value + ")";
    }

    public String meaning() {
        return value >= 0 && value < MEANINGS.length ? MEANINGS[value] : "a result outside T.125";
    }

    public boolean isSuccess() {
        return value == 0;
    }

    public boolean isKnown() {
        return value >= 0 && value < NAMES.length;
    }

    @Override
    public String toString() {
        return name() + " (" + value + ")";
    }
}
