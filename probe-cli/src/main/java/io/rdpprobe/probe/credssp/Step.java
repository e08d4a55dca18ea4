package io.rdpprobe.probe.credssp;

/**
 * What the driver does after {@link CredSspClient#onMessage}: write {@code send} (a whole TSRequest, as one
 * TLS record) when non-null, then, when {@code outcome} is non-null, the stage is over.
 */
public record Step(byte[] send, Outcome outcome) {
    public static Step send(byte[] bytes) {
        return new Step(bytes, null);
    }

    public static Step done(Outcome o) {
        return new Step(null, o);
    }

    public boolean isDone() {
        return outcome != null;
    }
}
