package io.rdpprobe.capture;

/** A direction-independent 5-tuple key: both directions of a connection map to the same key. */
public final class FlowKey {
    private final Endpoint low;
    private final Endpoint high;
    private final int protocol;
    private final int hash;

    public FlowKey(Endpoint a, Endpoint b, int protocol) {
        boolean swap = compare(a, b) > 0;
        this.low = swap ? b : a;
        this.high = swap ? a : b;
        this.protocol = protocol;
        this.hash = (low.hashCode() * 31 + high.hashCode()) * 31 + protocol;
    }

    private static int compare(Endpoint a, Endpoint b) {
        byte[] x = a.raw();
        byte[] y = b.raw();
        int c = java.util.Arrays.compareUnsigned(x, y);
        return c != 0 ? c : Integer.compare(a.port(), b.port());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowKey k && k.protocol == protocol && k.low.equals(low) && k.high.equals(high);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return low + " <-> " + high + "/" + protocol;
    }
}
