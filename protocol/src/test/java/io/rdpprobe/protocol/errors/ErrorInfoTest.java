package io.rdpprobe.protocol.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ErrorInfoTest {
    static final Path NOTES = io.rdpprobe.protocol.testutil.SharedCaptures.root() == null ? Path.of("../../shared/docs/protocol-notes.md")
            : io.rdpprobe.protocol.testutil.SharedCaptures.root().resolve("docs/protocol-notes.md");

    @Test
    void everyRowOfProtocolNotes37IsPresent() throws Exception {
        assumeTrue(Files.exists(NOTES), "protocol-notes.md not present");
        String text = Files.readString(NOTES);
        int start = text.indexOf("### 3.7");
        int end = text.indexOf("### 3.8", start);
        assertThat(start).isPositive();
        Matcher m = Pattern.compile("(?m)^\\| (0x[0-9A-Fa-f]{8}) \\| (ERRINFO_\\w+) \\|").matcher(text.substring(start, end));
        int rows = 0;
        while (m.find()) {
            int code = (int) Long.parseLong(m.group(1).substring(2), 16);
            ErrorInfo e = new ErrorInfo(code);
            assertThat(e.isKnown()).as(m.group(2)).isTrue();
            assertThat(e.name()).isEqualTo(m.group(2));
            assertThat(e.meaning()).isNotBlank();
            rows++;
        }
        assertThat(rows).isEqualTo(ErrorInfo.names().size()).isGreaterThan(100);
    }

    @Test
    void namesMeaningsAndMstscPair() {
        ErrorInfo denied = new ErrorInfo(7);
        assertThat(denied).isEqualTo(ErrorInfo.SERVER_DENIED_CONNECTION);
        assertThat(denied.name()).isEqualTo("ERRINFO_SERVER_DENIED_CONNECTION");
        assertThat(denied.mstscDiscReason()).isEqualTo(3);
        assertThat(denied.mstscExtendedReason()).isEqualTo(7);
        assertThat(new ErrorInfo(0x1194).name()).isEqualTo("ERRINFO_ENCPKGMISMATCH");
        assertThat(new ErrorInfo(0x19).name()).isEqualTo("ERRINFO_SERVER_SHUTDOWN");
        assertThat(new ErrorInfo(0x1196).name()).isEqualTo("UNKNOWN_ERRINFO(0x00001196)");
        assertThat(new ErrorInfo(0x1196).isProtocol()).isTrue();
        assertThat(new ErrorInfo(0x102).isLicensing()).isTrue();
        assertThat(ErrorInfo.byName("SERVER_DENIED_CONNECTION")).contains(denied);
        assertThat(new ErrorInfo(8).meaning()).contains("FIPS");
    }
}
