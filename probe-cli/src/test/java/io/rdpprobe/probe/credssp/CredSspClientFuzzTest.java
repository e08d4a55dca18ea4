package io.rdpprobe.probe.credssp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.demo.DemoCredSspServer;
import io.rdpprobe.protocol.codec.DecodeException;
import java.util.Arrays;

/**
 * Jazzer target for the CredSSP/NTLM client sequence (issue 15): the client runs against the demo CredSSP server
 * for as many real exchanges as the first byte says (0: the fuzzed bytes answer the NEGOTIATE; 1: they answer the
 * AUTHENTICATE), then the input is the server's byte stream, framed as the driver frames it, then a close. No
 * exception other than the framer's DecodeException may escape (which the driver turns into a verdict), and every
 * path must end in an outcome that is not PROBE_INTERNAL_ERROR.
 */
class CredSspClientFuzzTest {
    @FuzzTest
    void serverMessages(byte[] in) {
        if (in.length < 2) {
            return;
        }
        CredSspOptions opts = (in[1] & 1) == 0 ? CredSspOptions.defaults() : CredSspOptions.defaults().withVersion(2 + (in[1] >> 1 & 3));
        CredSspClient c = CredSspClientTest.client(CredSspClientTest.creds(CredSspClientTest.PASSWORD), opts);
        DemoCredSspServer s = CredSspClientTest.server();
        long t = CredSspClientTest.NOW;
        byte[] out = c.start(t);
        int real = (in[0] & 0xFF) % 3;
        for (int i = 0; i < real && !c.isDone(); i++) {
            DemoCredSspServer.Reply r = s.onMessage(out);
            if (r.close() || r.bytes() == null) {
                return;
            }
            Step st = c.onMessage(r.bytes(), t += 10);
            if (st.isDone()) {
                check(st.outcome());
                return;
            }
            out = st.send();
        }
        ByteBuf stream = Unpooled.wrappedBuffer(Arrays.copyOfRange(in, 2, in.length));
        Outcome outcome = null;
        while (!c.isDone() && stream.isReadable()) {
            int len;
            try {
                len = c.frameLength(stream);
            } catch (DecodeException e) {
                return; // the driver reports MALFORMED_RESPONSE for an impossible TSRequest header
            }
            if (len < 0 || len > stream.readableBytes()) {
                break;
            }
            if (len == 0) {
                throw new AssertionError("zero-length frame");
            }
            byte[] msg = new byte[len];
            stream.readBytes(msg);
            Step st = c.onMessage(msg, t += 10);
            if (st.isDone()) {
                outcome = st.outcome();
            }
        }
        if (outcome == null && !c.isDone()) {
            outcome = (in[1] & 0x80) == 0 ? c.onClosed(t + 10) : c.onTlsAlert(in[1] & 0x7F, t + 10);
            if (outcome == null) {
                throw new AssertionError("no outcome for a close in state " + c.state());
            }
        }
        if (outcome != null) {
            check(outcome);
        }
    }

    private static void check(Outcome o) {
        if (o.cause() != null && "PROBE_INTERNAL_ERROR".equals(o.cause().code())) {
            throw new AssertionError("PROBE_INTERNAL_ERROR: " + o);
        }
        if (o.summary() == null || o.summary().isBlank()) {
            throw new AssertionError("outcome without a summary: " + o);
        }
    }
}
