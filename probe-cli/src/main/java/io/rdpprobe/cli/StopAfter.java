package io.rdpprobe.cli;

import io.rdpprobe.probe.model.Stage;
import java.util.Locale;
import picocli.CommandLine;

/**
 * {@code --stop-after STAGE}: a stage name, any case. Every stage is a stop point: the probe ends the connection right
 * after that stage's result (DNS: no connection at all; TCP: closed before the X.224 Connection Request; a session
 * stage: a Disconnect Provider Ultimatum). The gateway stages are stop points only with {@code --gateway}. KERBEROS is
 * not one: it talks to the KDC before the target's DNS, so stopping there would probe nothing of the target.
 */
final class StopAfter implements CommandLine.ITypeConverter<Stage> {
    /** The accepted names, lowercase, in handshake order. */
    static final String NAMES = names();

    /** A loop, not a stream: each lambda here was spun at start-up, outside the class-data archive (issue 13). */
    private static String names() {
        StringBuilder sb = new StringBuilder();
        for (Stage s : Stage.values()) {
            if (s != Stage.KERBEROS) {
                sb.append(sb.length() == 0 ? "" : ", ").append(s.name().toLowerCase(Locale.ROOT));
            }
        }
        return sb.toString();
    }

    @Override
    public Stage convert(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Stage s : Stage.values()) {
            if (s.name().equals(v) && s != Stage.KERBEROS) {
                return s;
            }
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is not a stage (use one of " + NAMES + ")");
    }

    static boolean isGatewayStage(Stage s) {
        return s != null && s.name().startsWith("GATEWAY_");
    }
}
