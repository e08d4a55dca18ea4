package io.rdpprobe.cli;

import io.rdpprobe.capture.ProbeCaptureFile;
import io.rdpprobe.probe.netty.CaptureTap;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.tls.KeyLog;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import io.rdpprobe.files.OutputFiles;

/** Builds a ProbeRunner with the --keylog and --capture sinks; closes the capture file at the end. */
final class RunnerSetup implements AutoCloseable {
    final ProbeRunner runner;
    private ProbeCaptureFile pcap;

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
                // traffic and (pcapng) the TLS secrets: owner-only, created anew
                // pcapng for a .pcapng name (markers, and the TLS secrets unless --capture-secrets=no), else classic pcap
                OutputStream out = new BufferedOutputStream(OutputFiles.create(o.capture, o.force, true, "--capture"));
                ProbeCaptureFile file = new ProbeCaptureFile(out, Main.class.getPackage().getImplementationVersion(),
                        ProbeOptions.isPcapng(o.capture), o.captureHoldsSecrets());
                pcap = file;
                runner.addWireTap(() -> new CaptureTap(file));
            }
        } catch (IOException e) {
            runner.close();
            throw new IllegalArgumentException("cannot open " + e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            runner.close();
            throw new IllegalArgumentException("cannot open " + e.getCause().getMessage());
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
    }

    /** Says once on {@code err} that a classic-pcap --capture has no markers and no secrets. */
    static void notice(ProbeOptions o, java.io.PrintWriter err) {
        String n = o.captureNotice();
        if (n != null) {
            err.println(n);
            err.flush();
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
