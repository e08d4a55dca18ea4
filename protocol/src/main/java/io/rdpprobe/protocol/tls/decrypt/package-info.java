/**
 * TLS record decryption for captures (issue 12): {@link io.rdpprobe.protocol.tls.decrypt.TlsSecrets} reads NSS key
 * logs and RSA private keys, {@link io.rdpprobe.protocol.tls.decrypt.TlsDecryptor} follows one TCP connection's
 * records (sans-IO) and hands out the plaintext, or one {@link io.rdpprobe.protocol.tls.decrypt.DecryptFailure} per
 * side saying why it could not. All cryptography is BouncyCastle's lightweight API (no JCA provider).
 */
package io.rdpprobe.protocol.tls.decrypt;
