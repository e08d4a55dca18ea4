/**
 * {@code rdp-probe scan}: the target list ({@link io.rdpprobe.scan.TargetParser}), the scheduler that probes each
 * target with {@code probe}'s own code path under a concurrency, rate and per-host limit ({@link io.rdpprobe.scan.Scanner}),
 * {@code --resume} ({@link io.rdpprobe.scan.ResumeFile}), the progress line and the fleet summary
 * ({@link io.rdpprobe.scan.FleetSummary}), which reads the probe's findings and judges nothing itself.
 */
package io.rdpprobe.scan;
