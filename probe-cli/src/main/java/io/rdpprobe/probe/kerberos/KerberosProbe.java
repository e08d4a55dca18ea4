package io.rdpprobe.probe.kerberos;

import io.rdpprobe.probe.kerberos.KerberosSequence.Action;
import io.rdpprobe.probe.kerberos.KerberosSequence.KdcFailure;
import io.rdpprobe.probe.kerberos.KerberosSequence.TicketInfo;
import io.rdpprobe.probe.kerberos.KerberosSequence.Transport;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.protocol.krb.KrbErrorCode;
import io.rdpprobe.protocol.krb.KrbTicket;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.InitialDirContext;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.kerberos.KerberosTicket;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;

/**
 * Drives {@link KerberosSequence}: DNS SRV through JNDI, the AS-REQ without pre-authentication over blocking
 * TCP/UDP sockets (each bounded by the stage deadline), then the JDK's Kerberos for the password-dependent AS
 * exchange (JAAS {@code Krb5LoginModule}) and the TGS exchange (JGSS {@code initSecContext} for the SPN).
 *
 * <p>The JDK reads its Kerberos configuration from the {@code java.security.krb5.conf} file; the probe writes a
 * temporary one naming only this KDC (no secret in it) and has the login module reload it, under a lock, since
 * that setting is process-wide. The JDK exposes a KRB-ERROR's code only in its exception text ("Clock skew too
 * great (37)"), from which the code is read; its internal classes are not used.
 */
public final class KerberosProbe {
    private static final Object JDK_KRB5_LOCK = new Object();
    private static final Pattern KRB_CODE = Pattern.compile("\\((\\d{1,3})\\)");
    private static final String KRB5_MECH = "1.2.840.113554.1.2.2";
    private static final String KRB5_PRINCIPAL_NAME = "1.2.840.113554.1.2.2.1";

    private KerberosProbe() {}

    /**
     * The stage's result and, when it ended with a service ticket, the Kerberos context whose first token (the
     * AP-REQ) the CREDSSP stage sends; null otherwise. The caller disposes the context.
     */
    public record Outcome(StageResult result, io.rdpprobe.probe.credssp.KerberosContext context) {}

    /** Runs the stage to its end; never throws for anything the network or the KDC does. */
    public static StageResult run(KerberosSettings s) {
        Outcome o = runForCredSsp(s);
        if (o.context() != null) {
            o.context().dispose();
        }
        return o.result();
    }

    /** As {@link #run}, keeping the Kerberos context for CredSSP (MS-CSSP 3.1.5). */
    public static Outcome runForCredSsp(KerberosSettings s) {
        JgssKerberosContext[] kept = new JgssKerberosContext[1];
        StageResult r = run(s, kept);
        if (r.status() != io.rdpprobe.probe.model.Status.OK && kept[0] != null) {
            kept[0].dispose();
            kept[0] = null;
        }
        return new Outcome(r, kept[0]);
    }

    private static StageResult run(KerberosSettings s, JgssKerberosContext[] kept) {
        byte[] nonce = new byte[4];
        io.rdpprobe.probe.credssp.RandomSource.secure().nextBytes(nonce);
        KerberosSequence seq = new KerberosSequence(s, java.nio.ByteBuffer.wrap(nonce).getInt(), System::nanoTime);
        long deadline = System.nanoTime() + s.timeoutMillis() * 1_000_000L;
        Action a = seq.start();
        while (true) {
            if (a instanceof Action.Finish f) {
                return f.result();
            } else if (a instanceof Action.ResolveSrv r) {
                a = resolve(seq, r.name(), s.timeoutMillis());
            } else if (a instanceof Action.SendAsReq q) {
                // TCP gets half of what is left, so that UDP still has time when TCP is black-holed
                a = send(seq, q, q.transport() == Transport.TCP ? Math.max(1, remaining(deadline) / 2) : remaining(deadline));
            } else if (a instanceof Action.Login l) {
                a = exchange(seq, s, l, remaining(deadline), kept);
            } else {
                throw new IllegalStateException("unexpected action " + a);
            }
        }
    }

    private static long remaining(long deadline) {
        return Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    }

    // ---- DNS SRV ----------------------------------------------------------------------------------------

    private static Action resolve(KerberosSequence seq, String name, long timeoutMs) {
        Hashtable<String, String> env = new Hashtable<>();
        env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
        env.put("com.sun.jndi.dns.timeout.initial", String.valueOf(Math.max(100, timeoutMs / 3)));
        env.put("com.sun.jndi.dns.timeout.retries", "1");
        try {
            InitialDirContext ctx = new InitialDirContext(env);
            try {
                Attribute srv = ctx.getAttributes(name, new String[] {"SRV"}).get("SRV");
                List<String[]> out = new ArrayList<>();
                List<int[]> order = new ArrayList<>();
                if (srv != null) {
                    NamingEnumeration<?> e = srv.getAll();
                    while (e.hasMore()) {
                        String[] f = String.valueOf(e.next()).trim().split("\\s+");
                        if (f.length == 4 && !f[3].equals(".")) {
                            String target = f[3].endsWith(".") ? f[3].substring(0, f[3].length() - 1) : f[3];
                            out.add(new String[] {target, f[2]});
                            order.add(new int[] {Integer.parseInt(f[0]), -Integer.parseInt(f[1])});
                        }
                    }
                }
                List<Integer> idx = new ArrayList<>();
                for (int i = 0; i < out.size(); i++) idx.add(i);
                idx.sort(Comparator.comparingInt((Integer i) -> order.get(i)[0]).thenComparingInt(i -> order.get(i)[1]));
                List<String[]> sorted = new ArrayList<>();
                for (int i : idx) sorted.add(out.get(i));
                return seq.srvResolved(sorted, sorted.isEmpty() ? "no SRV records" : null);
            } finally {
                ctx.close();
            }
        } catch (javax.naming.NameNotFoundException e) {
            return seq.srvResolved(List.of(), "not found (NXDOMAIN)");
        } catch (NamingException | RuntimeException e) {
            return seq.srvResolved(List.of(), e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    // ---- the AS-REQ without pre-authentication -------------------------------------------------------------

    private static Action send(KerberosSequence seq, Action.SendAsReq q, long timeoutMs) {
        InetSocketAddress to = new InetSocketAddress(q.host(), q.port());
        if (to.isUnresolved()) {
            return seq.kdcFailed(KdcFailure.UNREACHABLE, q.host() + " does not resolve");
        }
        Instant sent = Instant.now();
        try {
            byte[] reply = q.transport() == Transport.TCP ? tcp(to, q.request(), (int) timeoutMs) : udp(to, q.request(), (int) timeoutMs);
            return seq.kdcReplied(reply, sent, Instant.now());
        } catch (SocketTimeoutException e) {
            return seq.kdcFailed(KdcFailure.TIMEOUT, "nothing within " + timeoutMs + " ms");
        } catch (ConnectException | PortUnreachableException e) {
            return seq.kdcFailed(KdcFailure.REFUSED, q.transport() == Transport.TCP ? "connection refused" : "ICMP port unreachable");
        } catch (NoRouteToHostException e) {
            return seq.kdcFailed(KdcFailure.UNREACHABLE, String.valueOf(e.getMessage()));
        } catch (IOException e) {
            return seq.kdcFailed(KdcFailure.OTHER, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static byte[] tcp(InetSocketAddress to, byte[] req, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            long t0 = System.nanoTime();
            s.connect(to, timeoutMs);
            s.setSoTimeout(Math.max(1, timeoutMs - (int) ((System.nanoTime() - t0) / 1_000_000)));
            OutputStream out = s.getOutputStream();
            byte[] framed = new byte[4 + req.length];
            java.nio.ByteBuffer.wrap(framed).putInt(req.length).put(req);
            out.write(framed);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] len = new byte[4];
            in.readFully(len);
            int n = io.rdpprobe.protocol.krb.KdcReply.tcpLength(io.netty.buffer.Unpooled.wrappedBuffer(len));
            byte[] body = new byte[n];
            in.readFully(body);
            return body;
        } catch (java.io.EOFException e) {
            throw new IOException("the KDC closed the TCP connection without a complete answer");
        } catch (io.rdpprobe.protocol.codec.DecodeException e) {
            // a length prefix beyond the limit: hand the sequence the bytes so it names the malformed reply
            throw new IOException(e.getMessage());
        }
    }

    private static byte[] udp(InetSocketAddress to, byte[] req, int timeoutMs) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(to);
            s.setSoTimeout(timeoutMs);
            s.send(new DatagramPacket(req, req.length));
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            return Arrays.copyOf(buf, p.getLength());
        }
    }

    // ---- the JDK's Kerberos: AS with pre-authentication, then TGS for the SPN -----------------------------

    private static Action exchange(KerberosSequence seq, KerberosSettings s, Action.Login l, long timeoutMs,
                                   JgssKerberosContext[] kept) {
        synchronized (JDK_KRB5_LOCK) {
            Path conf = null;
            String before = System.getProperty("java.security.krb5.conf");
            try {
                conf = Files.createTempFile("rdp-probe-krb5-", ".conf");
                String kdc = (l.host().indexOf(':') >= 0 ? "[" + l.host() + "]" : l.host()) + ":" + l.port();
                Files.writeString(conf, "[libdefaults]\n default_realm = " + s.realm() + "\n dns_lookup_kdc = false\n"
                        + " dns_lookup_realm = false\n udp_preference_limit = " + (l.transport() == Transport.TCP ? 1 : 65535)
                        + "\n kdc_timeout = " + Math.max(100, timeoutMs / 2) + "\n max_retries = 1\n"
                        + "[realms]\n " + s.realm() + " = {\n  kdc = " + kdc + "\n }\n");
                System.setProperty("java.security.krb5.conf", conf.toString());
                return loginAndTicket(seq, s, kept);
            } catch (IOException e) {
                return seq.loginFailed(-1, "cannot write the JDK's Kerberos configuration: " + e.getMessage(), null);
            } finally {
                if (before == null) System.clearProperty("java.security.krb5.conf");
                else System.setProperty("java.security.krb5.conf", before);
                if (conf != null) {
                    try {
                        Files.deleteIfExists(conf);
                    } catch (IOException ignored) {
                        // a temporary file without secrets
                    }
                }
            }
        }
    }

    private static Action loginAndTicket(KerberosSequence seq, KerberosSettings s, JgssKerberosContext[] kept) {
        Subject subject = new Subject();
        Configuration cfg = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[] {new AppConfigurationEntry("com.sun.security.auth.module.Krb5LoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                        Map.of("refreshKrb5Config", "true", "useTicketCache", "false", "useKeyTab", "false",
                                "storeKey", "false", "isInitiator", "true", "principal", s.principal()))};
            }
        };
        CallbackHandler cb = callbacks -> {
            for (Callback c : callbacks) {
                if (c instanceof NameCallback n) {
                    n.setName(s.principal());
                } else if (c instanceof PasswordCallback p) {
                    char[] pw = s.password().chars();
                    try {
                        p.setPassword(pw); // PasswordCallback keeps its own copy, cleared by the login module
                    } finally {
                        Arrays.fill(pw, '\0');
                    }
                } else {
                    throw new UnsupportedCallbackException(c);
                }
            }
        };
        LoginContext lc;
        try {
            lc = new LoginContext("rdp-probe", subject, cb, cfg);
            lc.login();
        } catch (LoginException e) {
            return loginFailure(seq, e);
        }
        try {
            Action a = seq.loggedIn(info(ticketFor(subject, "krbtgt/" + s.realm() + "@" + s.realm())));
            if (!(a instanceof Action.RequestTicket rt)) {
                return a;
            }
            try {
                kept[0] = Subject.doAs(subject, (PrivilegedExceptionAction<JgssKerberosContext>) () -> {
                    GSSManager m = GSSManager.getInstance();
                    GSSName n = m.createName(rt.spnPrincipal(), new Oid(KRB5_PRINCIPAL_NAME));
                    GSSContext ctx = m.createContext(n, new Oid(KRB5_MECH), null, GSSContext.DEFAULT_LIFETIME);
                    boolean ok = false;
                    try {
                        // what CredSSP needs (MS-CSSP 3.1.5): mutual authentication, confidentiality and integrity for
                        // pubKeyAuth; never delegation of the TGT
                        ctx.requestMutualAuth(true);
                        ctx.requestConf(true);
                        ctx.requestInteg(true);
                        ctx.requestSequenceDet(true);
                        ctx.requestReplayDet(true);
                        ctx.requestCredDeleg(false);
                        byte[] apReq = ctx.initSecContext(new byte[0], 0, 0); // the TGS exchange, then the AP-REQ
                        JgssKerberosContext k = new JgssKerberosContext(ctx, rt.spnPrincipal(), apReq);
                        ok = true;
                        return k;
                    } finally {
                        if (!ok) {
                            ctx.dispose();
                        }
                    }
                });
            } catch (PrivilegedActionException e) {
                Throwable c = e.getCause();
                return seq.ticketFailed(code(c), message(c));
            }
            KerberosTicket st = ticketFor(subject, rt.spnPrincipal());
            if (st == null) {
                return seq.ticketFailed(-1, "the JDK reported no service ticket for " + rt.spnPrincipal());
            }
            return seq.ticketIssued(info(st));
        } catch (RuntimeException e) {
            return seq.isDone() ? new Action.Finish(((KerberosSequence.Done) seq.state()).result())
                    : seq.ticketFailed(-1, e.toString());
        } finally {
            try {
                lc.logout(); // destroys the tickets and keys held by the subject
            } catch (LoginException ignored) {
                // nothing left to release
            }
        }
    }

    private static Action loginFailure(KerberosSequence seq, LoginException e) {
        int code = code(e);
        if (code >= 0) {
            return seq.loginFailed(code, message(e), null);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) return seq.loginFailed(-1, message(e), KdcFailure.TIMEOUT);
            if (t instanceof ConnectException || t instanceof PortUnreachableException) {
                return seq.loginFailed(-1, message(e), KdcFailure.REFUSED);
            }
            // the JDK's own check of an AS-REP it could not decrypt with the password's key (no pre-authentication)
            if ("sun.security.krb5.KrbCryptoException".equals(t.getClass().getName())) {
                return seq.loginFailed(KrbErrorCode.KRB_AP_ERR_BAD_INTEGRITY, message(e), null);
            }
        }
        return seq.loginFailed(-1, message(e), null);
    }

    /** The KRB-ERROR code in the JDK's exception text ("Pre-authentication information was invalid (24)"), or -1. */
    static int code(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if ("sun.security.krb5.KrbException".equals(t.getClass().getName()) && t.getMessage() != null) {
                Matcher x = KRB_CODE.matcher(t.getMessage());
                if (x.find()) {
                    return Integer.parseInt(x.group(1));
                }
            }
            if (t.getCause() == t) break;
        }
        return -1;
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static KerberosTicket ticketFor(Subject subject, String server) {
        for (KerberosTicket t : subject.getPrivateCredentials(KerberosTicket.class)) {
            if (t.getServer() != null && t.getServer().getName().equals(server)) {
                return t;
            }
        }
        return null;
    }

    private static TicketInfo info(KerberosTicket t) {
        if (t == null) {
            return new TicketInfo(null, null, 0, null, null, null, null, null);
        }
        Integer tktEtype = null;
        try {
            tktEtype = KrbTicket.decode(t.getEncoded()).etype();
        } catch (RuntimeException ignored) {
            // evidence only
        }
        return new TicketInfo(String.valueOf(t.getClient()), String.valueOf(t.getServer()), t.getSessionKeyType(), tktEtype,
                inst(t.getAuthTime()), inst(t.getStartTime()), inst(t.getEndTime()), inst(t.getRenewTill()));
    }

    private static Instant inst(java.util.Date d) {
        return d == null ? null : d.toInstant();
    }
}
