package io.rdpprobe.protocol.tls.decrypt;

import java.util.HashMap;
import java.util.Map;

/**
 * What the decryptor needs to know of a cipher suite: key exchange (only whether it is static RSA), bulk cipher,
 * key and IV sizes, MAC and PRF hash. The table covers the suites issue 12 names; others are UNSUPPORTED_SUITE.
 *
 * @param cipher   the record protection
 * @param keyLen   bulk key length in bytes
 * @param fixedIv  implicit IV bytes from the key block (GCM 4, ChaCha 12, CBC block size for TLS 1.0), 12 for TLS 1.3
 * @param mac      HMAC hash of the record MAC (CBC and RC4 only), else NONE
 * @param prf      PRF / HKDF hash for TLS 1.2 and 1.3 (TLS 1.0/1.1 always use MD5+SHA1)
 * @param rsaKeyExchange static RSA key exchange (TLS_RSA_*): the premaster is in the ClientKeyExchange
 * @param tls12Only uses a TLS 1.2 feature (AEAD or a SHA-256/384 MAC), never valid in TLS 1.0/1.1
 */
record SuiteSpec(int id, Cipher cipher, int keyLen, int fixedIv, Hash mac, Hash prf, boolean rsaKeyExchange,
                 boolean tls12Only, boolean tls13) {
    enum Cipher { AES_CBC, DES3_CBC, RC4, AES_GCM, CHACHA20_POLY1305 }

    enum Hash {
        NONE(0), MD5(16), SHA1(20), SHA256(32), SHA384(48);
        final int size;

        Hash(int size) {
            this.size = size;
        }
    }

    private static final Map<Integer, SuiteSpec> TABLE = new HashMap<>();

    static {
        // static RSA
        legacy(0x0004, Cipher.RC4, 16, Hash.MD5, true);
        legacy(0x0005, Cipher.RC4, 16, Hash.SHA1, true);
        legacy(0x000A, Cipher.DES3_CBC, 24, Hash.SHA1, true);
        legacy(0x002F, Cipher.AES_CBC, 16, Hash.SHA1, true);
        legacy(0x0035, Cipher.AES_CBC, 32, Hash.SHA1, true);
        cbc12(0x003C, 16, Hash.SHA256, true);
        cbc12(0x003D, 32, Hash.SHA256, true);
        aead12(0x009C, Cipher.AES_GCM, 16, Hash.SHA256, true);
        aead12(0x009D, Cipher.AES_GCM, 32, Hash.SHA384, true);
        // DHE_RSA
        legacy(0x0016, Cipher.DES3_CBC, 24, Hash.SHA1, false);
        legacy(0x0033, Cipher.AES_CBC, 16, Hash.SHA1, false);
        legacy(0x0039, Cipher.AES_CBC, 32, Hash.SHA1, false);
        cbc12(0x0067, 16, Hash.SHA256, false);
        cbc12(0x006B, 32, Hash.SHA256, false);
        aead12(0x009E, Cipher.AES_GCM, 16, Hash.SHA256, false);
        aead12(0x009F, Cipher.AES_GCM, 32, Hash.SHA384, false);
        aead12(0xCCAA, Cipher.CHACHA20_POLY1305, 32, Hash.SHA256, false);
        // ECDHE_ECDSA
        legacy(0xC007, Cipher.RC4, 16, Hash.SHA1, false);
        legacy(0xC008, Cipher.DES3_CBC, 24, Hash.SHA1, false);
        legacy(0xC009, Cipher.AES_CBC, 16, Hash.SHA1, false);
        legacy(0xC00A, Cipher.AES_CBC, 32, Hash.SHA1, false);
        cbc12(0xC023, 16, Hash.SHA256, false);
        cbc12(0xC024, 32, Hash.SHA384, false);
        aead12(0xC02B, Cipher.AES_GCM, 16, Hash.SHA256, false);
        aead12(0xC02C, Cipher.AES_GCM, 32, Hash.SHA384, false);
        aead12(0xCCA9, Cipher.CHACHA20_POLY1305, 32, Hash.SHA256, false);
        // ECDHE_RSA
        legacy(0xC011, Cipher.RC4, 16, Hash.SHA1, false);
        legacy(0xC012, Cipher.DES3_CBC, 24, Hash.SHA1, false);
        legacy(0xC013, Cipher.AES_CBC, 16, Hash.SHA1, false);
        legacy(0xC014, Cipher.AES_CBC, 32, Hash.SHA1, false);
        cbc12(0xC027, 16, Hash.SHA256, false);
        cbc12(0xC028, 32, Hash.SHA384, false);
        aead12(0xC02F, Cipher.AES_GCM, 16, Hash.SHA256, false);
        aead12(0xC030, Cipher.AES_GCM, 32, Hash.SHA384, false);
        aead12(0xCCA8, Cipher.CHACHA20_POLY1305, 32, Hash.SHA256, false);
        // TLS 1.3
        put(new SuiteSpec(0x1301, Cipher.AES_GCM, 16, 12, Hash.NONE, Hash.SHA256, false, false, true));
        put(new SuiteSpec(0x1302, Cipher.AES_GCM, 32, 12, Hash.NONE, Hash.SHA384, false, false, true));
        put(new SuiteSpec(0x1303, Cipher.CHACHA20_POLY1305, 32, 12, Hash.NONE, Hash.SHA256, false, false, true));
    }

    /** A suite valid in TLS 1.0-1.2 (SHA-1 or MD5 MAC); PRF SHA-256 in TLS 1.2. */
    private static void legacy(int id, Cipher c, int keyLen, Hash mac, boolean rsa) {
        int iv = c == Cipher.RC4 ? 0 : c == Cipher.DES3_CBC ? 8 : 16;
        put(new SuiteSpec(id, c, keyLen, iv, mac, Hash.SHA256, rsa, false, false));
    }

    private static void cbc12(int id, int keyLen, Hash mac, boolean rsa) {
        put(new SuiteSpec(id, Cipher.AES_CBC, keyLen, 16, mac, mac == Hash.SHA384 ? Hash.SHA384 : Hash.SHA256, rsa, true, false));
    }

    private static void aead12(int id, Cipher c, int keyLen, Hash prf, boolean rsa) {
        put(new SuiteSpec(id, c, keyLen, c == Cipher.AES_GCM ? 4 : 12, Hash.NONE, prf, rsa, true, false));
    }

    private static void put(SuiteSpec s) {
        TABLE.put(s.id(), s);
    }

    /** The suite's entry, or null when the decryptor does not support it. */
    static SuiteSpec of(int id) {
        return TABLE.get(id);
    }

    boolean aead() {
        return cipher == Cipher.AES_GCM || cipher == Cipher.CHACHA20_POLY1305;
    }

    boolean block() {
        return cipher == Cipher.AES_CBC || cipher == Cipher.DES3_CBC;
    }

    int blockSize() {
        return cipher == Cipher.AES_CBC ? 16 : cipher == Cipher.DES3_CBC ? 8 : 0;
    }
}
