package io.rdpprobe.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.MessageProp;
import org.ietf.jgss.Oid;

/**
 * The demo endpoint's Kerberos acceptor: the service keys come from a keytab (e.g. the one {@code testdata/lab/lab.sh
 * kdc-init} writes for TERMSRV/localhost@LAB.TEST), read with the JDK's {@code Krb5LoginModule} as an acceptor
 * ({@code isInitiator=false}, {@code principal=*}: any service principal in the keytab). Each connection gets a
 * {@link Context}, a JGSS acceptor context: it decrypts the AP-REQ with the keytab key (the KDC itself is never
 * contacted), returns the AP-REP (mutual authentication, RFC 4121 4.1), and unwraps/wraps pubKeyAuth with the
 * session key, as a Windows server's CredSSP does with Kerberos (MS-CSSP 3.2.5).
 */
public final class DemoKerberosAcceptor {
    static final String KRB5_MECH = "1.2.840.113554.1.2.2";

    private final Subject subject;
    private final Path keytab;

    private DemoKerberosAcceptor(Subject subject, Path keytab) {
        this.subject = subject;
        this.keytab = keytab;
    }

    /** Reads the service keys of {@code keytab}; throws IllegalArgumentException when the file is missing or unusable. */
    public static DemoKerberosAcceptor fromKeytab(Path keytab) {
        if (!Files.isReadable(keytab)) {
            throw new IllegalArgumentException("keytab " + keytab + " is not readable");
        }
        Subject s = new Subject();
        Configuration cfg = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[] {new AppConfigurationEntry("com.sun.security.auth.module.Krb5LoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                        Map.of("useKeyTab", "true", "keyTab", keytab.toAbsolutePath().toString(), "principal", "*",
                                "storeKey", "true", "isInitiator", "false", "doNotPrompt", "true",
                                "useTicketCache", "false"))};
            }
        };
        try {
            LoginContext lc = new LoginContext("rdp-probe-demo-acceptor", s, cb -> { }, cfg);
            lc.login();
        } catch (LoginException e) {
            throw new IllegalArgumentException("keytab " + keytab + ": " + e.getMessage(), e);
        }
        return new DemoKerberosAcceptor(s, keytab);
    }

    public Path keytab() {
        return keytab;
    }

    /** A fresh acceptor context for one connection. */
    public Context newContext() {
        try {
            GSSContext ctx = Subject.doAs(subject, (PrivilegedExceptionAction<GSSContext>) () -> {
                GSSManager m = GSSManager.getInstance();
                GSSCredential cred = m.createCredential(null, GSSCredential.INDEFINITE_LIFETIME, new Oid(KRB5_MECH),
                        GSSCredential.ACCEPT_ONLY);
                return m.createContext(cred);
            });
            return new Context(ctx);
        } catch (PrivilegedActionException e) {
            throw new IllegalStateException("cannot create the Kerberos acceptor: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** One connection's acceptor context. A {@link GSSException} means the client's token was not acceptable. */
    public static final class Context {
        private final GSSContext ctx;

        Context(GSSContext ctx) {
            this.ctx = ctx;
        }

        /** Accepts the client's mechanism token (the AP-REQ); returns the AP-REP token. */
        public byte[] accept(byte[] apReq) throws GSSException {
            byte[] rep = ctx.acceptSecContext(apReq, 0, apReq.length);
            if (!ctx.isEstablished() || rep == null) {
                throw new GSSException(GSSException.DEFECTIVE_TOKEN, -1, "the AP-REQ did not establish the context "
                        + "(mutual authentication requested: " + (rep != null) + ")");
            }
            return rep;
        }

        /** The client principal of the accepted ticket. */
        public String client() throws GSSException {
            return ctx.getSrcName().toString();
        }

        public byte[] unwrap(byte[] token) throws GSSException {
            return ctx.unwrap(token, 0, token.length, new MessageProp(0, true));
        }

        public byte[] wrap(byte[] plain) throws GSSException {
            return ctx.wrap(plain, 0, plain.length, new MessageProp(0, true));
        }

        public void verifyMic(byte[] message, byte[] mic) throws GSSException {
            ctx.verifyMIC(mic, 0, mic.length, message, 0, message.length, new MessageProp(0, false));
        }

        public void dispose() {
            try {
                ctx.dispose();
            } catch (GSSException ignored) {
                // released anyway
            }
        }
    }
}
