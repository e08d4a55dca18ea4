package io.rdpprobe.probe.netty;

import io.rdpprobe.probe.credssp.CredSspOptions;
import io.rdpprobe.probe.tls.ProbeTlsClient;
import io.rdpprobe.probe.tls.TrustSettings;
import io.rdpprobe.protocol.ntlm.NegotiateFlags;
import io.rdpprobe.protocol.ntlm.NtlmCrypto;
import io.rdpprobe.protocol.ntlm.NtlmInitiator;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The first TLS ClientHello of a process costs more than the network: on loopback against FreeRDP's shadow server
 * (issue 13, a capture of the probe's own packets) 70-100 ms passed between the server's X.224 Connection Confirm
 * and the probe's ClientHello, all of it the JVM initialising BouncyCastle's TLS classes, generating the first
 * X25519 key share and running that code for the first time under C1, while the server had itself taken 40-100 ms to
 * answer the Connection Request. This class does that first-time work on a daemon thread from TCP connect on, so it
 * overlaps the wait for the server's reply: one throwaway ClientHello built in memory (no socket: BouncyCastle's
 * non-blocking mode writes it to a buffer that is dropped), NTLM's hashes over a constant that is no one's password
 * when CredSSP may follow; and, on a second thread, the index of the JDK's trust anchors that the certificate check
 * reads (TrustSettings.prepareJdkAnchors).
 *
 * <p>Nothing here touches the network, the user's credentials or any state a probe reads: the real handshake builds
 * its own objects, as before. A failure here is ignored (the real stage then pays the cost itself). The thread runs
 * the same code in the same order as the stage it prepares, so class initialisation by two threads at once only
 * makes one wait for the other.
 */
final class HandshakeWarmup {
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private HandshakeWarmup() {}

    /**
     * Starts the warm-up once per process.
     *
     * @param tlsVersions the TLS versions the probe will offer
     * @param ntlm        whether a CredSSP exchange may follow (credentials were given)
     */
    static void start(List<String> tlsVersions, boolean ntlm) {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        // two threads: the anchors are needed right after the server's flight, the warm-up before the ClientHello;
        // after one the other would be late on a fast server (the main thread and the event loop are both waiting)
        daemon("rdp-probe-trust-anchors", TrustSettings::prepareJdkAnchors);
        daemon("rdp-probe-tls-warmup", () -> {
            clientHello(tlsVersions);
            if (ntlm) {
                ntlm();
            }
        });
    }

    private interface Work {
        void run() throws Exception;
    }

    private static void daemon(String name, Work w) {
        Thread t = new Thread(() -> {
            try {
                w.run();
            } catch (Throwable ignored) {
                // a warm-up only: the stage it prepares reports its own failures
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    /** One ClientHello as the TLS stage makes it, written to BouncyCastle's output buffer and dropped. */
    static byte[] clientHello(List<String> tlsVersions) throws java.io.IOException {
        TlsClientProtocol protocol = new TlsClientProtocol();
        protocol.connect(new ProbeTlsClient(new BcTlsCrypto(new SecureRandom()), tlsVersions, "warm-up.invalid", null));
        byte[] hello = new byte[protocol.getAvailableOutputBytes()];
        protocol.readOutput(hello, 0, hello.length);
        return hello;
    }

    /** NTLM's NT hash (MD4), HMAC-MD5, RC4 and NEGOTIATE message over constants. */
    static byte[] ntlm() {
        byte[] hash = NtlmCrypto.ntHash("warm-up".toCharArray());
        byte[] v2 = NtlmCrypto.ntowfv2(hash, "warm-up", "WARM-UP");
        byte[] key = NtlmCrypto.hmacMd5(v2, new byte[16]);
        byte[] sealed = NtlmCrypto.rc4(key, new byte[16]);
        NtlmInitiator initiator = new NtlmInitiator("warm-up", "", hash, "", null,
                CredSspOptions.defaults().clientVersion(), NegotiateFlags.CREDSSP_CLIENT);
        byte[] negotiate = initiator.negotiate();
        initiator.destroy();
        return sealed.length == 16 ? negotiate : null;
    }
}
