/**
 * NTLM (MS-NLMP): message codecs ({@link io.rdpprobe.protocol.ntlm.NegotiateMessage}, {@link
 * io.rdpprobe.protocol.ntlm.ChallengeMessage}, {@link io.rdpprobe.protocol.ntlm.AuthenticateMessage}), AV pairs,
 * VERSION, the NTLMv2 primitives ({@link io.rdpprobe.protocol.ntlm.NtlmCrypto}), a pure initiator and
 * connection-oriented signing/sealing ({@link io.rdpprobe.protocol.ntlm.NtlmSealing}).
 */
package io.rdpprobe.protocol.ntlm;
