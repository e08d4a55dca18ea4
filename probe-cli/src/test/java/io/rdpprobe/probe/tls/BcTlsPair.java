package io.rdpprobe.probe.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;
import java.util.function.BiConsumer;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.bc.BcRSAContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.ServerOnlyTlsAuthentication;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentialedDecryptor;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedDecryptor;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A BouncyCastle TLS client and server talking through memory (non-blocking protocols), for decryption round
 * trips: every record each side writes is handed to a sink in the order it was produced, and the secrets the
 * client used are written as an NSS key log. One RSA key (and self-signed certificate) serves all pairs.
 */
final class BcTlsPair {
    static final BcTlsCrypto CRYPTO = new BcTlsCrypto(new SecureRandom());
    static final AsymmetricCipherKeyPair RSA = rsaKey();
    static final byte[] CERT = selfSigned(RSA);
    static final AsymmetricCipherKeyPair OTHER_RSA = rsaKey();
    private static final HexFormat HEX = HexFormat.of();

    /** What to negotiate. */
    record Options(ProtocolVersion version, int suite, boolean ems, boolean etm, boolean helloRetry) {
        Options(ProtocolVersion version, int suite, boolean ems, boolean etm) {
            this(version, suite, ems, etm, false);
        }
    }

    final StringBuilder keyLog = new StringBuilder();
    final TlsClientProtocol clientProtocol = new TlsClientProtocol();
    final TlsServerProtocol serverProtocol = new TlsServerProtocol();
    final Client client;
    final Server server;
    private final Splitter toServer;
    private final Splitter toClient;
    final ByteArrayOutputStream serverReceived = new ByteArrayOutputStream();
    final ByteArrayOutputStream clientReceived = new ByteArrayOutputStream();

    /** @param records gets (fromClient, one whole record) in wire order */
    BcTlsPair(Options o, TlsSession resume, BiConsumer<Boolean, ByteBuf> records) throws IOException {
        this.client = new Client(o, resume);
        this.server = new Server(o);
        this.toServer = new Splitter(true, records);
        this.toClient = new Splitter(false, records);
        serverProtocol.accept(server);
        clientProtocol.connect(client);
        pump();
        if (!client.complete) {
            throw new IllegalStateException("handshake did not complete");
        }
    }

    void clientSends(byte[] data) throws IOException {
        clientProtocol.writeApplicationData(data, 0, data.length);
        pump();
    }

    void serverSends(byte[] data) throws IOException {
        serverProtocol.writeApplicationData(data, 0, data.length);
        pump();
    }

    void close() throws IOException {
        clientProtocol.close();
        pump();
    }

    private void pump() throws IOException {
        boolean moved = true;
        while (moved) {
            moved = false;
            int n = clientProtocol.getAvailableOutputBytes();
            if (n > 0) {
                byte[] b = new byte[n];
                clientProtocol.readOutput(b, 0, n);
                toServer.add(b);
                if (!serverProtocol.isClosed()) {
                    serverProtocol.offerInput(b);
                }
                moved = true;
            }
            n = serverProtocol.getAvailableOutputBytes();
            if (n > 0) {
                byte[] b = new byte[n];
                serverProtocol.readOutput(b, 0, n);
                toClient.add(b);
                if (!clientProtocol.isClosed()) {
                    clientProtocol.offerInput(b);
                }
                moved = true;
            }
            drain(serverProtocol.getAvailableInputBytes(), true);
            drain(clientProtocol.getAvailableInputBytes(), false);
        }
    }

    private void drain(int n, boolean server) {
        if (n <= 0) {
            return;
        }
        byte[] b = new byte[n];
        if (server) {
            serverProtocol.readInput(b, 0, n);
            serverReceived.writeBytes(b);
        } else {
            clientProtocol.readInput(b, 0, n);
            clientReceived.writeBytes(b);
        }
    }

    private static final class Splitter {
        final boolean fromClient;
        final BiConsumer<Boolean, ByteBuf> sink;
        final ByteBuf buf = Unpooled.buffer();

        Splitter(boolean fromClient, BiConsumer<Boolean, ByteBuf> sink) {
            this.fromClient = fromClient;
            this.sink = sink;
        }

        void add(byte[] b) {
            buf.writeBytes(b);
            while (buf.readableBytes() >= 5 && buf.readableBytes() >= 5 + buf.getUnsignedShort(buf.readerIndex() + 3)) {
                sink.accept(fromClient, buf.readSlice(5 + buf.getUnsignedShort(buf.readerIndex() + 3)));
            }
            buf.discardReadBytes();
        }
    }

    private void log(String label, byte[] clientRandom, byte[] secret) {
        keyLog.append(label).append(' ').append(HEX.formatHex(clientRandom)).append(' ')
                .append(HEX.formatHex(secret)).append('\n');
    }

    final class Client extends DefaultTlsClient {
        final Options o;
        final TlsSession resume;
        boolean complete;
        TlsSession session;

        Client(Options o, TlsSession resume) {
            super(CRYPTO);
            this.o = o;
            this.resume = resume;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return new ProtocolVersion[] {o.version()};
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[] {o.suite()};
        }

        @Override
        public boolean shouldUseExtendedMasterSecret() {
            return o.ems();
        }

        @Override
        public TlsSession getSessionToResume() {
            return resume;
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getClientExtensions() throws IOException {
            Hashtable ext = super.getClientExtensions();
            if (ext == null) {
                ext = new Hashtable();
            }
            if (o.etm()) {
                org.bouncycastle.tls.TlsExtensionsUtils.addEncryptThenMACExtension(ext);
            } else {
                ext.remove(22);
            }
            return ext;
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new ServerOnlyTlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate c) {
                    // trusted: the test made it
                }
            };
        }

        @Override
        @SuppressWarnings("rawtypes")
        public void processServerExtensions(Hashtable serverExtensions) throws IOException {
            super.processServerExtensions(serverExtensions);
            SecurityParameters sp = context.getSecurityParametersHandshake();
            if (TlsUtils.isTLSv13(sp.getNegotiatedVersion())) {
                log("CLIENT_HANDSHAKE_TRAFFIC_SECRET", sp.getClientRandom(), ProbeTlsClient.Peek.bytes(sp.getTrafficSecretClient()));
                log("SERVER_HANDSHAKE_TRAFFIC_SECRET", sp.getClientRandom(), ProbeTlsClient.Peek.bytes(sp.getTrafficSecretServer()));
            }
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            complete = true;
            SecurityParameters sp = context.getSecurityParametersConnection();
            if (TlsUtils.isTLSv13(sp.getNegotiatedVersion())) {
                log("CLIENT_TRAFFIC_SECRET_0", sp.getClientRandom(), ProbeTlsClient.Peek.bytes(sp.getTrafficSecretClient()));
                log("SERVER_TRAFFIC_SECRET_0", sp.getClientRandom(), ProbeTlsClient.Peek.bytes(sp.getTrafficSecretServer()));
            } else {
                log("CLIENT_RANDOM", sp.getClientRandom(), ProbeTlsClient.Peek.bytes(sp.getMasterSecret()));
            }
            session = context.getSession();
        }
    }

    final class Server extends DefaultTlsServer {
        final Options o;
        TlsSession cached;

        Server(Options o) {
            super(CRYPTO);
            this.o = o;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return new ProtocolVersion[] {o.version()};
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[] {o.suite()};
        }

        @Override
        public boolean shouldUseExtendedMasterSecret() {
            return o.ems();
        }

        @Override
        protected boolean allowEncryptThenMAC() {
            return o.etm();
        }

        @Override
        public int[] getSupportedGroups() throws IOException {
            // the client's early key share is x25519: a server that only takes secp384r1 sends a HelloRetryRequest
            return o.helloRetry() ? new int[] {org.bouncycastle.tls.NamedGroup.secp384r1} : super.getSupportedGroups();
        }

        @Override
        public byte[] getNewSessionID() {
            byte[] id = new byte[32];
            new SecureRandom().nextBytes(id);
            return id;
        }

        @Override
        public TlsSession getSessionToResume(byte[] sessionID) {
            return SESSIONS.get(HEX.formatHex(sessionID));
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            TlsSession s = context.getSession();
            if (s != null && s.getSessionID().length > 0) {
                SESSIONS.put(HEX.formatHex(s.getSessionID()), s);
            }
        }

        private Certificate chain() throws IOException {
            TlsCertificate c = CRYPTO.createCertificate(CERT);
            if (TlsUtils.isTLSv13(context.getServerVersion())) {
                return new Certificate(TlsUtils.EMPTY_BYTES, new CertificateEntry[] {new CertificateEntry(c, null)});
            }
            return new Certificate(new TlsCertificate[] {c});
        }

        @Override
        public org.bouncycastle.tls.TlsCredentials getCredentials() throws IOException {
            if (TlsUtils.isTLSv13(context.getServerVersion())) {
                return getRSASignerCredentials(); // DefaultTlsServer leaves TLS 1.3 to the subclass
            }
            return super.getCredentials();
        }

        @Override
        protected TlsCredentialedDecryptor getRSAEncryptionCredentials() throws IOException {
            return new BcDefaultTlsCredentialedDecryptor(CRYPTO, chain(), RSA.getPrivate());
        }

        @Override
        @SuppressWarnings("rawtypes")
        protected TlsCredentialedSigner getRSASignerCredentials() throws IOException {
            SignatureAndHashAlgorithm alg = null;
            Vector algs = context.getSecurityParametersHandshake().getClientSigAlgs();
            if (algs != null) {
                for (Object a : algs) {
                    SignatureAndHashAlgorithm s = (SignatureAndHashAlgorithm) a;
                    boolean pss = s.getSignature() == SignatureAlgorithm.rsa_pss_rsae_sha256;
                    boolean pkcs1 = s.getSignature() == SignatureAlgorithm.rsa && s.getHash() == 4;
                    if (pss || pkcs1 && !TlsUtils.isTLSv13(context.getServerVersion())) {
                        alg = s;
                        break;
                    }
                }
            }
            return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), CRYPTO, RSA.getPrivate(), chain(), alg);
        }
    }

    static final java.util.Map<String, TlsSession> SESSIONS = new java.util.concurrent.ConcurrentHashMap<>();

    static AsymmetricCipherKeyPair rsaKey() {
        RSAKeyPairGenerator g = new RSAKeyPairGenerator();
        g.init(new RSAKeyGenerationParameters(BigInteger.valueOf(65537), new SecureRandom(), 2048, 100));
        return g.generateKeyPair();
    }

    static byte[] selfSigned(AsymmetricCipherKeyPair kp) {
        try {
            X500Name name = new X500Name("CN=tlsdec-test");
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(kp.getPublic());
            Date now = new Date();
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(name, BigInteger.ONE, new Date(now.getTime() - 86_400_000L),
                    new Date(now.getTime() + 86_400_000L), name, spki);
            AlgorithmIdentifier sig = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withRSA");
            AlgorithmIdentifier dig = new DefaultDigestAlgorithmIdentifierFinder().find(sig);
            return b.build(new BcRSAContentSignerBuilder(sig, dig).build(kp.getPrivate())).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** PKCS#8 "PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY" PEM of a private key. */
    static String pem(AsymmetricKeyParameter key, boolean pkcs1) {
        try {
            PrivateKeyInfo info = PrivateKeyInfoFactory.createPrivateKeyInfo(key);
            byte[] der = pkcs1 ? info.parsePrivateKey().toASN1Primitive().getEncoded() : info.getEncoded();
            String type = pkcs1 ? "RSA PRIVATE KEY" : "PRIVATE KEY";
            return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                    + "\n-----END " + type + "-----\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
