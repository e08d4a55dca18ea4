package io.rdpprobe.capture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * {@code analyze --threads N}: N workers, each reading the whole capture with its own {@link CaptureReader} (the
 * file comes from the page cache; every worker reads it sequentially) and running a full {@link CaptureAnalyzer}
 * over the connections of its shard (by the unordered pair of IP addresses, {@link CaptureAnalyzer#shardOf}). Every
 * worker still sees every packet's index and timestamp, so the capture clock, the sweeps and the end of the closed
 * connections' grace happen at the same packet as in one thread.
 *
 * <p>Each emission is tagged with where the one-thread analysis makes it (packet index, phase within the packet's
 * handling, and the phase's order key); the calling thread merges the workers' streams in that order. A worker
 * publishes, with each batch, the packet index it has fully handled (its watermark); an emission is passed on once
 * no worker can still produce an earlier one, so output streams and memory stays bounded by the batches in flight.
 * The workers' open and held-closed counts are merged the same way, which keeps {@code maxOpenConnections} exact and
 * tells when more than {@link CaptureAnalyzer#MAX_CLOSED} closed connections were held at once in all shards
 * together: one thread then reports the eldest early, which a shard cannot know, so the output may differ and the
 * summary says so ({@link CaptureAnalyzer.Summary#notes()}).
 */
final class ParallelAnalysis {
    /** Packets between two batches of a worker. */
    static final int BATCH_PACKETS = 1024;
    /** Batches a worker may be ahead of the merge. */
    static final int QUEUE = 4;

    private ParallelAnalysis() {
    }

    /** Opens worker {@code worker}'s own reader of the capture. */
    interface Opener {
        CaptureReader open(int worker) throws IOException;
    }

    /** One emission or count change of a worker, with its place in the one-thread order. */
    private static final class Item {
        final long index;
        final int phase;
        final long key;
        final AnalyzedConnection connection; // null: a count change
        final int open;
        final int held;
        final boolean put;

        Item(long index, int phase, long key, AnalyzedConnection connection, int open, int held, boolean put) {
            this.index = index;
            this.phase = phase;
            this.key = key;
            this.connection = connection;
            this.open = open;
            this.held = held;
            this.put = put;
        }
    }

    /** The one-thread order: packet index, phase, then close/emission order or (sweep, end) first packet and endpoints. */
    static int compare(Item a, Item b) {
        int c = Long.compare(a.index, b.index);
        if (c != 0) return c;
        c = Integer.compare(a.phase, b.phase);
        if (c != 0) return c;
        if (a.connection != null && b.connection != null && (a.phase == CaptureAnalyzer.IDLE
                || a.phase == CaptureAnalyzer.FINISH_TCP || a.phase == CaptureAnalyzer.FINISH_UDP)) {
            c = a.connection.tcp() != null && b.connection.tcp() != null
                    ? CaptureAnalyzer.BY_FIRST_SEEN.compare(a.connection.tcp(), b.connection.tcp())
                    : a.connection.udp() != null && b.connection.udp() != null
                    ? CaptureAnalyzer.UDP_BY_FIRST_SEEN.compare(a.connection.udp(), b.connection.udp()) : 0;
            if (c != 0) return c;
        }
        return Long.compare(a.key, b.key);
    }

    /** What a worker hands to the merge. */
    private record Batch(List<Item> items, long watermark, long position, CaptureAnalyzer.Summary summary,
                         Throwable failure, long failedAt, int failedPhase) {
    }

    private static final class Worker implements Runnable, CaptureAnalyzer.Tags {
        final int id;
        final int of;
        final Opener file;
        final CaptureSecrets.Files files;
        final BlockingQueue<Batch> out = new ArrayBlockingQueue<>(QUEUE);
        volatile boolean cancelled;
        private List<Item> pending = new ArrayList<>();

        Worker(int id, int of, Opener file, CaptureSecrets.Files files) {
            this.id = id;
            this.of = of;
            this.file = file;
            this.files = files;
        }

        @Override
        public void connection(AnalyzedConnection c, long index, int phase, long key) {
            pending.add(new Item(index, phase, key, c, 0, 0, false));
        }

        @Override
        public void counts(long index, int phase, long key, int open, int held, boolean put) {
            pending.add(new Item(index, phase, key, null, open, held, put));
        }

        private void publish(long watermark, long position, CaptureAnalyzer.Summary s, Throwable failure, long failedAt,
                             int failedPhase) throws InterruptedException {
            Batch b = new Batch(pending, watermark, position, s, failure, failedAt, failedPhase);
            pending = new ArrayList<>();
            while (!out.offer(b, 50, TimeUnit.MILLISECONDS)) {
                if (cancelled) {
                    throw new InterruptedException("cancelled");
                }
            }
        }

        @Override
        public void run() {
            CaptureAnalyzer a = null;
            boolean inPacket = false;
            try {
                try (CaptureReader r = file.open(id)) {
                    boolean ng = "pcapng".equals(r.format());
                    CaptureSecrets secrets = files.isEmpty() && !ng ? null : new CaptureSecrets(files, ng ? r::secrets : null);
                    a = new CaptureAnalyzer(null, secrets, id, of, this);
                    RawPacket p;
                    String broken = null;
                    try {
                        while ((p = r.next()) != null) {
                            inPacket = true;
                            a.accept(p);
                            inPacket = false;
                            if ((a.packets() & (BATCH_PACKETS - 1)) == 0) {
                                publish(a.packets(), r.position(), null, null, 0, 0);
                            }
                        }
                    } catch (CaptureFormatException e) {
                        if (e.kind() != CaptureFormatException.Kind.BROKEN) {
                            throw e;
                        }
                        broken = e.getMessage();
                    }
                    inPacket = true;
                    a.finish();
                    inPacket = false;
                    CaptureAnalyzer.Summary s = a.summary(r.format(), r.position(), r.secrets().size(), r.truncation(),
                            broken);
                    publish(Long.MAX_VALUE, r.position(), s, null, 0, 0);
                }
            } catch (InterruptedException e) {
                // cancelled by the merge: nobody waits for this worker any more
            } catch (Throwable t) {
                if (cancelled) {
                    return;
                }
                // the one-thread analysis stops at this packet: every packet before it is handled (and, when the
                // failure is inside the packet's handling, what it emitted before the failure)
                long at = a == null ? 0 : inPacket ? a.packets() : a.packets() + 1;
                try {
                    publish(Long.MAX_VALUE, 0, null, t, at, inPacket ? a.phaseNow() : -1);
                } catch (InterruptedException e) {
                    // cancelled
                }
            }
        }
    }

    /**
     * Analyses {@code file} with {@code threads} workers; the same connections, in the same order, and the same
     * summary as {@link CaptureAnalyzer#analyze(java.nio.file.Path, CaptureSecrets.Files, Consumer, LongConsumer)}.
     */
    static CaptureAnalyzer.Summary analyze(Opener file, CaptureSecrets.Files files, Consumer<AnalyzedConnection> sink,
                                           LongConsumer progress, int threads) throws IOException {
        Worker[] workers = new Worker[threads];
        Thread[] running = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker(i, threads, file, files);
            running[i] = new Thread(workers[i], "analyze-shard-" + i);
            running[i].setDaemon(true);
        }
        try {
            for (Thread t : running) {
                t.start();
            }
            return merge(workers, sink, progress);
        } finally {
            for (Worker w : workers) {
                w.cancelled = true;
            }
            for (Thread t : running) {
                t.interrupt();
            }
            for (Thread t : running) {
                try {
                    t.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
    }

    private static CaptureAnalyzer.Summary merge(Worker[] workers, Consumer<AnalyzedConnection> sink,
                                                 LongConsumer progress) throws IOException {
        int n = workers.length;
        @SuppressWarnings("unchecked")
        ArrayDeque<Item>[] queued = new ArrayDeque[n];
        long[] watermark = new long[n];
        boolean[] done = new boolean[n];
        CaptureAnalyzer.Summary[] summaries = new CaptureAnalyzer.Summary[n];
        int[] open = new int[n];
        int[] held = new int[n];
        long openSum = 0;
        long heldSum = 0;
        long maxOpen = 0;
        long maxHeld = 0;
        for (int i = 0; i < n; i++) {
            queued[i] = new ArrayDeque<>();
        }
        Throwable failure = null;
        int failedWorker = -1;
        Item limit = null; // with a failure: what the one-thread analysis never reaches
        while (true) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!queued[i].isEmpty() && (best < 0 || compare(queued[i].peekFirst(), queued[best].peekFirst()) < 0)) {
                    best = i;
                }
            }
            int need = -1;
            for (int i = 0; i < n && need < 0; i++) {
                if (queued[i].isEmpty() && !done[i] && (best < 0 || watermark[i] < queued[best].peekFirst().index)) {
                    need = i;
                }
            }
            if (need >= 0) {
                Batch b;
                try {
                    b = workers[need].out.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while analysing");
                }
                queued[need].addAll(b.items());
                watermark[need] = b.watermark();
                if (need == 0 && progress != null && b.failure() == null && b.summary() == null) {
                    progress.accept(b.position());
                }
                if (b.summary() != null) {
                    summaries[need] = b.summary();
                    done[need] = true;
                }
                if (b.failure() != null) {
                    done[need] = true;
                    if (failure == null || b.failedAt() < limit.index) {
                        failure = b.failure();
                        failedWorker = need;
                        limit = new Item(b.failedAt(), b.failedPhase(), Long.MIN_VALUE, null, 0, 0, false);
                    }
                }
                if (limit != null) { // nothing past the failure is needed from the other workers
                    for (int i = 0; i < n; i++) {
                        if (watermark[i] >= limit.index) {
                            done[i] = true;
                        }
                    }
                }
                continue;
            }
            if (best < 0) {
                break;
            }
            Item it = queued[best].pollFirst();
            if (limit != null && best != failedWorker && compare(it, limit) >= 0) {
                continue;
            }
            if (it.connection != null) {
                sink.accept(it.connection);
            } else {
                openSum += it.open - open[best];
                heldSum += it.held - held[best];
                open[best] = it.open;
                held[best] = it.held;
                if (it.put) {
                    maxOpen = Math.max(maxOpen, openSum);
                }
                maxHeld = Math.max(maxHeld, heldSum);
            }
        }
        if (failure != null) {
            if (failure instanceof IOException e) throw e;
            if (failure instanceof RuntimeException e) throw e;
            if (failure instanceof Error e) throw e;
            throw new UncheckedIOException(new IOException(failure));
        }
        CaptureAnalyzer.Summary first = summaries[0];
        long rdp = 0;
        for (CaptureAnalyzer.Summary s : summaries) {
            rdp += s.rdpConnections();
        }
        List<String> notes = new ArrayList<>(first.notes());
        if (maxHeld > CaptureAnalyzer.MAX_CLOSED) {
            notes.add(maxHeld + " closed connections were held for late segments at once in the " + n + " shards "
                    + "(one thread holds at most " + CaptureAnalyzer.MAX_CLOSED + " and reports the eldest early): "
                    + "the order of the connections, and which late segments are noted on a closed connection, may "
                    + "differ from --threads 1");
        }
        return new CaptureAnalyzer.Summary(first.format(), first.bytes(), first.packets(), rdp, maxOpen,
                first.ipFragments(), first.skippedFrames(), first.decryptionSecretsBlocks(), first.unsupportedLinkTypes(),
                first.truncation(), first.broken(), first.tlsSecrets(), first.tlsSecretsText(), List.copyOf(notes));
    }
}
