package io.rdpprobe.protocol.tls.decrypt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.tls.CipherSuites;
import io.rdpprobe.protocol.tls.ClientHello;
import io.rdpprobe.protocol.tls.HandshakeHeader;
import io.rdpprobe.protocol.tls.HandshakeReassembler;
import io.rdpprobe.protocol.tls.ServerHello;
import io.rdpprobe.protocol.tls.TlsRecordHeader;
import io.rdpprobe.protocol.tls.TlsVersions;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.encodings.PKCS1Encoding;
import org.bouncycastle.crypto.engines.RSAEngine;
import org.bouncycastle.crypto.params.RSAKeyParameters;

/**
 * One TCP connection's TLS decryption, sans-IO. Fed every TLS record (5-byte header + fragment) each side sent, in
 * order, from the first ClientHello on. It parses ClientHello, ServerHello and ClientKeyExchange with the
 * {@code io.rdpprobe.protocol.tls} records to learn the randoms, version, suite and extensions (extended master
 * secret, encrypt-then-MAC), computes the keys when it can, and decrypts.
 *
 * <p>Nothing escapes {@link #record}: bad input or a record that does not decrypt ends that side with one
 * {@link Listener#failed} call. TLS 1.3 follows each side's encrypted handshake to its Finished and then switches
 * to the application traffic secret; KeyUpdate is followed. When only the application secrets are known, records
 * that fail under them are skipped (trial decryption, at most {@value #MAX_TRIAL_RECORDS}) until one succeeds.
 * TLS 1.2 renegotiation and TLS 1.3 0-RTT are not supported. Not thread-safe.
 */
public final class TlsDecryptor {
    /** Per side, and for the connection: the most advanced side wins, see {@link #state()}. */
    public enum State { WAITING_FOR_HELLOS, HANDSHAKE, DECRYPTING, FAILED }

    public interface Listener {
        /**
         * One decrypted record's plaintext: contentType 23 application data, 21 alert, 22 handshake (TLS 1.3's
         * encrypted handshake, NewSessionTicket, post-handshake; TLS 1.2's Finished). data is only valid during the call.
         */
        void plaintext(boolean fromClient, int contentType, ByteBuf data);

        /** Once per side, the first time decryption of that side fails or cannot start. */
        void failed(boolean fromClient, DecryptFailure why, String detail);
    }

    /** Largest handshake message followed (a certificate chain of a few KB fits many times). */
    static final int MAX_HANDSHAKE_MESSAGE = 1 << 17;
    /** Largest handshake transcript kept for the extended master secret's session hash. */
    static final int MAX_TRANSCRIPT = 1 << 18;
    static final int MAX_TRIAL_RECORDS = 64;
    private static final int KEY_UPDATE = 24;
    private static final int EXT_ENCRYPT_THEN_MAC = 22;
    private static final int EXT_EXTENDED_MASTER_SECRET = 23;
    /** RFC 8446 4.1.3: the ServerHello random of a HelloRetryRequest. */
    private static final byte[] HRR_RANDOM = HexFormat.of().parseHex(
            "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
    private static final HexFormat HEX = HexFormat.of();

    private final TlsSecrets secrets;
    private final Listener listener;
    private final Side client = new Side(true);
    private final Side server = new Side(false);

    private byte[] clientRandom;
    private byte[] serverRandom;
    private ClientHello clientHello;
    private int version = -1;
    private int suite = -1;
    private SuiteSpec spec;
    private boolean extendedMasterSecret;
    private boolean encryptThenMac;
    private byte[] masterSecret;
    private byte[] keyBlock;
    /** Why the TLS 1.2 master secret is unknown, once that is decided (before the side's ChangeCipherSpec). */
    private DecryptFailure keyFailure;
    private String keyFailureDetail;
    private byte[] transcript = new byte[1024];
    private int transcriptLen;
    private boolean transcriptOverflow;
    private boolean helloRetry;

    private final class Side {
        final boolean fromClient;
        final HandshakeReassembler handshake = new HandshakeReassembler(MAX_HANDSHAKE_MESSAGE);
        byte[] in;
        byte[] out;
        ByteBuf view;
        RecordCipher cipher;
        /** TLS 1.3 without the handshake secret: the application key being tried. */
        RecordCipher trial;
        int trialSkipped;
        /** Records from this side are protected from now on. */
        boolean encrypted;
        boolean failed;
        /** TLS 1.3: the cipher uses the handshake traffic secret. */
        boolean handshakeKeys;
        byte[] trafficSecret;
        boolean switchAfterRecord;
        boolean keyUpdateAfterRecord;
        boolean renegotiating;
        long decrypted;

        Side(boolean fromClient) {
            this.fromClient = fromClient;
        }

        String name() {
            return fromClient ? "client" : "server";
        }

        void buffers() {
            if (in == null) {
                in = new byte[RecordCipher.MAX_FRAGMENT];
                out = new byte[RecordCipher.MAX_FRAGMENT];
                view = Unpooled.wrappedBuffer(out);
            }
        }

        State state() {
            if (failed) {
                return State.FAILED;
            }
            if (encrypted) {
                return State.DECRYPTING;
            }
            return version < 0 ? State.WAITING_FOR_HELLOS : State.HANDSHAKE;
        }
    }

    /** Wraps an exception thrown by the listener, so that it is not mistaken for bad input. */
    private static final class ListenerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ListenerException(RuntimeException cause) {
            super(cause);
        }
    }

    public TlsDecryptor(TlsSecrets secrets, Listener listener) {
        this.secrets = secrets == null ? TlsSecrets.NONE : secrets;
        this.listener = listener;
    }

    /** record: readerIndex at the 5-byte header, exactly one whole record readable; not retained, not consumed. */
    public void record(boolean fromClient, ByteBuf record) {
        Side s = side(fromClient);
        if (s.failed) {
            return;
        }
        try {
            onRecord(s, record);
        } catch (ListenerException e) {
            throw (RuntimeException) e.getCause();
        } catch (DecodeException e) {
            fail(s, DecryptFailure.MALFORMED, e.getMessage());
        } catch (RuntimeException e) {
            fail(s, DecryptFailure.MALFORMED, "internal error: " + e);
        }
    }

    /** n bytes of that side's stream are missing from the capture: that side stops (its sequence number is lost). */
    public void gap(boolean fromClient, long n) {
        if (n <= 0) {
            return;
        }
        Side s = side(fromClient);
        if (!s.failed) {
            fail(s, DecryptFailure.GAP, n + " byte(s) of the " + s.name()
                    + " stream are missing from the capture: the record sequence is lost");
        }
    }

    /** The connection: DECRYPTING if a side is, else FAILED if a side failed, else how far the hellos got. */
    public State state() {
        State c = client.state();
        State s = server.state();
        if (c == State.DECRYPTING || s == State.DECRYPTING) {
            return State.DECRYPTING;
        }
        if (c == State.FAILED || s == State.FAILED) {
            return State.FAILED;
        }
        return c.compareTo(s) >= 0 ? c : s;
    }

    public State state(boolean fromClient) {
        return side(fromClient).state();
    }

    /** IANA name of the negotiated suite, or null before the ServerHello. */
    public String suiteName() {
        return suite < 0 ? null : CipherSuites.name(suite);
    }

    /** Negotiated version (0x0303, 0x0304...), or -1 before the ServerHello. */
    public int version() {
        return version;
    }

    public long decryptedRecords(boolean fromClient) {
        return side(fromClient).decrypted;
    }

    /** Whether both hellos offered and accepted the extended master secret (RFC 7627). */
    public boolean extendedMasterSecret() {
        return extendedMasterSecret;
    }

    /** Whether encrypt-then-MAC (RFC 7366) is in use: negotiated by both hellos and a CBC suite. */
    public boolean encryptThenMac() {
        return encryptThenMac;
    }

    private Side side(boolean fromClient) {
        return fromClient ? client : server;
    }

    // --- records ---------------------------------------------------------------------------------------------

    private void onRecord(Side s, ByteBuf record) {
        int readable = record.readableBytes();
        if (readable < TlsRecordHeader.SIZE) {
            fail(s, DecryptFailure.MALFORMED, "record of " + readable + " byte(s) is shorter than its 5-byte header");
            return;
        }
        int start = record.readerIndex();
        TlsRecordHeader h = TlsRecordHeader.decode(record.duplicate());
        if (readable < TlsRecordHeader.SIZE + h.length()) {
            fail(s, DecryptFailure.MALFORMED, "truncated record: header says " + h.length() + " byte(s), "
                    + (readable - TlsRecordHeader.SIZE) + " present");
            return;
        }
        ByteBuf fragment = record.slice(start + TlsRecordHeader.SIZE, h.length());
        if (s.encrypted) {
            if (version == TlsVersions.TLS13) {
                encrypted13(s, h, fragment);
            } else {
                encrypted12(s, h, fragment);
            }
            return;
        }
        switch (h.contentType()) {
            case TlsRecordHeader.HANDSHAKE -> s.handshake.feed(fragment, (type, body, total) -> plainHandshake(s, type, body));
            case TlsRecordHeader.CHANGE_CIPHER_SPEC -> changeCipherSpec(s);
            case TlsRecordHeader.APPLICATION_DATA -> fail(s, version < 0 ? DecryptFailure.GAP : DecryptFailure.MALFORMED,
                    version < 0 ? "application data before any ServerHello: the capture does not hold the handshake"
                            : "application data before the " + s.name() + "'s ChangeCipherSpec");
            default -> { } // a plaintext alert or heartbeat: nothing to decrypt
        }
    }

    private void plainHandshake(Side s, int type, ByteBuf body) {
        if (s.failed) {
            return;
        }
        appendTranscript(type, body);
        if (s.fromClient && type == HandshakeHeader.CLIENT_HELLO) {
            clientHello = ClientHello.decode(body.duplicate());
            clientRandom = clientHello.random();
        } else if (!s.fromClient && type == HandshakeHeader.SERVER_HELLO) {
            ServerHello sh = ServerHello.decode(body.duplicate());
            if (Arrays.equals(sh.random(), HRR_RANDOM)) {
                helloRetry = true; // TLS 1.3 HelloRetryRequest: a second ClientHello follows, then the real ServerHello
            } else {
                serverHello(sh);
            }
        } else if (s.fromClient && type == HandshakeHeader.CLIENT_KEY_EXCHANGE) {
            clientKeyExchange(body.duplicate());
        }
    }

    private void serverHello(ServerHello sh) {
        serverRandom = sh.random();
        version = sh.version();
        suite = sh.cipherSuite();
        spec = SuiteSpec.of(suite);
        if (clientRandom == null) {
            failBoth(DecryptFailure.NO_SECRET, "ServerHello without a ClientHello: the client random is unknown");
            return;
        }
        String name = CipherSuites.name(suite);
        if (version == TlsVersions.TLS13) {
            if (spec == null || !spec.tls13()) {
                failBoth(DecryptFailure.UNSUPPORTED_SUITE, name + " in TLSv1.3 is not supported");
                return;
            }
            transcript = null;
            start13(client, TlsSecrets.CLIENT_HANDSHAKE_TRAFFIC_SECRET, TlsSecrets.CLIENT_TRAFFIC_SECRET_0);
            start13(server, TlsSecrets.SERVER_HANDSHAKE_TRAFFIC_SECRET, TlsSecrets.SERVER_TRAFFIC_SECRET_0);
            return;
        }
        if (version < TlsVersions.TLS10 || version > TlsVersions.TLS12) {
            failBoth(DecryptFailure.UNSUPPORTED_SUITE, TlsVersions.name(version) + " is not supported");
            return;
        }
        if (spec == null || spec.tls13() || spec.tls12Only() && version < TlsVersions.TLS12) {
            failBoth(DecryptFailure.UNSUPPORTED_SUITE, name + " in " + TlsVersions.name(version) + " is not supported");
            return;
        }
        extendedMasterSecret = clientHello.extensionTypes().contains(EXT_EXTENDED_MASTER_SECRET)
                && sh.extensionTypes().contains(EXT_EXTENDED_MASTER_SECRET);
        encryptThenMac = spec.block() && clientHello.extensionTypes().contains(EXT_ENCRYPT_THEN_MAC)
                && sh.extensionTypes().contains(EXT_ENCRYPT_THEN_MAC);
        masterSecret = secrets.secret(TlsSecrets.CLIENT_RANDOM, clientRandom);
        if (masterSecret == null && !spec.rsaKeyExchange()) {
            keyFailure = secrets.hasRsaKey() ? DecryptFailure.NOT_RSA_KEY_EXCHANGE : DecryptFailure.NO_SECRET;
            keyFailureDetail = (secrets.hasRsaKey() ? name + " is not an RSA key exchange: an RSA key cannot decrypt it, "
                    + "a key log is needed; " : "") + "no CLIENT_RANDOM line for " + HEX.formatHex(clientRandom);
        }
    }

    private void start13(Side s, String handshakeLabel, String appLabel) {
        s.handshake.clear();
        s.encrypted = true;
        s.buffers();
        byte[] hs = secrets.secret(handshakeLabel, clientRandom);
        byte[] app = secrets.secret(appLabel, clientRandom);
        int size = spec.prf().size;
        if (hs != null && hs.length == size) {
            s.cipher = RecordCipher.tls13(spec, hs, s.in, s.out);
            s.trafficSecret = hs;
            s.handshakeKeys = true;
        } else if (app != null && app.length == size) {
            s.trial = RecordCipher.tls13(spec, app, s.in, s.out);
            s.trafficSecret = app;
        } else {
            fail(s, DecryptFailure.NO_SECRET, (hs != null || app != null
                    ? "the " + s.name() + " traffic secrets are not " + size + " bytes long as " + CipherSuites.name(suite) + " needs"
                    : "no " + handshakeLabel + " or " + appLabel + " line") + " for client random " + HEX.formatHex(clientRandom));
        }
    }

    private void clientKeyExchange(ByteBuf body) {
        if (spec == null || version == TlsVersions.TLS13 || !spec.rsaKeyExchange() || masterSecret != null) {
            transcript = null;
            return;
        }
        int len = Wire.u16be(body, Layer.TLS, "client_key_exchange.encrypted_pre_master_secret.length");
        byte[] enc = Wire.bytes(body, len, Layer.TLS, "client_key_exchange.encrypted_pre_master_secret");
        byte[] premaster = enc.length >= 8 ? secrets.secret(TlsSecrets.RSA, Arrays.copyOf(enc, 8)) : null;
        if (premaster == null) {
            premaster = rsaDecrypt(enc);
        }
        if (premaster == null) {
            if (secrets.hasRsaKey()) {
                keyFailure = DecryptFailure.RSA_KEY_MISMATCH;
                keyFailureDetail = "the encrypted premaster (" + enc.length + " bytes) does not decrypt with the RSA key(s) given";
            } else {
                keyFailure = DecryptFailure.NO_SECRET;
                keyFailureDetail = "no CLIENT_RANDOM line for " + HEX.formatHex(clientRandom) + " and no RSA key";
            }
            transcript = null;
            return;
        }
        if (extendedMasterSecret) {
            if (transcriptOverflow || transcript == null) {
                keyFailure = DecryptFailure.NO_SECRET;
                keyFailureDetail = "extended master secret: the handshake transcript is longer than " + MAX_TRANSCRIPT + " bytes";
            } else {
                byte[] sessionHash = KeyDerivation.sessionHash(version, spec.prf(), transcript, transcriptLen);
                masterSecret = KeyDerivation.prf(version, spec.prf(), premaster, "extended master secret", sessionHash, 48);
            }
        } else {
            masterSecret = KeyDerivation.prf(version, spec.prf(), premaster, "master secret",
                    KeyDerivation.concat(clientRandom, serverRandom), 48);
        }
        transcript = null;
    }

    private byte[] rsaDecrypt(byte[] enc) {
        for (RSAKeyParameters key : secrets.rsaKeys()) {
            if ((key.getModulus().bitLength() + 7) / 8 != enc.length) {
                continue;
            }
            try {
                PKCS1Encoding rsa = new PKCS1Encoding(new RSAEngine());
                rsa.init(false, key);
                byte[] pms = rsa.processBlock(enc, 0, enc.length);
                if (pms.length == 48) {
                    return pms;
                }
            } catch (InvalidCipherTextException | RuntimeException e) {
                // not this key
            }
        }
        return null;
    }

    private void appendTranscript(int type, ByteBuf body) {
        if (transcript == null || transcriptOverflow || type == 0) {
            return; // HelloRequest is not part of the transcript (RFC 5246 7.4.1.1)
        }
        int n = HandshakeHeader.SIZE + body.readableBytes();
        if (transcriptLen + n > MAX_TRANSCRIPT) {
            transcriptOverflow = true;
            return;
        }
        if (transcriptLen + n > transcript.length) {
            transcript = Arrays.copyOf(transcript, Math.min(MAX_TRANSCRIPT, Math.max(transcript.length * 2, transcriptLen + n)));
        }
        int len = body.readableBytes();
        transcript[transcriptLen++] = (byte) type;
        transcript[transcriptLen++] = (byte) (len >> 16);
        transcript[transcriptLen++] = (byte) (len >> 8);
        transcript[transcriptLen++] = (byte) len;
        body.getBytes(body.readerIndex(), transcript, transcriptLen, len);
        transcriptLen += len;
    }

    private void changeCipherSpec(Side s) {
        if (version == TlsVersions.TLS13) {
            return; // middlebox compatibility (RFC 8446 D.4); the side is already encrypted
        }
        if (version < 0) {
            if (helloRetry) {
                return; // middlebox compatibility CCS around a HelloRetryRequest (RFC 8446 D.4)
            }
            fail(s, DecryptFailure.MALFORMED, "ChangeCipherSpec before any ServerHello");
            return;
        }
        if (masterSecret == null) {
            if (keyFailure != null) {
                fail(s, keyFailure, keyFailureDetail);
            } else if (spec.rsaKeyExchange() && secrets.hasRsaKey()) {
                fail(s, DecryptFailure.NO_SECRET, "no ClientKeyExchange before the " + s.name() + "'s ChangeCipherSpec "
                        + "(an abbreviated handshake, session resumption): the master secret must come from a key log; "
                        + "no CLIENT_RANDOM line for " + HEX.formatHex(clientRandom));
            } else {
                fail(s, DecryptFailure.NO_SECRET, "no CLIENT_RANDOM line for " + HEX.formatHex(clientRandom));
            }
            return;
        }
        if (keyBlock == null) {
            keyBlock = KeyDerivation.prf(version, spec.prf(), masterSecret, "key expansion",
                    KeyDerivation.concat(serverRandom, clientRandom), 2 * (spec.mac().size + spec.keyLen() + ivLength()));
        }
        int mac = spec.mac().size;
        int key = spec.keyLen();
        int iv = ivLength();
        int macOff = s.fromClient ? 0 : mac;
        int keyOff = 2 * mac + (s.fromClient ? 0 : key);
        int ivOff = 2 * mac + 2 * key + (s.fromClient ? 0 : iv);
        s.buffers();
        s.cipher = RecordCipher.tls12(spec, version, Arrays.copyOfRange(keyBlock, macOff, macOff + mac),
                Arrays.copyOfRange(keyBlock, keyOff, keyOff + key), Arrays.copyOfRange(keyBlock, ivOff, ivOff + iv),
                encryptThenMac, s.in, s.out);
        s.encrypted = true;
        s.handshake.clear();
    }

    /** Implicit IV bytes in the key block: AEAD fixed IV, the CBC IV of TLS 1.0; TLS 1.1+ CBC IVs are explicit. */
    private int ivLength() {
        if (spec.aead()) {
            return spec.fixedIv();
        }
        return spec.block() && version == TlsVersions.TLS10 ? spec.blockSize() : 0;
    }

    private void encrypted12(Side s, TlsRecordHeader h, ByteBuf fragment) {
        int n;
        try {
            n = s.cipher.decrypt(h.contentType(), h.version(), fragment);
        } catch (RecordCipher.Failure f) {
            fail(s, f.why, f.getMessage() + (s.renegotiating
                    ? " (after a ChangeCipherSpec under encryption: renegotiation is not supported)" : ""));
            return;
        }
        if (h.contentType() == TlsRecordHeader.CHANGE_CIPHER_SPEC) {
            s.renegotiating = true;
        }
        deliver(s, h.contentType(), s.cipher.start, n);
    }

    private void encrypted13(Side s, TlsRecordHeader h, ByteBuf fragment) {
        if (h.contentType() == TlsRecordHeader.CHANGE_CIPHER_SPEC) {
            return; // middlebox compatibility CCS, never encrypted
        }
        if (h.contentType() != TlsRecordHeader.APPLICATION_DATA) {
            if (h.contentType() == TlsRecordHeader.ALERT && h.length() == 2) {
                return; // a plaintext alert (the peer could not read the ServerHello)
            }
            fail(s, DecryptFailure.MALFORMED, "outer content type " + h.contentType() + " under TLS 1.3 encryption");
            return;
        }
        RecordCipher c;
        int n;
        if (s.trial != null) {
            try {
                n = s.trial.decrypt(h.contentType(), h.version(), fragment);
            } catch (RecordCipher.Failure f) {
                if (f.why == DecryptFailure.BAD_RECORD_MAC && ++s.trialSkipped <= MAX_TRIAL_RECORDS) {
                    return; // a handshake record: its secret is not in the key log
                }
                fail(s, f.why, f.why == DecryptFailure.BAD_RECORD_MAC
                        ? "no record of the first " + MAX_TRIAL_RECORDS + " decrypted with the " + s.name()
                        + " application traffic secret (the handshake secret is not in the key log)" : f.getMessage());
                return;
            }
            s.cipher = s.trial;
            s.trial = null;
            c = s.cipher;
        } else {
            c = s.cipher;
            try {
                n = c.decrypt(h.contentType(), h.version(), fragment);
            } catch (RecordCipher.Failure f) {
                fail(s, f.why, f.getMessage() + " under the " + s.name()
                        + (s.handshakeKeys ? " handshake" : " application") + " traffic secret");
                return;
            }
        }
        int type = c.innerType;
        if (type == TlsRecordHeader.HANDSHAKE) {
            s.handshake.feed(s.view.slice(c.start, n), (t, body, total) -> {
                if (t == HandshakeHeader.FINISHED && s.handshakeKeys) {
                    s.switchAfterRecord = true;
                } else if (t == KEY_UPDATE && !s.handshakeKeys) {
                    s.keyUpdateAfterRecord = true;
                }
            });
        }
        deliver(s, type, c.start, n);
        if (s.switchAfterRecord) {
            s.switchAfterRecord = false;
            String label = s.fromClient ? TlsSecrets.CLIENT_TRAFFIC_SECRET_0 : TlsSecrets.SERVER_TRAFFIC_SECRET_0;
            byte[] app = secrets.secret(label, clientRandom);
            s.handshake.clear();
            s.handshakeKeys = false;
            if (app == null || app.length != spec.prf().size) {
                fail(s, DecryptFailure.NO_SECRET, "the " + s.name() + " handshake decrypted, but there is no " + label
                        + " line for client random " + HEX.formatHex(clientRandom));
                return;
            }
            s.trafficSecret = app;
            s.cipher = RecordCipher.tls13(spec, app, s.in, s.out);
        } else if (s.keyUpdateAfterRecord) {
            s.keyUpdateAfterRecord = false;
            s.trafficSecret = KeyDerivation.expandLabel(spec.prf(), s.trafficSecret, "traffic upd", new byte[0], spec.prf().size);
            s.cipher = RecordCipher.tls13(spec, s.trafficSecret, s.in, s.out);
        }
    }

    private void deliver(Side s, int contentType, int start, int len) {
        s.decrypted++;
        s.view.setIndex(start, start + len);
        try {
            listener.plaintext(s.fromClient, contentType, s.view);
        } catch (RuntimeException e) {
            throw new ListenerException(e);
        }
    }

    private void failBoth(DecryptFailure why, String detail) {
        fail(client, why, detail);
        fail(server, why, detail);
    }

    private void fail(Side s, DecryptFailure why, String detail) {
        if (s.failed) {
            return;
        }
        s.failed = true;
        s.encrypted = false;
        s.cipher = null;
        s.trial = null;
        try {
            listener.failed(s.fromClient, why, detail);
        } catch (RuntimeException e) {
            throw new ListenerException(e);
        }
    }
}
