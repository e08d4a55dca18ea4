package io.rdpprobe.protocol.tls.decrypt;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.StreamCipher;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.DESedeEngine;
import org.bouncycastle.crypto.engines.RC4Engine;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * The read state of one direction: cipher objects made once, the sequence number, and the work buffers (the
 * side's, shared by its successive states). {@link #decrypt} leaves the plaintext in {@link #out} at
 * [{@link #start}, {@link #start} + length).
 */
final class RecordCipher {
    /** Largest fragment accepted: 2^14 + 2048 (RFC 5246 6.2.3). */
    static final int MAX_FRAGMENT = (1 << 14) + 2048;
    private static final int TAG = 16;

    /** A record that did not decrypt. No stack trace: failures are data, not bugs. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final DecryptFailure why;

        Failure(DecryptFailure why, String detail) {
            super(detail, null, false, false);
            this.why = why;
        }
    }

    private final SuiteSpec spec;
    private final boolean tls13;
    private final boolean explicitIv;
    private final boolean encryptThenMac;
    private final byte[] in;
    final byte[] out;
    int start;
    /** TLS 1.3: the inner content type of the last record. */
    int innerType;
    long seq;

    private AEADCipher aead;
    private KeyParameter aeadKey;
    private byte[] fixedIv;
    private final byte[] nonce = new byte[12];
    private BlockCipher cbc;
    private StreamCipher rc4;
    private HMac mac;
    private byte[] macOut;
    private final byte[] header = new byte[13];

    private RecordCipher(SuiteSpec spec, boolean tls13, boolean explicitIv, boolean etm, byte[] in, byte[] out) {
        this.spec = spec;
        this.tls13 = tls13;
        this.explicitIv = explicitIv;
        this.encryptThenMac = etm;
        this.in = in;
        this.out = out;
    }

    /** TLS 1.3: key and iv from the traffic secret (RFC 8446 7.3). */
    static RecordCipher tls13(SuiteSpec spec, byte[] trafficSecret, byte[] in, byte[] out) {
        RecordCipher c = new RecordCipher(spec, true, false, false, in, out);
        byte[] key = KeyDerivation.expandLabel(spec.prf(), trafficSecret, "key", new byte[0], spec.keyLen());
        byte[] iv = KeyDerivation.expandLabel(spec.prf(), trafficSecret, "iv", new byte[0], 12);
        c.initAead(key, iv);
        return c;
    }

    /** TLS 1.0-1.2 from this direction's part of the key block. */
    static RecordCipher tls12(SuiteSpec spec, int version, byte[] macKey, byte[] key, byte[] iv, boolean etm,
                              byte[] in, byte[] out) {
        RecordCipher c = new RecordCipher(spec, false, spec.block() && version >= 0x0302, etm && spec.block(), in, out);
        if (spec.aead()) {
            c.initAead(key, iv);
            return c;
        }
        c.mac = new HMac(KeyDerivation.digest(spec.mac()));
        c.mac.init(new KeyParameter(macKey));
        c.macOut = new byte[c.mac.getMacSize()];
        if (spec.cipher() == SuiteSpec.Cipher.RC4) {
            c.rc4 = new RC4Engine();
            c.rc4.init(false, new KeyParameter(key));
        } else {
            BlockCipher engine = spec.cipher() == SuiteSpec.Cipher.AES_CBC ? AESEngine.newInstance() : new DESedeEngine();
            c.cbc = CBCBlockCipher.newInstance(engine);
            // TLS 1.0 chains the IV from the key block across records; TLS 1.1+ records carry their IV in their first
            // block, so chaining from anything and dropping the first plaintext block gives the same result
            byte[] chain = iv != null && iv.length == spec.blockSize() ? iv : new byte[spec.blockSize()];
            c.cbc.init(false, new ParametersWithIV(new KeyParameter(key), chain));
        }
        return c;
    }

    private void initAead(byte[] key, byte[] iv) {
        aead = spec.cipher() == SuiteSpec.Cipher.AES_GCM ? GCMBlockCipher.newInstance(AESEngine.newInstance())
                : new ChaCha20Poly1305();
        aeadKey = new KeyParameter(key);
        fixedIv = iv;
    }

    /** Decrypts one record's fragment; on success the sequence number advances and the plaintext length is returned. */
    int decrypt(int type, int recordVersion, ByteBuf fragment) throws Failure {
        int len = fragment.readableBytes();
        if (len > MAX_FRAGMENT) {
            throw new Failure(DecryptFailure.MALFORMED, "record of " + len + " bytes is longer than 2^14 + 2048");
        }
        fragment.getBytes(fragment.readerIndex(), in, 0, len);
        int n;
        if (tls13) {
            n = open13(type, recordVersion, len);
        } else if (aead != null) {
            n = open12(type, recordVersion, len);
        } else if (rc4 != null) {
            n = stream(type, recordVersion, len);
        } else if (encryptThenMac) {
            n = cbcEtm(type, recordVersion, len);
        } else {
            n = cbcMte(type, recordVersion, len);
        }
        seq++;
        return n;
    }

    private int open13(int type, int version, int len) throws Failure {
        if (len < TAG + 1) {
            throw new Failure(DecryptFailure.MALFORMED, "TLS 1.3 record of " + len + " bytes is shorter than tag + content type");
        }
        setNonceXorSeq();
        header[0] = (byte) type;
        header[1] = (byte) (version >> 8);
        header[2] = (byte) version;
        header[3] = (byte) (len >> 8);
        header[4] = (byte) len;
        int n = aeadOpen(header, 5, len, 0);
        int i = n - 1;
        while (i >= 0 && out[i] == 0) {
            i--;
        }
        if (i < 0) {
            throw new Failure(DecryptFailure.MALFORMED, "TLS 1.3 inner plaintext has no content type (all padding)");
        }
        innerType = out[i] & 0xFF;
        start = 0;
        return i;
    }

    private int open12(int type, int version, int len) throws Failure {
        int explicit = spec.cipher() == SuiteSpec.Cipher.AES_GCM ? 8 : 0;
        if (len < explicit + TAG) {
            throw new Failure(DecryptFailure.MALFORMED, "AEAD record of " + len + " bytes is shorter than nonce + tag ("
                    + (explicit + TAG) + ")");
        }
        if (explicit > 0) {
            System.arraycopy(fixedIv, 0, nonce, 0, 4);
            System.arraycopy(in, 0, nonce, 4, 8);
        } else {
            setNonceXorSeq();
        }
        int plain = len - explicit - TAG;
        pseudoHeader(type, version, plain);
        start = 0;
        return aeadOpen(header, 13, len - explicit, explicit);
    }

    private void setNonceXorSeq() {
        System.arraycopy(fixedIv, 0, nonce, 0, 12);
        for (int i = 0; i < 8; i++) {
            nonce[11 - i] ^= (byte) (seq >>> (8 * i));
        }
    }

    private int aeadOpen(byte[] aad, int aadLen, int len, int off) throws Failure {
        aead.init(false, new AEADParameters(aeadKey, TAG * 8, nonce));
        aeadKey = null; // the cipher keeps the key: later records only change the nonce
        aead.processAADBytes(aad, 0, aadLen);
        int n = aead.processBytes(in, off, len, out, 0);
        try {
            return n + aead.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new Failure(DecryptFailure.BAD_RECORD_MAC, "record " + seq + ": AEAD tag check failed");
        } catch (IllegalStateException e) {
            throw new Failure(DecryptFailure.MALFORMED, "record " + seq + ": " + e.getMessage());
        }
    }

    private void pseudoHeader(int type, int version, int length) {
        for (int i = 0; i < 8; i++) {
            header[7 - i] = (byte) (seq >>> (8 * i));
        }
        header[8] = (byte) type;
        header[9] = (byte) (version >> 8);
        header[10] = (byte) version;
        header[11] = (byte) (length >> 8);
        header[12] = (byte) length;
    }

    private void checkMac(int type, int version, byte[] data, int off, int len, byte[] expected, int expectedOff)
            throws Failure {
        pseudoHeader(type, version, len);
        mac.update(header, 0, 13);
        mac.update(data, off, len);
        mac.doFinal(macOut, 0);
        if (!Arrays.equals(macOut, 0, macOut.length, expected, expectedOff, expectedOff + macOut.length)) {
            throw new Failure(DecryptFailure.BAD_RECORD_MAC, "record " + seq + ": HMAC check failed");
        }
    }

    private int stream(int type, int version, int len) throws Failure {
        int macLen = macOut.length;
        if (len < macLen) {
            throw new Failure(DecryptFailure.MALFORMED, "record of " + len + " bytes is shorter than its MAC (" + macLen + ")");
        }
        rc4.processBytes(in, 0, len, out, 0);
        int content = len - macLen;
        checkMac(type, version, out, 0, content, out, content);
        start = 0;
        return content;
    }

    private void cbcDecrypt(int off, int len) {
        int bs = cbc.getBlockSize();
        for (int i = 0; i < len; i += bs) {
            cbc.processBlock(in, off + i, out, i);
        }
    }

    /** Checks the padding of the decrypted out[0, len); returns the number of padding bytes including the length byte. */
    private int padding(int len, int room) throws Failure {
        int pad = out[len - 1] & 0xFF;
        if (pad + 1 > room) {
            throw new Failure(DecryptFailure.BAD_RECORD_MAC, "record " + seq + ": CBC padding length " + pad + " too large");
        }
        for (int i = len - 1 - pad; i < len - 1; i++) {
            if ((out[i] & 0xFF) != pad) {
                throw new Failure(DecryptFailure.BAD_RECORD_MAC, "record " + seq + ": CBC padding bytes are wrong");
            }
        }
        return pad + 1;
    }

    private int cbcMte(int type, int version, int len) throws Failure {
        int bs = cbc.getBlockSize();
        int macLen = macOut.length;
        int iv = explicitIv ? bs : 0;
        if (len % bs != 0 || len < iv + macLen + 1) {
            throw new Failure(DecryptFailure.MALFORMED, "CBC record of " + len + " bytes: not a multiple of " + bs
                    + " or shorter than IV + MAC + padding");
        }
        cbcDecrypt(0, len);
        int pad = padding(len, len - iv - macLen);
        int content = len - iv - macLen - pad;
        checkMac(type, version, out, iv, content, out, iv + content);
        start = iv;
        return content;
    }

    private int cbcEtm(int type, int version, int len) throws Failure {
        int bs = cbc.getBlockSize();
        int macLen = macOut.length;
        int iv = explicitIv ? bs : 0;
        int cipherLen = len - macLen;
        if (cipherLen < iv + bs || cipherLen % bs != 0) {
            throw new Failure(DecryptFailure.MALFORMED, "encrypt-then-MAC record of " + len + " bytes: ciphertext is not "
                    + "a multiple of " + bs + " or shorter than IV + one block");
        }
        checkMac(type, version, in, 0, cipherLen, in, cipherLen);
        cbcDecrypt(0, cipherLen);
        int pad = padding(cipherLen, cipherLen - iv);
        start = iv;
        return cipherLen - iv - pad;
    }
}
