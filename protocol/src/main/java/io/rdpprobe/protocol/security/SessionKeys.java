package io.rdpprobe.protocol.security;

import io.rdpprobe.protocol.gcc.EncryptionMethod;
import java.util.Arrays;

/**
 * Standard RDP Security session keys (MS-RDPBCGR 5.3.5.1, non-FIPS).
 *
 * <pre>
 * PreMasterSecret = First192Bits(ClientRandom) + First192Bits(ServerRandom)
 * SaltedHash(S, I) = MD5(S + SHA(I + S + ClientRandom + ServerRandom))
 * MasterSecret    = SaltedHash(PMS, 'A') + SaltedHash(PMS, 'BB') + SaltedHash(PMS, 'CCC')
 * SessionKeyBlob  = SaltedHash(MS, 'X') + SaltedHash(MS, 'YY') + SaltedHash(MS, 'ZZZ')
 * MACKey128       = First128Bits(SessionKeyBlob)
 * FinalHash(K)    = MD5(K + ClientRandom + ServerRandom)
 * ClientDecryptKey128 = ServerEncryptKey128 = FinalHash(Second128Bits(SessionKeyBlob))
 * ClientEncryptKey128 = ServerDecryptKey128 = FinalHash(Third128Bits(SessionKeyBlob))
 * 40-bit: 0xD1269E + Last40Bits(First64Bits(K128));  56-bit: 0xD1 + Last56Bits(First64Bits(K128))
 * </pre>
 *
 * @param macKey     MACKeyN (16 bytes for 128-bit, 8 for 40/56)
 * @param encryptKey this side's initial encryption key
 * @param decryptKey this side's initial decryption key
 */
public record SessionKeys(EncryptionMethod method, byte[] macKey, byte[] encryptKey, byte[] decryptKey) {

    /** The client's keys. */
    public static SessionKeys client(byte[] clientRandom, byte[] serverRandom, EncryptionMethod method) {
        return derive(clientRandom, serverRandom, method, false);
    }

    /** The server's keys (encrypt and decrypt swapped). */
    public static SessionKeys server(byte[] clientRandom, byte[] serverRandom, EncryptionMethod method) {
        return derive(clientRandom, serverRandom, method, true);
    }

    private static SessionKeys derive(byte[] cr, byte[] sr, EncryptionMethod method, boolean server) {
        if (cr.length != 32 || sr.length != 32) {
            throw new IllegalArgumentException("client and server randoms must be 32 bytes");
        }
        int v = method.value();
        if (v != EncryptionMethod.BIT_40.value() && v != EncryptionMethod.BIT_56.value() && v != EncryptionMethod.BIT_128.value()) {
            throw new IllegalArgumentException("not an RC4 method: " + method.name());
        }
        byte[] pms = concat(Arrays.copyOf(cr, 24), Arrays.copyOf(sr, 24));
        byte[] master = concat(salted(pms, "A", cr, sr), salted(pms, "BB", cr, sr), salted(pms, "CCC", cr, sr));
        byte[] blob = concat(salted(master, "X", cr, sr), salted(master, "YY", cr, sr), salted(master, "ZZZ", cr, sr));
        byte[] mac128 = Arrays.copyOfRange(blob, 0, 16);
        byte[] clientDecrypt = Digests.md5(Arrays.copyOfRange(blob, 16, 32), cr, sr);
        byte[] clientEncrypt = Digests.md5(Arrays.copyOfRange(blob, 32, 48), cr, sr);
        byte[] enc = server ? clientDecrypt : clientEncrypt;
        byte[] dec = server ? clientEncrypt : clientDecrypt;
        return new SessionKeys(method, reduce(mac128, method), reduce(enc, method), reduce(dec, method));
    }

    /** Applies the 40/56-bit salt to the first 64 bits of a 128-bit key; 128-bit keys pass through. */
    static byte[] reduce(byte[] k128, EncryptionMethod method) {
        if (method.value() == EncryptionMethod.BIT_128.value()) return k128.clone();
        byte[] k = Arrays.copyOf(k128, 8);
        if (method.value() == EncryptionMethod.BIT_40.value()) {
            k[0] = (byte) 0xD1;
            k[1] = (byte) 0x26;
            k[2] = (byte) 0x9E;
        } else {
            k[0] = (byte) 0xD1;
        }
        return k;
    }

    private static byte[] salted(byte[] s, String i, byte[] cr, byte[] sr) {
        byte[] in = i.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return Digests.md5(s, Digests.sha1(in, s, cr, sr));
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    @Override
    public String toString() {
        return "SessionKeys[" + method.name() + ", keys redacted]";
    }
}
