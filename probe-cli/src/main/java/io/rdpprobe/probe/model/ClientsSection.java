package io.rdpprobe.probe.model;

import java.util.List;

/**
 * "clients" ({@code --enumerate}): which client families can connect, judged by
 * {@code probe.enumerate.ClientCompatibility} from the enumeration tables.
 *
 * @param serverCredSspVersion the CredSSP version of the server's TSRequest, or null when NLA did not run
 */
public record ClientsSection(Integer serverCredSspVersion, List<Row> rows) implements Section {

    /** One client family: "yes", "no" or "unknown", through which protocol, why, and whether that is an inference. */
    public record Row(String client, String canConnect, String via, String reason, boolean inferred, String cause) {}

    public ClientsSection {
        rows = List.copyOf(rows);
    }

    @Override
    public String key() {
        return "clients";
    }

    @Override
    public <R> R accept(Visitor<R> v) {
        return v.clients(this);
    }
}
