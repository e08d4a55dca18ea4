/**
 * Kerberos V5 messages a client needs to read a KDC's answer (RFC 4120 5.2, 5.4, 5.9.1, 7.2; RFC 4120
 * 5.2.7.5 ETYPE-INFO2): the AS-REQ the probe sends without pre-authentication, KRB-ERROR (error code,
 * the KDC's clock, e-data with PA-ETYPE-INFO2), the outer AS-REP and a Ticket's clear fields. No crypto:
 * the password-dependent exchange is the JDK's Kerberos (see the README's layout section); these codecs
 * give the evidence it does not expose (the KDC's time, the salt and etypes it offers).
 *
 * <p>Peer DER is pre-checked with {@link io.rdpprobe.protocol.credssp.DerCheck} before BouncyCastle parses it;
 * malformed input throws {@link io.rdpprobe.protocol.codec.DecodeException} of layer KERBEROS.
 */
package io.rdpprobe.protocol.krb;
