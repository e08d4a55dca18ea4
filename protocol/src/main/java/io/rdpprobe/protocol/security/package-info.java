/**
 * Standard RDP Security crypto (MS-RDPBCGR 5.3): the Terminal Services signing key and proprietary certificate
 * signatures, RSA encryption of the client random, session key derivation, and RC4 with MACs and key updates.
 */
package io.rdpprobe.protocol.security;
