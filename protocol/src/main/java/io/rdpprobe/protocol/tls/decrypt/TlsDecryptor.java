package io.rdpprobe.protocol.tls.decrypt;

import io.netty.buffer.ByteBuf;

/** THROWAWAY STUB of tlsdec's API (deleted before merging branch tlsdec). */
public final class TlsDecryptor {
    private final Listener listener;
    private final boolean[] failed = new boolean[2];

    public TlsDecryptor(TlsSecrets secrets, Listener listener) {
        this.listener = listener;
    }

    public void record(boolean fromClient, ByteBuf record) {
        int i = fromClient ? 0 : 1;
        if (record.getUnsignedByte(record.readerIndex()) == 23 && !failed[i]) {
            failed[i] = true;
            listener.failed(fromClient, DecryptFailure.NO_SECRET, "stub");
        }
    }

    public void gap(boolean fromClient, long n) { }
    public String suiteName() { return null; }
    public int version() { return -1; }
    public long decryptedRecords(boolean fromClient) { return 0; }

    public interface Listener {
        void plaintext(boolean fromClient, int contentType, ByteBuf data);
        void failed(boolean fromClient, DecryptFailure why, String detail);
    }
}
