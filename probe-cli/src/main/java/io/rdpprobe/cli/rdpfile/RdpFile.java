package io.rdpprobe.cli.rdpfile;

import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.protocol.x224.CrToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An mstsc / RD Web {@code .rdp} file: lines of {@code name:type:value} with type {@code s} (string), {@code i}
 * (integer) or {@code b} (binary, hex). Pure: no network, no clock, no logging.
 *
 * <p>Reading rules: UTF-16LE with a BOM (as mstsc and RD Web write them), UTF-16BE with a BOM, UTF-8 with or
 * without a BOM, UTF-16LE without a BOM (recognised by its zero high bytes), and plain ASCII. Lines end in CR LF,
 * LF or CR. Names are case-insensitive. Blank lines and lines that are not {@code name:type:value} are reported in
 * {@link #problems()} with their line number and skipped; a name given twice keeps the later value, and that is
 * reported too. Files over {@link #MAX_BYTES} are refused with {@link RdpFileException}.
 *
 * <p>Secrets: {@code password 51:b:} (a DPAPI blob), {@code password:s:} and any other name containing
 * "password" are never decoded, kept or printed; only their line number and size survive. A
 * {@code gatewayaccesstoken:s:} (the PAA token of RD Web and web single sign-on gateways) is kept as a
 * {@link Secret} for the gateway plan and never printed.
 *
 * <p>Use: {@code RdpFile file = RdpFile.parse(path); RdpFile.Plan plan = file.plan(); plan.used();
 * plan.ignored();}
 */
public final class RdpFile {
    /** The largest file accepted: 1 MiB. A real .rdp file is a few kilobytes. */
    public static final int MAX_BYTES = 1024 * 1024;

    /** One effective setting. For a secret, {@code value} is empty and {@link #toString()} says so. */
    public record Entry(String name, char type, String value, int line, boolean secret, int valueLength) {
        @Override
        public String toString() {
            return name + ":" + type + ":" + (secret ? "<secret, " + valueLength + " chars, not shown>" : value)
                    + " (line " + line + ")";
        }
    }

    /** What a problem line was. */
    public enum ProblemKind {
        /** An empty or whitespace-only line; skipped. */
        BLANK,
        /** Not {@code name:type:value}; skipped. */
        MALFORMED,
        /** A type letter other than s, i, b; skipped. */
        UNKNOWN_TYPE,
        /** An {@code i} that is not an integer, or a {@code b} that is not hex; skipped. */
        BAD_VALUE,
        /** A name seen before: the later line wins. */
        DUPLICATE
    }

    /** A line that was skipped or overrode another. The message never contains a secret value. */
    public record Problem(int line, ProblemKind kind, String message) {
        @Override
        public String toString() {
            return "line " + line + ": " + message;
        }
    }

    // ---------------------------------------------------------------------------------------------- plan model

    /**
     * When to use the RD Gateway ({@code gatewayusagemethod}, IMsRdpClientTransportSettings::GatewayUsageMethod).
     * Only the two values that do use a gateway appear in a {@link Gateway}.
     */
    public enum GatewayUsage {
        /** 1, TSC_PROXY_MODE_DIRECT: always through the gateway. */
        ALWAYS,
        /** 2, TSC_PROXY_MODE_DETECT: through the gateway only if a direct connection cannot be made. */
        IF_DIRECT_FAILS
    }

    /** How the client authenticates to the gateway ({@code gatewaycredentialssource}). */
    public enum GatewayAuth {
        /** 0, TSC_PROXY_CREDS_MODE_USERPASS: ask for a password (NTLM). */
        PASSWORD_NTLM(0, "ask for a password (NTLM)"),
        /** 1, TSC_PROXY_CREDS_MODE_SMARTCARD: smart card. */
        SMART_CARD(1, "smart card"),
        /** 2: the credentials of the user logged on to the client. */
        LOGGED_ON_USER(2, "the credentials of the user logged on to the client"),
        /** 3: prompt for credentials and use HTTP Basic. */
        BASIC(3, "prompt for credentials, HTTP Basic"),
        /** 4, TSC_PROXY_CREDS_MODE_ANY: the user selects later (any method). */
        USER_SELECTS_LATER(4, "the user selects later (any method)"),
        /** 5: cookie-based (PAA): the token in {@code gatewayaccesstoken} goes in TUNNEL_CREATE. */
        COOKIE_PAA(5, "cookie-based (PAA token from gatewayaccesstoken)");

        public final int value;
        public final String meaning;

        GatewayAuth(int value, String meaning) {
            this.value = value;
            this.meaning = meaning;
        }

        static Optional<GatewayAuth> of(int v) {
            for (GatewayAuth a : values()) {
                if (a.value == v) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    /** What to do when the server's certificate cannot be verified ({@code authentication level}). */
    public enum ServerAuthPolicy {
        /** 0: connect and don't warn. */
        CONNECT_WITHOUT_WARNING(0, "if server authentication fails, connect without warning"),
        /** 1: don't connect. */
        DO_NOT_CONNECT(1, "if server authentication fails, do not connect"),
        /** 2: warn, and let the user choose. */
        WARN(2, "if server authentication fails, warn and let the user choose"),
        /** 3: no requirement (the documented default). */
        NO_REQUIREMENT(3, "no authentication requirement");

        public final int value;
        public final String meaning;

        ServerAuthPolicy(int value, String meaning) {
            this.value = value;
            this.meaning = meaning;
        }
    }

    /** A user account from {@code username} and {@code domain}; never a password. */
    public record Account(String user, String domain, String spec) {
        /** {@code spec} is the text for the probe's {@code --user}: {@code DOMAIN\\user}, a UPN, or a name. */
        @Override
        public String toString() {
            return spec;
        }
    }

    /**
     * The gateway to go through. {@code accessToken} is the PAA token when the file carries one; its
     * {@code toString()} is {@code ***}.
     */
    public record Gateway(String host, int port, GatewayUsage usage, boolean bypassLocal,
            Optional<GatewayAuth> auth, boolean sameCredentialsAsTarget, Optional<Secret> accessToken) {
        @Override
        public String toString() {
            return "Gateway[" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + ", " + usage
                    + (bypassLocal ? ", bypass for local addresses" : "")
                    + ", auth " + auth.map(Enum::name).orElse("unspecified")
                    + (sameCredentialsAsTarget ? ", same credentials as the target" : "")
                    + (accessToken.isPresent() ? ", PAA token present (not shown)" : "") + "]";
        }
    }

    /** A setting the plan used: its value as written (secrets never) and what it became. */
    public record Used(String name, int line, String value, String effect) {
        @Override
        public String toString() {
            return name + " = " + value + " (line " + line + "): " + effect;
        }
    }

    /** A setting the plan did not use, and why. */
    public record Ignored(String name, int line, String reason) {
        @Override
        public String toString() {
            return name + " (line " + line + "): " + reason;
        }
    }

    /**
     * What the probe should do for this file.
     *
     * @param target the RDP host and port (through the gateway when there is one)
     * @param account the logon account, if the file names one; never a password
     * @param gateway the RD Gateway to go through, after applying {@code gatewayusagemethod}
     * @param requestedProtocols the RDP_NEG_REQ requestedProtocols mask (io.rdpprobe.protocol.x224.Protocols)
     * @param serverAuth the {@code authentication level} policy
     * @param routingToken the X.224 routing token from {@code loadbalanceinfo}, sent instead of an mstshash cookie
     * @param used every setting that shaped this plan
     * @param ignored every other setting, with the reason
     * @param problems the file's skipped lines and duplicates ({@link RdpFile#problems()}), for the same report
     */
    public record Plan(Target target, Optional<Account> account, Optional<Gateway> gateway,
            int requestedProtocols, ServerAuthPolicy serverAuth, Optional<CrToken.RoutingToken> routingToken,
            List<Used> used, List<Ignored> ignored, List<Problem> problems) {
        public Plan {
            used = List.copyOf(used);
            ignored = List.copyOf(ignored);
            problems = List.copyOf(problems);
        }

        /** Whether a certificate that fails verification should stop the probe (authentication level 1). */
        public boolean certFailureAborts() {
            return serverAuth == ServerAuthPolicy.DO_NOT_CONNECT;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("Plan[target ").append(target);
            account.ifPresent(a -> sb.append(", user ").append(a.spec()));
            sb.append(", gateway ").append(gateway.map(Gateway::toString).orElse("none"));
            sb.append(", protocols ").append(io.rdpprobe.protocol.x224.Protocols.describe(requestedProtocols));
            sb.append(", server auth ").append(serverAuth);
            routingToken.ifPresent(t -> sb.append(", routing token '").append(t.value()).append('\''));
            return sb.append(", ").append(used.size()).append(" used, ").append(ignored.size()).append(" ignored, ")
                    .append(problems.size()).append(" problem lines]").toString();
        }
    }

    // ---------------------------------------------------------------------------------------------- the file

    private final String encoding;
    private final Map<String, Entry> entries;
    private final List<Problem> problems;
    private final Map<String, Secret> keptSecrets;

    private RdpFile(String encoding, Map<String, Entry> entries, List<Problem> problems,
            Map<String, Secret> keptSecrets) {
        this.encoding = encoding;
        this.entries = entries;
        this.problems = problems;
        this.keptSecrets = keptSecrets;
    }

    /**
     * Reads and parses a file. Refuses one over {@link #MAX_BYTES} without reading it whole.
     *
     * @throws RdpFileException when the file cannot be read or is too large
     */
    public static RdpFile parse(Path path) {
        try {
            long size = Files.size(path);
            if (size > MAX_BYTES) {
                throw tooLarge(path + " is " + size + " bytes");
            }
            try (InputStream in = Files.newInputStream(path)) {
                byte[] bytes = in.readNBytes(MAX_BYTES + 1); // the file may have grown since size()
                if (bytes.length > MAX_BYTES) {
                    throw tooLarge(path + " is over " + MAX_BYTES + " bytes");
                }
                return parse(bytes);
            }
        } catch (IOException e) {
            throw new RdpFileException("cannot read .rdp file " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the bytes of a file, detecting its encoding from the BOM.
     *
     * @throws RdpFileException when there are more than {@link #MAX_BYTES}
     */
    public static RdpFile parse(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw tooLarge("the file is " + bytes.length + " bytes");
        }
        int n = bytes.length;
        int b0 = n > 0 ? bytes[0] & 0xff : -1;
        int b1 = n > 1 ? bytes[1] & 0xff : -1;
        int b2 = n > 2 ? bytes[2] & 0xff : -1;
        if (b0 == 0xff && b1 == 0xfe) {
            return parseText(decode(bytes, 2, StandardCharsets.UTF_16LE), "UTF-16LE with BOM");
        }
        if (b0 == 0xfe && b1 == 0xff) {
            return parseText(decode(bytes, 2, StandardCharsets.UTF_16BE), "UTF-16BE with BOM");
        }
        if (b0 == 0xef && b1 == 0xbb && b2 == 0xbf) {
            return parseText(decode(bytes, 3, StandardCharsets.UTF_8), "UTF-8 with BOM");
        }
        if (n >= 2 && b0 != 0 && b1 == 0) {
            return parseText(decode(bytes, 0, StandardCharsets.UTF_16LE), "UTF-16LE without BOM");
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            boolean ascii = true;
            for (byte b : bytes) {
                if (b < 0) {
                    ascii = false;
                    break;
                }
            }
            return parseText(text, ascii ? "ASCII" : "UTF-8");
        } catch (CharacterCodingException e) {
            // an ANSI file from an old tool: read as Windows-1252 (Latin-1 where it has no mapping)
            Charset cp1252 = Charset.isSupported("windows-1252") ? Charset.forName("windows-1252")
                    : StandardCharsets.ISO_8859_1;
            return parseText(new String(bytes, cp1252), "not UTF-8; read as " + cp1252.name());
        }
    }

    /** Parses text that is already decoded (a leading U+FEFF is dropped). */
    public static RdpFile parse(String text) {
        if (text.length() > MAX_BYTES) {
            throw tooLarge("the text is " + text.length() + " characters");
        }
        return parseText(text, "text");
    }

    private static RdpFileException tooLarge(String what) {
        return new RdpFileException(what + "; .rdp files over 1 MiB (" + MAX_BYTES
                + " bytes) are refused (a real one is a few kilobytes)");
    }

    private static String decode(byte[] bytes, int offset, Charset cs) {
        // lenient: a malformed UTF-16 unit becomes U+FFFD and shows up in that line's value, not as a failure
        CharBuffer cb = cs.decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset));
        return cb.toString();
    }

    private static RdpFile parseText(String text, String encoding) {
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1);
        }
        String[] lines = text.split("\r\n|\r|\n", -1);
        int count = lines.length;
        if (count > 0 && lines[count - 1].isEmpty()) {
            count--; // the newline that ends the last line
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, Secret> kept = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            parseLine(lines[i], i + 1, entries, kept, problems);
        }
        return new RdpFile(encoding, entries, Collections.unmodifiableList(problems), kept);
    }

    private static void parseLine(String raw, int lineNo, Map<String, Entry> entries, Map<String, Secret> kept,
            List<Problem> problems) {
        String line = raw.strip();
        if (line.isEmpty()) {
            problems.add(new Problem(lineNo, ProblemKind.BLANK, "blank line, skipped"));
            return;
        }
        int c1 = line.indexOf(':');
        boolean shaped = c1 > 0 && line.length() >= c1 + 3 && line.charAt(c1 + 2) == ':';
        if (!shaped || line.startsWith("/")) {
            // FreeRDP reads a line starting with '/' as one of its command-line options; the probe does not
            String why = line.startsWith("/") ? "a FreeRDP command-line option line, not a setting"
                    : "not name:type:value";
            // never echo the text: a malformed line may still hold a secret
            problems.add(new Problem(lineNo, ProblemKind.MALFORMED, why + " (" + line.length() + " chars), skipped"));
            return;
        }
        String name = line.substring(0, c1).strip().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            problems.add(new Problem(lineNo, ProblemKind.MALFORMED, "empty setting name, skipped"));
            return;
        }
        char type = Character.toLowerCase(line.charAt(c1 + 1));
        String value = line.substring(c1 + 3);
        boolean secret = isSecretName(name);
        String shown = "'" + name + "'";
        switch (type) {
            case 's' -> value = value.strip();
            case 'i' -> {
                String v = value.strip();
                if (!v.matches("[+-]?[0-9]{1,10}") || Long.parseLong(v) > Integer.MAX_VALUE
                        || Long.parseLong(v) < Integer.MIN_VALUE) {
                    problems.add(new Problem(lineNo, ProblemKind.BAD_VALUE, shown + " is type i but "
                            + (secret ? "its value" : "'" + clip(v) + "'") + " is not an integer, skipped"));
                    return;
                }
                value = Integer.toString(Integer.parseInt(v));
            }
            case 'b' -> {
                String v = value.strip();
                if (v.length() % 2 != 0 || !v.matches("[0-9A-Fa-f]*")) {
                    problems.add(new Problem(lineNo, ProblemKind.BAD_VALUE, shown
                            + " is type b but its value is not hex bytes, skipped"));
                    return;
                }
                value = v;
            }
            default -> {
                problems.add(new Problem(lineNo, ProblemKind.UNKNOWN_TYPE, shown + " has type '"
                        + line.charAt(c1 + 1) + "' (only s, i and b exist), skipped"));
                return;
            }
        }
        int length = type == 'b' ? value.length() / 2 : value.length();
        Entry previous = entries.get(name);
        if (previous != null) {
            problems.add(new Problem(lineNo, ProblemKind.DUPLICATE, shown + " was already set on line "
                    + previous.line() + "; the later value (line " + lineNo + ") wins"));
            entries.remove(name); // re-insert so that entries() stays in line order
        }
        Secret old = kept.remove(name);
        if (old != null) {
            old.clear();
        }
        if (secret) {
            if (name.equals(GATEWAY_ACCESS_TOKEN) && type == 's' && !value.isEmpty()) {
                kept.put(name, Secret.of(value.toCharArray()));
            }
            entries.put(name, new Entry(name, type, "", lineNo, true, length));
        } else {
            entries.put(name, new Entry(name, type, value, lineNo, false, length));
        }
    }

    static final String GATEWAY_ACCESS_TOKEN = "gatewayaccesstoken";

    /** Names whose values are never kept in an {@link Entry} nor printed. */
    static boolean isSecretName(String name) {
        return name.contains("password") || name.equals(GATEWAY_ACCESS_TOKEN);
    }

    private static String clip(String v) {
        return v.length() <= 40 ? v : v.substring(0, 40) + "...";
    }

    /** How the bytes were read: "UTF-16LE with BOM", "UTF-8", "ASCII", ... */
    public String encoding() {
        return encoding;
    }

    /** The effective settings (a duplicate keeps its later line), in line order. */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** The effective setting of that name (any case). */
    public Optional<Entry> entry(String name) {
        return Optional.ofNullable(entries.get(name.strip().toLowerCase(Locale.ROOT)));
    }

    /** The value of a non-secret {@code s} setting. */
    public Optional<String> string(String name) {
        return entry(name).filter(e -> e.type() == 's' && !e.secret()).map(Entry::value);
    }

    /** The value of an {@code i} setting. */
    public Optional<Integer> integer(String name) {
        return entry(name).filter(e -> e.type() == 'i' && !e.secret()).map(e -> Integer.parseInt(e.value()));
    }

    /** Skipped lines and duplicates, in line order. */
    public List<Problem> problems() {
        return problems;
    }

    /** A secret kept for the plan (only {@code gatewayaccesstoken}); package-private on purpose. */
    Optional<Secret> keptSecret(String name) {
        return Optional.ofNullable(keptSecrets.get(name));
    }

    /**
     * What the probe should do for this file.
     *
     * @throws RdpFileException when the file has no usable {@code full address}
     */
    public Plan plan() {
        return PlanBuilder.build(this);
    }

    @Override
    public String toString() {
        return "RdpFile[" + encoding + ", " + entries.size() + " settings, " + problems.size() + " problems]";
    }
}
