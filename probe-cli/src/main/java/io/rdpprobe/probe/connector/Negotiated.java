package io.rdpprobe.probe.connector;

import io.rdpprobe.protocol.x224.ConnectionConfirm;

/**
 * What the X224 stage settled: the server's Connection Confirm and the protocol the later stages run
 * (with {@code --ntlm-info}, HYBRID after an RDP_NEG_FAILURE).
 */
record Negotiated(ConnectionConfirm confirm, int selectedProtocol) {}
