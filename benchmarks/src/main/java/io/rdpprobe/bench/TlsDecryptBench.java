package io.rdpprobe.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.tls.decrypt.DecryptFailure;
import io.rdpprobe.protocol.tls.decrypt.TlsDecryptor;
import io.rdpprobe.protocol.tls.decrypt.TlsSecrets;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * TlsDecryptor throughput on TLS 1.3 TLS_AES_128_GCM_SHA256 application records of 1 KB and 16 KB (issue 12): one
 * operation is a fresh decryptor fed a ClientHello, a ServerHello and 1 MiB of server application data (1024 or
 * 64 records), so ops/s is MiB/s of plaintext. The key log holds only the application secret: the decryptor's trial
 * path starts on the first record. Records are sealed here with BouncyCastle's GCM directly.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class TlsDecryptBench {
    static final int TOTAL = 1 << 20;
    private static final HexFormat HEX = HexFormat.of();

    @Param({"1024", "16384"})
    public int recordSize;

    TlsSecrets secrets;
    ByteBuf clientHello;
    ByteBuf serverHello;
    ByteBuf[] records;
    long sink;

    @Setup
    public void setup() throws Exception {
        byte[] clientRandom = new byte[32];
        byte[] serverRandom = new byte[32];
        byte[] secret = new byte[32];
        Random rnd = new Random(12);
        rnd.nextBytes(clientRandom);
        rnd.nextBytes(serverRandom);
        rnd.nextBytes(secret);
        secrets = TlsSecrets.parseKeyLog("SERVER_TRAFFIC_SECRET_0 " + HEX.formatHex(clientRandom) + " " + HEX.formatHex(secret)
                + "\nCLIENT_TRAFFIC_SECRET_0 " + HEX.formatHex(clientRandom) + " " + HEX.formatHex(secret) + "\n");
        clientHello = handshakeRecord(1, hello(clientRandom, true));
        serverHello = handshakeRecord(2, hello(serverRandom, false));
        byte[] key = expandLabel(secret, "key", 16);
        byte[] iv = expandLabel(secret, "iv", 12);
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        int n = TOTAL / recordSize;
        records = new ByteBuf[n];
        byte[] plain = new byte[recordSize + 1];
        for (int seq = 0; seq < n; seq++) {
            rnd.nextBytes(plain);
            plain[recordSize] = 23; // inner content type
            int len = plain.length + 16;
            byte[] rec = new byte[5 + len];
            rec[0] = 23;
            rec[1] = 3;
            rec[2] = 3;
            rec[3] = (byte) (len >> 8);
            rec[4] = (byte) len;
            byte[] nonce = iv.clone();
            for (int i = 0; i < 8; i++) {
                nonce[11 - i] ^= (byte) ((long) seq >>> (8 * i));
            }
            gcm.init(true, new AEADParameters(new KeyParameter(key), 128, nonce));
            gcm.processAADBytes(rec, 0, 5);
            int o = gcm.processBytes(plain, 0, plain.length, rec, 5);
            gcm.doFinal(rec, 5 + o);
            records[seq] = Unpooled.wrappedBuffer(rec);
        }
    }

    private static byte[] hello(byte[] random, boolean client) {
        ByteBuf b = Unpooled.buffer();
        b.writeShort(0x0303).writeBytes(random).writeByte(0);
        if (client) {
            b.writeShort(2).writeShort(0x1301).writeByte(1).writeByte(0);
            b.writeShort(7).writeShort(43).writeShort(3).writeByte(2).writeShort(0x0304);
        } else {
            b.writeShort(0x1301).writeByte(0);
            b.writeShort(6).writeShort(43).writeShort(2).writeShort(0x0304);
        }
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    private static ByteBuf handshakeRecord(int type, byte[] body) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(22).writeShort(0x0303).writeShort(body.length + 4).writeByte(type).writeMedium(body.length).writeBytes(body);
        return b;
    }

    private static byte[] expandLabel(byte[] secret, String label, int length) {
        byte[] full = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[4 + full.length];
        info[0] = (byte) (length >> 8);
        info[1] = (byte) length;
        info[2] = (byte) full.length;
        System.arraycopy(full, 0, info, 3, full.length);
        HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
        g.init(HKDFParameters.skipExtractParameters(secret, info));
        byte[] out = new byte[length];
        g.generateBytes(out, 0, length);
        return out;
    }

    /** One MiB of plaintext through a fresh decryptor: ops/s = MiB/s. */
    @Benchmark
    public long decryptOneMiB() {
        long[] bytes = {0};
        TlsDecryptor d = new TlsDecryptor(secrets, new TlsDecryptor.Listener() {
            @Override
            public void plaintext(boolean fromClient, int contentType, ByteBuf data) {
                bytes[0] += data.readableBytes();
            }

            @Override
            public void failed(boolean fromClient, DecryptFailure why, String detail) {
                if (!fromClient) {
                    throw new IllegalStateException(why + " " + detail);
                }
            }
        });
        d.record(true, clientHello);
        d.record(false, serverHello);
        for (ByteBuf r : records) {
            d.record(false, r);
        }
        if (bytes[0] != TOTAL) {
            throw new IllegalStateException("decrypted " + bytes[0] + " of " + TOTAL + " bytes");
        }
        return bytes[0];
    }
}
