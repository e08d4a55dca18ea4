package io.rdpprobe.protocol.licensing;

/** dwStateTransition of LICENSE_ERROR_MESSAGE (MS-RDPELE 2.2.2.8, 3.1.5.2). Open. */
public record StateTransition(int value) {
    public static final StateTransition ST_TOTAL_ABORT = new StateTransition(1);
    public static final StateTransition ST_NO_TRANSITION = new StateTransition(2);
    public static final StateTransition ST_RESET_PHASE_TO_START = new StateTransition(3);
    public static final StateTransition ST_RESEND_LAST_MESSAGE = new StateTransition(4);

    public String name() {
        return switch (value) {
            case 1 -> "ST_TOTAL_ABORT";
            case 2 -> "ST_NO_TRANSITION";
            case 3 -> "ST_RESET_PHASE_TO_START";
            case 4 -> "ST_RESEND_LAST_MESSAGE";
            default -> String.format("UNKNOWN_STATE_TRANSITION(0x%08x)", value);
        };
    }

    public String meaning() {
        return switch (value) {
            case 1 -> "licensing aborted; the server may disconnect";
            case 2 -> "no state change (with STATUS_VALID_CLIENT: licensing succeeded)";
            case 3 -> "licensing restarts from the beginning";
            case 4 -> "the last message must be resent";
            default -> "a transition outside MS-RDPELE";
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
