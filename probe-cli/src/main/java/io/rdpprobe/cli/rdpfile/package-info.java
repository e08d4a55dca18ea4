/**
 * mstsc / RD Web {@code .rdp} files, read for {@code --rdp-file} (issue 14): a pure parser ({@link
 * io.rdpprobe.cli.rdpfile.RdpFile#parse(java.nio.file.Path)}) and the probe plan it implies ({@link
 * io.rdpprobe.cli.rdpfile.RdpFile#plan()}: target, account, RD Gateway, requested protocols, certificate policy,
 * routing token, and the {@code used} / {@code ignored} lists for the report). No network, no clock; passwords in
 * the file are never decoded, kept or printed. Not wired into the CLI options here.
 */
package io.rdpprobe.cli.rdpfile;
