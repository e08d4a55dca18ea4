package io.rdpprobe.protocol.tls.decrypt;

/** THROWAWAY STUB of tlsdec's API (deleted before merging branch tlsdec). */
public enum DecryptFailure { NO_SECRET, UNSUPPORTED_SUITE, RSA_KEY_MISMATCH, NOT_RSA_KEY_EXCHANGE, BAD_RECORD_MAC, GAP, MALFORMED }
