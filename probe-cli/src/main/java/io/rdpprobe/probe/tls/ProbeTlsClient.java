package io.rdpprobe.probe.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.AbstractTlsSecret;

/**
 * The probe's TLS client: it offers exactly the versions asked for and a wide suite list (static RSA
 * included, for old servers), accepts any certificate (the analyser judges it afterwards), records the
 * chain and alerts, and writes key log lines.
 */
public final class ProbeTlsClient extends DefaultTlsClient {
    private final List<String> versions;
    private final String sni;
    private KeyLogSink keyLog;
    private final List<byte[]> chain = new ArrayList<>();
    private volatile boolean complete;
    private Integer alertReceived;
    private Integer alertSent;
    private int warningAlerts;
    private String firstWarning;
    private String alertSentMessage;

    public ProbeTlsClient(TlsCrypto crypto, List<String> versions, String sni, KeyLogSink keyLog) {
        super(crypto);
        this.versions = List.copyOf(versions);
        this.sni = sni;
        this.keyLog = keyLog;
    }

    /** Replaces where the secrets go (null: nowhere); call before the handshake starts. */
    public void keyLog(KeyLogSink sink) {
        this.keyLog = sink;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        List<ProtocolVersion> v = new ArrayList<>();
        for (int i = TlsVersions.ALL.size() - 1; i >= 0; i--) {
            if (versions.contains(TlsVersions.ALL.get(i))) {
                v.add(TlsVersions.of(TlsVersions.ALL.get(i)));
            }
        }
        return v.toArray(new ProtocolVersion[0]);
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), CipherSuites.OFFERED);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    protected Vector getSNIServerNames() {
        if (sni == null) {
            return null;
        }
        Vector names = new Vector();
        names.add(new ServerName(NameType.host_name, sni.getBytes(StandardCharsets.US_ASCII)));
        return names;
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                var c = serverCertificate.getCertificate();
                for (int i = 0; i < c.getLength(); i++) {
                    chain.add(c.getCertificateAt(i).getEncoded());
                }
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
                return null;
            }
        };
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        if (alertDescription == AlertDescription.close_notify) {
            return;
        }
        if (alertLevel == org.bouncycastle.tls.AlertLevel.warning) {
            // the level as sent: a warning did not end the handshake by itself
            if (warningAlerts++ == 0) {
                firstWarning = AlertDescription.getName(alertDescription) + " (" + alertDescription + ")";
            }
        } else if (alertReceived == null) {
            alertReceived = (int) alertDescription;
        }
    }

    @Override
    public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
        if (alertSent == null) {
            alertSent = (int) alertDescription;
            alertSentMessage = reason(message, cause);
        }
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        SecurityParameters sp = context.getSecurityParametersHandshake();
        if (keyLog != null && TlsUtils.isTLSv13(sp.getNegotiatedVersion())) {
            keyLog.write("CLIENT_HANDSHAKE_TRAFFIC_SECRET", sp.getClientRandom(), Peek.bytes(sp.getTrafficSecretClient()));
            keyLog.write("SERVER_HANDSHAKE_TRAFFIC_SECRET", sp.getClientRandom(), Peek.bytes(sp.getTrafficSecretServer()));
        }
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        complete = true;
        if (keyLog != null) {
            SecurityParameters sp = context.getSecurityParametersConnection();
            if (TlsUtils.isTLSv13(sp.getNegotiatedVersion())) {
                keyLog.write("CLIENT_TRAFFIC_SECRET_0", sp.getClientRandom(), Peek.bytes(sp.getTrafficSecretClient()));
                keyLog.write("SERVER_TRAFFIC_SECRET_0", sp.getClientRandom(), Peek.bytes(sp.getTrafficSecretServer()));
                keyLog.write("EXPORTER_SECRET", sp.getClientRandom(), Peek.bytes(sp.getExporterMasterSecret()));
            } else {
                keyLog.write("CLIENT_RANDOM", sp.getClientRandom(), Peek.bytes(sp.getMasterSecret()));
            }
        }
    }

    public boolean isComplete() {
        return complete;
    }

    public List<byte[]> chain() {
        return chain;
    }

    public Integer alertReceived() {
        return alertReceived;
    }

    /**
     * Why the probe raised its alert: BouncyCastle's message and the messages of the causes under it
     * ("Failed to read record: Handshake message length exceeds the maximum: 16777215 &gt; 32768").
     */
    static String reason(String message, Throwable cause) {
        StringBuilder sb = new StringBuilder();
        if (message != null) {
            sb.append(message);
        }
        for (Throwable t = cause; t != null && t != t.getCause(); t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isEmpty() && sb.indexOf(m) < 0) {
                sb.append(sb.length() > 0 ? ": " : "").append(m);
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    public int warningAlerts() {
        return warningAlerts;
    }

    public String firstWarning() {
        return firstWarning;
    }

    public Integer alertSent() {
        return alertSent;
    }

    public String alertSentMessage() {
        return alertSentMessage;
    }

    /** Negotiated version and suite (valid after the ServerHello). */
    public String negotiatedVersion() {
        SecurityParameters sp = context == null ? null : context.getSecurityParametersHandshake();
        if (sp == null) {
            sp = context == null ? null : context.getSecurityParametersConnection();
        }
        return sp == null ? null : TlsVersions.name(sp.getNegotiatedVersion());
    }

    public int negotiatedSuite() {
        SecurityParameters sp = context == null ? null : context.getSecurityParametersConnection();
        if (sp == null && context != null) {
            sp = context.getSecurityParametersHandshake();
        }
        return sp == null ? -1 : sp.getCipherSuite();
    }

    /**
     * Reads a secret's bytes without destroying it: {@link TlsSecret#extract()} would, and BouncyCastle still
     * needs the secret afterwards.
     */
    abstract static class Peek extends AbstractTlsSecret {
        private Peek() {
            super(new byte[0]);
        }

        static byte[] bytes(TlsSecret s) {
            return s instanceof AbstractTlsSecret a ? copyData(a) : null;
        }
    }
}
