package io.rdpprobe.protocol.security;

import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.engines.DESedeEngine;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * One direction of FIPS Standard RDP Security (MS-RDPBCGR 5.3.5.2, 5.3.6.2): Triple-DES CBC (the chain runs on
 * across packets, IV {@code 12 34 56 78 90 AB CD EF}), data zero-padded to 8 bytes with the pad length in the
 * FIPS security header, and a MAC of {@code First64Bits(HMAC-SHA1(HmacKey, data + count(u32 LE)))}.
 *
 * <pre>
 * ClientEncryptKeyT = SHA1(Last128Bits(ClientRandom) + Last128Bits(ServerRandom)), + its first byte (21 bytes)
 * ClientDecryptKeyT = SHA1(First128Bits(ClientRandom) + First128Bits(ServerRandom)), + its first byte
 * HmacKey           = SHA1(ClientDecryptKeyT[0..20] + ClientEncryptKeyT[0..20])
 * 3DES key          = FipsExpandKey(168 bits): 7-bit groups, each in a byte with odd parity in bit 0
 * </pre>
 * The key expansion reproduces FreeRDP's {@code fips_expand_key_bits} bit for bit (facts only; our own code),
 * because that is what interoperates with Windows. Not yet checked against a real FIPS server.
 */
public final class FipsChannel {
    public static final byte[] IV = {0x12, 0x34, 0x56, 0x78, (byte) 0x90, (byte) 0xAB, (byte) 0xCD, (byte) 0xEF};

    /** Keys of one side. */
    public record Keys(byte[] encryptKey, byte[] decryptKey, byte[] hmacKey) {
        @Override
        public String toString() {
            return "FipsChannel.Keys[redacted]";
        }
    }

    /** A sealed packet: pad length for the FIPS header, the 8-byte signature, the ciphertext. */
    public record Sealed(int padLength, byte[] signature, byte[] ciphertext) {}

    /** A decrypted packet and whether its MAC matched. */
    public record Opened(byte[] plaintext, boolean macValid) {}

    public static Keys clientKeys(byte[] clientRandom, byte[] serverRandom) {
        return derive(clientRandom, serverRandom, false);
    }

    public static Keys serverKeys(byte[] clientRandom, byte[] serverRandom) {
        return derive(clientRandom, serverRandom, true);
    }

    private static Keys derive(byte[] cr, byte[] sr, boolean server) {
        byte[] encT = withFirstByte(Digests.sha1(Arrays.copyOfRange(cr, 16, 32), Arrays.copyOfRange(sr, 16, 32)));
        byte[] decT = withFirstByte(Digests.sha1(Arrays.copyOfRange(cr, 0, 16), Arrays.copyOfRange(sr, 0, 16)));
        byte[] hmac = Digests.sha1(Arrays.copyOf(decT, 20), Arrays.copyOf(encT, 20));
        byte[] enc = expandKey(encT);
        byte[] dec = expandKey(decT);
        return server ? new Keys(dec, enc, hmac) : new Keys(enc, dec, hmac);
    }

    private static byte[] withFirstByte(byte[] sha) {
        byte[] out = Arrays.copyOf(sha, 21);
        out[20] = sha[0];
        return out;
    }

    /** 21 bytes (168 bits) to a 24-byte 3DES key. */
    static byte[] expandKey(byte[] in) {
        byte[] buf = new byte[in.length];
        for (int i = 0; i < in.length; i++) buf[i] = (byte) reverse(in[i] & 0xFF);
        byte[] out = new byte[24];
        for (int i = 0, b = 0; i < 24; i++, b += 7) {
            int p = b / 8;
            int r = b % 8;
            int c;
            if (r == 0) {
                c = buf[p] & 0xFE;
            } else {
                int next = p + 1 < buf.length ? buf[p + 1] & 0xFF : 0;
                c = (((buf[p] & 0xFF) << r) | (next >> (8 - r))) & 0xFE;
            }
            out[i] = (byte) oddParity(reverse(c));
        }
        return out;
    }

    static int reverse(int x) {
        return Integer.reverse(x) >>> 24;
    }

    static int oddParity(int x) {
        int hi = x & 0xFE;
        return hi | ((Integer.bitCount(hi) & 1) == 0 ? 1 : 0);
    }

    private final BlockCipher cbc;
    private final byte[] hmacKey;
    private int count;

    private FipsChannel(byte[] key, byte[] hmacKey, boolean encrypt) {
        this.cbc = CBCBlockCipher.newInstance(new DESedeEngine());
        this.cbc.init(encrypt, new ParametersWithIV(new KeyParameter(key), IV));
        this.hmacKey = hmacKey.clone();
    }

    public static FipsChannel encryptor(Keys k) {
        return new FipsChannel(k.encryptKey(), k.hmacKey(), true);
    }

    public static FipsChannel decryptor(Keys k) {
        return new FipsChannel(k.decryptKey(), k.hmacKey(), false);
    }

    public byte[] mac(byte[] data, int count) {
        HMac h = new HMac(new SHA1Digest());
        h.init(new KeyParameter(hmacKey));
        h.update(data, 0, data.length);
        byte[] c = Digests.le32(count);
        h.update(c, 0, 4);
        byte[] out = new byte[20];
        h.doFinal(out, 0);
        return Arrays.copyOf(out, 8);
    }

    public Sealed seal(byte[] plaintext) {
        int pad = (8 - plaintext.length % 8) % 8;
        byte[] padded = Arrays.copyOf(plaintext, plaintext.length + pad);
        byte[] sig = mac(plaintext, count);
        count++;
        return new Sealed(pad, sig, process(padded));
    }

    /** Decrypts; {@code ciphertext} must be a multiple of 8 bytes and {@code padLength} below 8. */
    public Opened open(byte[] signature, byte[] ciphertext, int padLength) {
        if (ciphertext.length % 8 != 0 || padLength < 0 || padLength > 7 || padLength > ciphertext.length) {
            count++;
            return new Opened(new byte[0], false);
        }
        byte[] padded = process(ciphertext);
        byte[] plain = Arrays.copyOf(padded, padded.length - padLength);
        boolean ok = MessageDigest.isEqual(mac(plain, count), Arrays.copyOf(signature, 8));
        count++;
        return new Opened(plain, ok);
    }

    private byte[] process(byte[] in) {
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i += 8) {
            cbc.processBlock(in, i, out, i);
        }
        return out;
    }

    public int packetCount() {
        return count;
    }
}
