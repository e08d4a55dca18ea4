/** Report renderers: {@link io.rdpprobe.report.TextRenderer} for people, {@link io.rdpprobe.report.ReportJson} for machines. */
package io.rdpprobe.report;
