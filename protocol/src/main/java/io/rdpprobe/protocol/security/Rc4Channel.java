package io.rdpprobe.protocol.security;

import io.rdpprobe.protocol.gcc.EncryptionMethod;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.RC4Engine;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * One direction of Standard RDP Security with RC4 (MS-RDPBCGR 5.3.6): encryption or decryption, the MAC
 * (5.3.6.1), the salted MAC (5.3.6.1.1, SEC_SECURE_CHECKSUM) and the key update after every 4096 packets
 * (5.3.7). Stateful: create one for sending and one for receiving.
 *
 * <pre>
 * MAC = First64Bits(MD5(MACKeyN + Pad2 + SHA(MACKeyN + Pad1 + len(u32 LE) + data [+ count(u32 LE)])))
 * Pad1 = 0x36 x 40, Pad2 = 0x5C x 48; count = packets this direction had encrypted before this one
 * key update: T = MD5(K0 + Pad2 + SHA(K0 + Pad1 + Kcur)); Knew = RC4_T(T) (then re-salted for 40/56-bit)
 * </pre>
 */
public final class Rc4Channel {
    public static final int KEY_UPDATE_INTERVAL = 4096;
    public static final int MAC_LENGTH = 8;
    private static final byte[] PAD1 = filled(0x36, 40);
    private static final byte[] PAD2 = filled(0x5C, 48);

    private final EncryptionMethod method;
    private final byte[] macKey;
    private final byte[] initialKey;
    private byte[] currentKey;
    private final RC4Engine rc4 = new RC4Engine();
    private int useCount;
    private int totalCount;
    private int keyUpdates;

    private Rc4Channel(EncryptionMethod method, byte[] macKey, byte[] key) {
        this.method = method;
        this.macKey = macKey.clone();
        this.initialKey = key.clone();
        this.currentKey = key.clone();
        rc4.init(true, new KeyParameter(currentKey));
    }

    public static Rc4Channel encryptor(SessionKeys keys) {
        return new Rc4Channel(keys.method(), keys.macKey(), keys.encryptKey());
    }

    public static Rc4Channel decryptor(SessionKeys keys) {
        return new Rc4Channel(keys.method(), keys.macKey(), keys.decryptKey());
    }

    /** MAC of plaintext {@code data}; {@code salted} adds the packet count (5.3.6.1.1). */
    public byte[] mac(byte[] data, boolean salted, int count) {
        MessageDigest sha = Digests.sha1();
        sha.update(macKey);
        sha.update(PAD1);
        sha.update(Digests.le32(data.length));
        sha.update(data);
        if (salted) sha.update(Digests.le32(count));
        byte[] shaComponent = sha.digest();
        return Arrays.copyOf(Digests.md5(macKey, PAD2, shaComponent), MAC_LENGTH);
    }

    /** Encrypts one packet: returns the 8-byte MAC followed by the ciphertext. */
    public byte[] seal(byte[] plaintext, boolean salted) {
        byte[] sig = mac(plaintext, salted, totalCount);
        byte[] out = new byte[MAC_LENGTH + plaintext.length];
        System.arraycopy(sig, 0, out, 0, MAC_LENGTH);
        System.arraycopy(crypt(plaintext), 0, out, MAC_LENGTH, plaintext.length);
        return out;
    }

    /** Decrypts one packet and checks its MAC. */
    public Result open(byte[] signature, byte[] ciphertext, boolean salted) {
        int count = totalCount;
        byte[] plain = crypt(ciphertext);
        byte[] expect = mac(plain, salted, count);
        return new Result(plain, MessageDigest.isEqual(expect, Arrays.copyOf(signature, MAC_LENGTH)));
    }

    /** A decrypted packet and whether its MAC matched. */
    public record Result(byte[] plaintext, boolean macValid) {}

    /** RC4 over {@code data}, updating the key first when 4096 packets have used it. */
    public byte[] crypt(byte[] data) {
        if (useCount >= KEY_UPDATE_INTERVAL) {
            updateKey();
        }
        byte[] out = new byte[data.length];
        rc4.processBytes(data, 0, data.length, out, 0);
        useCount++;
        totalCount++;
        return out;
    }

    private void updateKey() {
        int n = currentKey.length;
        byte[] sha = Digests.sha1(initialKey, PAD1, currentKey);
        byte[] temp = Arrays.copyOf(Digests.md5(initialKey, PAD2, sha), n);
        RC4Engine t = new RC4Engine();
        t.init(true, new KeyParameter(temp));
        byte[] next = new byte[n];
        t.processBytes(temp, 0, n, next, 0);
        if (method.value() == EncryptionMethod.BIT_40.value()) {
            next[0] = (byte) 0xD1;
            next[1] = (byte) 0x26;
            next[2] = (byte) 0x9E;
        } else if (method.value() == EncryptionMethod.BIT_56.value()) {
            next[0] = (byte) 0xD1;
        }
        currentKey = next;
        rc4.init(true, new KeyParameter(currentKey));
        useCount = 0;
        keyUpdates++;
    }

    /** Packets processed in this direction. */
    public int packetCount() {
        return totalCount;
    }

    public int keyUpdates() {
        return keyUpdates;
    }

    /** The key in use (a copy; for tests). */
    byte[] currentKey() {
        return currentKey.clone();
    }

    private static byte[] filled(int b, int n) {
        byte[] a = new byte[n];
        Arrays.fill(a, (byte) b);
        return a;
    }
}
