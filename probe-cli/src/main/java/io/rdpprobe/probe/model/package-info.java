/**
 * The stage model every part of rdp-probe shares: {@link io.rdpprobe.probe.model.Stage}, {@link
 * io.rdpprobe.probe.model.Status}, {@link io.rdpprobe.probe.model.StageResult}, {@link
 * io.rdpprobe.probe.model.Cause}, {@link io.rdpprobe.probe.model.Verdict} and {@link
 * io.rdpprobe.probe.model.Report}. The live probe and the capture analyser both produce Reports.
 */
package io.rdpprobe.probe.model;
