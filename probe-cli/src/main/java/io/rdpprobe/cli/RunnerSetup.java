package io.rdpprobe.cli;

import io.netty.handler.pcap.PcapWriteHandler;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.tls.KeyLog;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

/** Builds a ProbeRunner with the --keylog and --capture sinks; closes the capture file at the end. */
final class RunnerSetup implements AutoCloseable {
    final ProbeRunner runner;
    private OutputStream pcap;

    RunnerSetup(ProbeOptions o) {
        this(o, new ProbeRunner());
    }

    /** With a given runner (scan: shared event loops); it is closed with this setup. */
    RunnerSetup(ProbeOptions o, ProbeRunner r) {
        runner = r;
        try {
            if (o.keyLog != null) {
                runner.keyLog(KeyLog.open(o.keyLog, o.force));
            }
            if (o.capture != null) {
                if (Files.exists(o.capture) && Files.size(o.capture) > 0 && !o.force) {
                    throw new IllegalArgumentException(o.capture + " exists; use --force to overwrite it");
                }
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(o.capture,
                        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
                PcapWriteHandler.writeGlobalHeader(out);
                pcap = out;
                final OutputStream shared = out;
                runner.addWireTap(() -> PcapWriteHandler.builder().sharedOutputStream(true).build(shared));
            }
        } catch (IOException e) {
            runner.close();
            throw new IllegalArgumentException("cannot open " + e.getMessage());
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
    }

    @Override
    public void close() {
        runner.close();
        if (pcap != null) {
            try {
                pcap.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
