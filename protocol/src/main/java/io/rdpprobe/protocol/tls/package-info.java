/**
 * TLS record and handshake parsing for what is visible in clear in a capture (RFC 5246, RFC 8446): the record
 * header, ClientHello, ServerHello, the TLS 1.2 Certificate message and Alerts. No cryptography: this package
 * only reads and writes the plaintext structures.
 */
package io.rdpprobe.protocol.tls;
