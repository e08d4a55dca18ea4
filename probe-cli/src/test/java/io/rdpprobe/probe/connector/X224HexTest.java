package io.rdpprobe.probe.connector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class X224HexTest {
    @Test
    void hex4IsTheFormatterText() {
        for (int v : new int[] {0, 1, 0xf, 0x10, 0xabc, 0x1234, 0xffff, 0x10000, 0x7fffffff, -1, Integer.MIN_VALUE}) {
            assertEquals(String.format("0x%04x", v), X224Reading.hex4(v));
        }
    }
}
