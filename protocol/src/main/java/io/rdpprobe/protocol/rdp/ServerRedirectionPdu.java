package io.rdpprobe.protocol.rdp;

/**
 * Enhanced Security Server Redirection PDU (MS-RDPBCGR 2.2.13.3.1, share control type
 * PDUTYPE_SERVER_REDIR_PKT): detected and kept raw. The connection broker sent the client elsewhere.
 */
public record ServerRedirectionPdu(ShareControlHeader header, byte[] body) implements SharePdu {}
