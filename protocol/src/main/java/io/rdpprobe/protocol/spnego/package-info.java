/**
 * SPNEGO (RFC 4178 / MS-SPNG) wrappers around NTLM in CredSSP negoTokens: {@link
 * io.rdpprobe.protocol.spnego.NegTokenInit}, {@link io.rdpprobe.protocol.spnego.NegTokenResp} and token-kind
 * detection ({@link io.rdpprobe.protocol.spnego.Spnego#detect}).
 */
package io.rdpprobe.protocol.spnego;
