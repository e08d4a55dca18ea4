package io.rdpprobe.probe.credssp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.probe.model.CredSspCauses;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.credssp.PubKeyAuth;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ServerOnlyTlsAuthentication;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Interop against a real FreeRDP 2.x shadow server in NLA mode on loopback (see lab-notes 2), blocking I/O
 * for brevity. Runs only when RDPPROBE_SHADOW_NLA_PORT is set, e.g.
 * {@code freerdp-shadow-cli /bind-address:127.0.0.1 /port:39452 /sec:nla /sam-file:SAM} with SAM line
 * {@code rdptest:::fc525c9683e8fe067095ba2ddc971889:::} (password Passw0rd!).
 */
@EnabledIfEnvironmentVariable(named = "RDPPROBE_SHADOW_NLA_PORT", matches = "\\d+")
class ShadowInteropTest {
    static final int PORT = Integer.parseInt(System.getenv().getOrDefault("RDPPROBE_SHADOW_NLA_PORT", "0"));

    record Result(Outcome outcome, List<String> alerts) {}

    static Result probe(Credentials creds, CredSspOptions opts) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", PORT), 3000);
            s.setSoTimeout(5000);
            OutputStream raw = s.getOutputStream();
            // X.224 CR with RDP_NEG_REQ requestedProtocols = SSL|HYBRID
            raw.write(io.rdpprobe.protocol.codec.Wire.unhex("030000130ee000000000000100080003000000"));
            byte[] cc = s.getInputStream().readNBytes(19);
            assertThat(cc[11]).as("RDP_NEG_RSP").isEqualTo((byte) 2);
            assertThat(cc[15]).as("selected HYBRID").isEqualTo((byte) 2);
            List<String> alerts = new ArrayList<>();
            byte[][] spk = new byte[1][];
            TlsClientProtocol tls = new TlsClientProtocol(s.getInputStream(), raw);
            tls.connect(new DefaultTlsClient(new BcTlsCrypto(new SecureRandom())) {
                @Override
                public TlsAuthentication getAuthentication() {
                    return new ServerOnlyTlsAuthentication() {
                        @Override
                        public void notifyServerCertificate(TlsServerCertificate sc) throws IOException {
                            Certificate c = Certificate.getInstance(sc.getCertificate().getCertificateAt(0).getEncoded());
                            spk[0] = PubKeyAuth.subjectPublicKey(c.getSubjectPublicKeyInfo().getEncoded());
                        }
                    };
                }

                @Override
                public void notifyAlertReceived(short level, short description) {
                    alerts.add(AlertDescription.getText(description));
                }
            });
            CredSspClient client = new CredSspClient(creds, spk[0], "TERMSRV/localhost", opts, RandomSource.secure());
            OutputStream out = tls.getOutputStream();
            InputStream in = tls.getInputStream();
            out.write(client.start(System.currentTimeMillis()));
            out.flush();
            ByteBuf acc = Unpooled.buffer();
            byte[] chunk = new byte[4096];
            while (true) {
                int len = client.frameLength(acc);
                if (len > 0 && acc.readableBytes() >= len) {
                    byte[] msg = ByteBufUtil.getBytes(acc, acc.readerIndex(), len);
                    acc.skipBytes(len);
                    if (System.getenv("RDPPROBE_PRINT_TRANSCRIPT") != null) {
                        System.out.println("S->C " + io.rdpprobe.protocol.codec.Wire.hex(msg));
                    }
                    Step st = client.onMessage(msg, System.currentTimeMillis());
                    if (st.send() != null) {
                        out.write(st.send());
                        out.flush();
                    }
                    if (st.outcome() != null) {
                        return new Result(st.outcome(), alerts);
                    }
                    continue;
                }
                int n;
                try {
                    n = in.read(chunk);
                } catch (IOException e) {
                    n = -1;
                }
                if (n < 0) {
                    return new Result(client.onClosed(System.currentTimeMillis()), alerts);
                }
                acc.writeBytes(chunk, 0, n);
            }
        }
    }

    static Credentials creds(String pw) {
        return Credentials.parse("rdptest", Secret.of(pw.toCharArray()));
    }

    @Test
    void rightPassword() throws Exception {
        Result r = probe(creds("Passw0rd!"), CredSspOptions.defaults());
        System.out.println("shadow right password: " + r.outcome().summary() + " " + r.outcome().evidence());
        assertThat(r.outcome().status()).isEqualTo(Status.OK);
        assertThat(r.outcome().evidence()).containsEntry("credentialsValid", true);
    }

    @Test
    void rightPasswordDelegated() throws Exception {
        Result r = probe(creds("Passw0rd!"), CredSspOptions.defaults().withDelegate(true));
        assertThat(r.outcome().status()).isEqualTo(Status.OK);
    }

    /**
     * FreeRDP 2.x's server-side "Negotiate" package hands the token straight to NTLM, so a SPNEGO NegTokenInit
     * is refused ("NTLM_MESSAGE_HEADER Invalid signature") with errorCode 0xC00700EA: raw NTLM is the right default.
     */
    @Test
    void spnegoIsRefusedByFreeRdp2() throws Exception {
        Result r = probe(creds("Passw0rd!"), CredSspOptions.defaults().withSpnego(true));
        assertThat(r.outcome().status()).isEqualTo(Status.FAILED);
        assertThat(r.outcome().evidence()).containsEntry("errorCode", "0xC00700EA");
    }

    @Test
    void rightPasswordLegacyVersion3() throws Exception {
        Result r = probe(creds("Passw0rd!"), CredSspOptions.defaults().withVersion(3));
        assertThat(r.outcome().status()).isEqualTo(Status.OK);
        assertThat(r.outcome().evidence()).containsEntry("negotiatedCredSspVersion", 3);
    }

    @Test
    void wrongPasswordIsAnInferredLogonFailure() throws Exception {
        Result r = probe(creds("WrongPass"), CredSspOptions.defaults());
        System.out.println("shadow wrong password: " + r.outcome().summary() + " " + r.outcome().evidence() + " alerts " + r.alerts());
        assertThat(r.outcome().cause()).isEqualTo(CredSspCauses.LOGON_FAILURE);
    }

    @Test
    void noCredentialsGivesNtlmInfo() throws Exception {
        Result r = probe(null, CredSspOptions.defaults());
        System.out.println("shadow info: " + r.outcome().summary() + " " + r.outcome().evidence());
        assertThat(r.outcome().evidence()).containsKey("serverCredSspVersion");
    }
}
