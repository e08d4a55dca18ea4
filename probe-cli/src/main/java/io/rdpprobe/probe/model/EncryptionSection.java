package io.rdpprobe.probe.model;

import java.util.List;

/**
 * "encryption" ({@code --enumerate}, Standard RDP Security): one legacy connection per encryption method, the
 * methods the server accepted, and the encryption level and RDP version its Connect Response named.
 */
public record EncryptionSection(List<Row> rows, List<String> acceptedMethods, String encryptionLevel, String rdpVersion)
        implements Section {

    /**
     * One row of the table.
     *
     * @param tested whether the server answered for this method (accepted, or refused by its own answer)
     * @param detail the evidence behind a refusal that is not a Connect Response (what the probe saw), or null
     */
    public record Row(String offered, boolean accepted, String selectedMethod, String encryptionLevel,
                      String rdpVersion, String note, boolean tested, String detail) {
        public Row(String offered, boolean accepted, String selectedMethod, String encryptionLevel, String rdpVersion,
                   String note) {
            this(offered, accepted, selectedMethod, encryptionLevel, rdpVersion, note, true, null);
        }
    }

    public EncryptionSection {
        rows = List.copyOf(rows);
        acceptedMethods = List.copyOf(acceptedMethods);
    }

    /**
     * Will the server run Standard RDP Security: "yes" when at least one method was accepted, "no" when the server
     * refused every method, "unknown" when some could not be tested (timeouts, local failures) and none was accepted.
     */
    public String legacyRdpSecurityAllowed() {
        if (!acceptedMethods.isEmpty()) {
            return "yes";
        }
        return !rows.isEmpty() && rows.stream().allMatch(Row::tested) ? "no" : "unknown";
    }

    @Override
    public String key() {
        return "encryption";
    }

    @Override
    public <R> R accept(Visitor<R> v) {
        return v.encryption(this);
    }
}
