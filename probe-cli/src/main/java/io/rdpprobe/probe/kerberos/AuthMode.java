package io.rdpprobe.probe.kerberos;

/** {@code --auth}: which NLA mechanism the probe uses, as mstsc's Negotiate (Kerberos first, NTLM fallback) by default. */
public enum AuthMode {
    NEGOTIATE, KERBEROS, NTLM;

    public static AuthMode parse(String s) {
        for (AuthMode m : values()) {
            if (m.name().equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("Invalid value for option '--auth': '" + s + "' (use negotiate, kerberos or ntlm)");
    }
}
