package io.rdpprobe.protocol.security;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** MD5 / SHA-1 helpers (JDK providers; both are mandatory in every Java runtime). */
final class Digests {
    private Digests() {}

    static MessageDigest md5() {
        return get("MD5");
    }

    static MessageDigest sha1() {
        return get("SHA-1");
    }

    static byte[] md5(byte[]... parts) {
        MessageDigest d = md5();
        for (byte[] p : parts) d.update(p);
        return d.digest();
    }

    static byte[] sha1(byte[]... parts) {
        MessageDigest d = sha1();
        for (byte[] p : parts) d.update(p);
        return d.digest();
    }

    private static MessageDigest get(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " missing from the Java runtime", e);
        }
    }

    static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }
}
