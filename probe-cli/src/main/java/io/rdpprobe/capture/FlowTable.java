package io.rdpprobe.capture;

import java.util.ArrayList;
import java.util.List;

/**
 * The open TCP connections of an analysis by their two endpoints, in either direction: what a
 * {@code HashMap<FlowKey, RdpConnection>} did, looked up straight from a {@link PacketView} (its addresses and ports
 * where they lie in the packet, and a primitive hash) so that a packet costs no key object and no {@link Endpoint}.
 * Open addressing with linear probing; a connection is filed under its own {@code client} and {@code server}, and
 * at most one connection per unordered pair of endpoints is held (as with the map). Iteration order is unspecified:
 * callers sort ({@link CaptureAnalyzer#BY_FIRST_SEEN}).
 */
final class FlowTable {
    private RdpConnection[] slots = new RdpConnection[1024];
    private int[] hashes = new int[1024];
    private int size;
    /** Whether the packet of the last {@link #get} hit came from the connection's client. */
    private boolean fromClient;

    /** The direction-independent hash of two endpoints' {@link PacketView#endpointHash}es. */
    static int flowHash(int a, int b) {
        return mix(a) + mix(b);
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    private static int hashOf(RdpConnection c) {
        return flowHash(endpointHash(c.client), endpointHash(c.server));
    }

    private static int endpointHash(Endpoint e) {
        byte[] a = e.raw();
        return PacketView.endpointHash(a, 0, a.length, e.port());
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The connection of the packet's endpoints (either direction), or null; then {@link #fromClient} tells which. */
    RdpConnection get(PacketView p) {
        int h = p.flowHash();
        int mask = slots.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            RdpConnection c = slots[i];
            if (c == null) {
                return null;
            }
            if (hashes[i] == h) {
                if (p.srcIs(c.client) && p.dstIs(c.server)) {
                    fromClient = true;
                    return c;
                }
                if (p.srcIs(c.server) && p.dstIs(c.client)) {
                    fromClient = false;
                    return c;
                }
            }
        }
    }

    /** For the last {@link #get} that found a connection: whether the packet came from its client. */
    boolean fromClient() {
        return fromClient;
    }

    /** Files {@code c} under its endpoints; none may be filed under the same pair. */
    void put(RdpConnection c) {
        if ((size + 1) * 2 > slots.length) {
            grow();
        }
        insert(c, hashOf(c));
        size++;
    }

    private void insert(RdpConnection c, int h) {
        int mask = slots.length - 1;
        int i = h & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = c;
        hashes[i] = h;
    }

    private void grow() {
        RdpConnection[] old = slots;
        int[] oldHashes = hashes;
        slots = new RdpConnection[old.length * 2];
        hashes = new int[old.length * 2];
        for (int i = 0; i < old.length; i++) {
            if (old[i] != null) {
                insert(old[i], oldHashes[i]);
            }
        }
    }

    /** Removes {@code c} itself (by identity) if it is filed; returns whether it was. */
    boolean remove(RdpConnection c) {
        int h = hashOf(c);
        int mask = slots.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            RdpConnection x = slots[i];
            if (x == null) {
                return false;
            }
            if (x == c) {
                delete(i);
                return true;
            }
        }
    }

    /** Linear probing's deletion: the entries after the hole that would no longer be found move back into it. */
    private void delete(int hole) {
        int mask = slots.length - 1;
        slots[hole] = null;
        size--;
        for (int i = (hole + 1) & mask; slots[i] != null; i = (i + 1) & mask) {
            int home = hashes[i] & mask;
            // the entry at i may fill the hole if its home is not in (hole, i] (cyclically)
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                slots[hole] = slots[i];
                hashes[hole] = hashes[i];
                slots[i] = null;
                hole = i;
            }
        }
    }

    /** Every connection filed, in no particular order (a copy: the table may change while the caller goes through it). */
    List<RdpConnection> values() {
        List<RdpConnection> out = new ArrayList<>(size);
        for (RdpConnection c : slots) {
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    void clear() {
        java.util.Arrays.fill(slots, null);
        size = 0;
    }
}
