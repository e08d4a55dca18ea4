package io.rdpprobe.probe.kerberos;

import com.sun.security.jgss.ExtendedGSSContext;
import com.sun.security.jgss.InquireType;
import io.rdpprobe.probe.credssp.KerberosContext;
import io.rdpprobe.protocol.krb.KrbErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.MessageProp;

/**
 * {@link KerberosContext} on the JDK's Kerberos GSS mechanism: a {@link GSSContext} whose first
 * {@code initSecContext} ran in the KERBEROS stage (it made the TGS exchange and the AP-REQ, mutual authentication
 * requested, no delegation). What is left is pure cryptography: the AP-REP, and RFC 4121 Wrap/MIC tokens with the
 * session key (or the acceptor's subkey), which is what GSS_WrapEx produces in MS-CSSP 3.1.5.
 */
final class JgssKerberosContext implements KerberosContext {
    private final GSSContext ctx;
    private final String spn;
    private final byte[] initialToken;
    private boolean disposed;

    JgssKerberosContext(GSSContext ctx, String spn, byte[] initialToken) {
        this.ctx = ctx;
        this.spn = spn;
        this.initialToken = initialToken.clone();
    }

    @Override
    public String servicePrincipal() {
        return spn;
    }

    @Override
    public byte[] initialToken() {
        return initialToken.clone();
    }

    @Override
    public void acceptReply(byte[] token) throws Failure {
        try {
            byte[] more = ctx.initSecContext(token, 0, token.length);
            if (!ctx.isEstablished()) {
                throw new Failure("the context is not established after the acceptor's token"
                        + (more == null ? "" : " (the mechanism wants to send " + more.length + " more bytes)"), -1);
            }
            if (!ctx.getMutualAuthState()) {
                throw new Failure("the acceptor's token did not complete mutual authentication", -1);
            }
        } catch (GSSException e) {
            throw failure(e);
        }
    }

    @Override
    public boolean isEstablished() {
        return !disposed && ctx.isEstablished();
    }

    @Override
    public byte[] wrap(byte[] plain) throws Failure {
        try {
            return ctx.wrap(plain, 0, plain.length, new MessageProp(0, true));
        } catch (GSSException e) {
            throw failure(e);
        }
    }

    @Override
    public byte[] unwrap(byte[] token) throws Failure {
        try {
            MessageProp p = new MessageProp(0, true);
            byte[] out = ctx.unwrap(token, 0, token.length, p);
            if (!p.getPrivacy()) {
                throw new Failure("the token was integrity-protected only, not encrypted", -1);
            }
            return out;
        } catch (GSSException e) {
            throw failure(e);
        }
    }

    @Override
    public byte[] getMic(byte[] message) throws Failure {
        try {
            return ctx.getMIC(message, 0, message.length, new MessageProp(0, false));
        } catch (GSSException e) {
            throw failure(e);
        }
    }

    @Override
    public void verifyMic(byte[] message, byte[] mic) throws Failure {
        try {
            ctx.verifyMIC(mic, 0, mic.length, message, 0, message.length, new MessageProp(0, false));
        } catch (GSSException e) {
            throw failure(e);
        }
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (ctx instanceof ExtendedGSSContext x && ctx.isEstablished()) {
            try {
                Object k = x.inquireSecContext(InquireType.KRB5_GET_SESSION_KEY_EX);
                if (k instanceof javax.security.auth.kerberos.EncryptionKey ek) {
                    m.put("kerberosSessionKey", KrbErrorCode.etype(ek.getKeyType())); // the etype only, never the key
                    ek.destroy();
                }
            } catch (GSSException | javax.security.auth.DestroyFailedException | RuntimeException ignored) {
                // evidence only
            }
        }
        try {
            m.put("kerberosFlags", (ctx.getMutualAuthState() ? "mutual " : "") + (ctx.getConfState() ? "conf " : "")
                    + (ctx.getIntegState() ? "integ " : "") + (ctx.getCredDelegState() ? "deleg" : "no-deleg"));
        } catch (RuntimeException ignored) {
            // evidence only
        }
        return m;
    }

    @Override
    public void dispose() {
        if (!disposed) {
            disposed = true;
            try {
                ctx.dispose();
            } catch (GSSException ignored) {
                // nothing left to release
            }
        }
    }

    static Failure failure(GSSException e) {
        String msg = e.getMajorString() + (e.getMinorString() == null ? "" : ": " + e.getMinorString());
        return new Failure(msg, KerberosProbe.code(e));
    }
}
