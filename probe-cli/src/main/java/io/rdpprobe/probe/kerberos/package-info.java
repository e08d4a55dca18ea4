/**
 * The KERBEROS stage: the AS and TGS exchanges mstsc's Negotiate makes before CredSSP (MS-KILE over
 * RFC 4120). {@link io.rdpprobe.probe.kerberos.KerberosSequence} is the sans-IO interpretation (one place that
 * decides what a KDC's answer means); {@link io.rdpprobe.probe.kerberos.KerberosProbe} does the I/O: DNS SRV,
 * an AS-REQ without pre-authentication over TCP then UDP (the KDC's clock, etypes, and the client-side
 * KRB-ERRORs, decoded by {@code io.rdpprobe.protocol.krb}), then the password-dependent exchange with the JDK's
 * own Kerberos (JAAS Krb5LoginModule, JGSS), whose error codes map through the same cause table.
 */
package io.rdpprobe.probe.kerberos;
