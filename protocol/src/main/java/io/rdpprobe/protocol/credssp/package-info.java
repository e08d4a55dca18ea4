/**
 * CredSSP (MS-CSSP): {@link io.rdpprobe.protocol.credssp.TsRequest} with its DER frame-length probe,
 * TSCredentials, the pubKeyAuth computations, NTSTATUS names and the HYBRID_EX Early User Authorization
 * Result (MS-RDPBCGR 2.2.10.2).
 */
package io.rdpprobe.protocol.credssp;
