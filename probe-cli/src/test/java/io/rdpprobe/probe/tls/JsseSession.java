package io.rdpprobe.probe.tls;

import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Random;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * One in-memory TLS session between two JDK SSLEngines, run in a child JVM by {@link TlsDecryptJsseTest} (its
 * security properties re-enable RC4, which the JDK still implements but disables; a child keeps that out of the
 * test JVM). Prints the server's PKCS#8 key, every record in wire order and the application data each side sent:
 * {@code KEY b64}, {@code C hex} / {@code S hex}, {@code CDATA hex} / {@code SDATA hex}, {@code SUITE name}.
 * Args: protocol (TLSv1.2, TLSv1...), cipher suite (JSSE name).
 */
public final class JsseSession {
    private static final HexFormat HEX = HexFormat.of();

    private JsseSession() {}

    public static void main(String[] args) throws Exception {
        String protocol = args[0];
        String suite = args[1];
        PrintStream out = System.out;
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        X500Name name = new X500Name("CN=localhost");
        Date now = new Date();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                BigInteger.TEN, new Date(now.getTime() - 86_400_000L), new Date(now.getTime() + 86_400_000L), name,
                kp.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", kp.getPrivate(), "pw".toCharArray(), new X509Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(ks, "pw".toCharArray());
        SSLContext sctx = SSLContext.getInstance("TLS");
        sctx.init(kmf.getKeyManagers(), null, null);
        SSLContext cctx = SSLContext.getInstance("TLS");
        cctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLEngine client = cctx.createSSLEngine("localhost", 3389);
        client.setUseClientMode(true);
        SSLEngine server = sctx.createSSLEngine();
        server.setUseClientMode(false);
        for (SSLEngine e : new SSLEngine[] {client, server}) {
            e.setEnabledProtocols(new String[] {protocol});
            e.setEnabledCipherSuites(new String[] {suite});
        }
        out.println("KEY " + Base64.getEncoder().encodeToString(kp.getPrivate().getEncoded()));
        Random rnd = new Random(7);
        byte[] cdata = new byte[3000];
        byte[] sdata = new byte[20000];
        rnd.nextBytes(cdata);
        rnd.nextBytes(sdata);
        ByteBuffer cApp = ByteBuffer.wrap(cdata);
        ByteBuffer sApp = ByteBuffer.wrap(sdata);
        ByteBuffer c2s = ByteBuffer.allocate(1 << 17);
        ByteBuffer s2c = ByteBuffer.allocate(1 << 17);
        ByteBuffer cIn = ByteBuffer.allocate(1 << 17);
        ByteBuffer sIn = ByteBuffer.allocate(1 << 17);
        boolean closing = false;
        for (int i = 0; i < 200; i++) {
            boolean handshaking = client.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                    || server.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;
            wrap(client, handshaking ? ByteBuffer.allocate(0) : cApp, c2s, "C", out);
            wrap(server, handshaking ? ByteBuffer.allocate(0) : sApp, s2c, "S", out);
            c2s.flip();
            server.unwrap(c2s, sIn);
            c2s.compact();
            tasks(server);
            s2c.flip();
            client.unwrap(s2c, cIn);
            s2c.compact();
            tasks(client);
            if (!handshaking && !cApp.hasRemaining() && !sApp.hasRemaining() && sIn.position() == cdata.length
                    && cIn.position() == sdata.length && !closing) {
                client.closeOutbound();
                closing = true;
            }
            if (closing && client.isOutboundDone() && c2s.position() == 0) {
                break;
            }
        }
        out.println("SUITE " + client.getSession().getCipherSuite() + " " + client.getSession().getProtocol());
        out.println("CDATA " + HEX.formatHex(cdata));
        out.println("SDATA " + HEX.formatHex(sdata));
        if (sIn.position() != cdata.length || cIn.position() != sdata.length) {
            throw new IllegalStateException("data did not go through: " + sIn.position() + " " + cIn.position());
        }
    }

    private static void wrap(SSLEngine e, ByteBuffer app, ByteBuffer net, String side, PrintStream out) throws Exception {
        int before = net.position();
        e.wrap(app, net);
        tasks(e);
        if (net.position() > before) {
            byte[] b = new byte[net.position() - before];
            net.duplicate().position(before).get(b);
            out.println(side + " " + HEX.formatHex(b));
        }
    }

    private static void tasks(SSLEngine e) {
        Runnable r;
        while ((r = e.getDelegatedTask()) != null) {
            r.run();
        }
    }
}
