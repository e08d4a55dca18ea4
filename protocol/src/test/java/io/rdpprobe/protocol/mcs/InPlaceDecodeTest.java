package io.rdpprobe.protocol.mcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.gcc.ChannelDef;
import io.rdpprobe.protocol.gcc.ClientCoreData;
import io.rdpprobe.protocol.gcc.ClientData;
import io.rdpprobe.protocol.gcc.ClientNetworkData;
import io.rdpprobe.protocol.gcc.ConferenceCreateRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Connect-Initial, its domain parameters, the GCC user data and its blocks are read in place (the writer index
 * lowered to the container's end, then restored) rather than from slices, and field names are only built when a
 * read fails (issue 13). These tests hold the contracts that change could break: the caller's buffer indexes after
 * success and after failure, the field names of errors, and the decoded values.
 */
class InPlaceDecodeTest {

    private static byte[] connectInitial(List<ChannelDef> channels, String clientName) {
        ClientCoreData core = new ClientCoreData(0x00080004, 1024, 768, 0xCA01, 0xAA03, 0x409, 19041, clientName, 4, 0, 12,
                "", 0xCA01, 1, 0, 24, 0x0F, 0x0001, "", null, null, null, null, null, null, null, null, null);
        ClientData data = new ClientData(List.of(core, new ClientNetworkData(channels)));
        ConnectInitial ci = ConnectInitial.of(new ConferenceCreateRequest(data).toBytes());
        ByteBuf out = Unpooled.buffer();
        ci.encode(out);
        return ByteBufUtil.getBytes(out);
    }

    @Test
    void decodingStopsAtThePduEndAndLeavesTheWriterIndexAlone() {
        byte[] pdu = connectInitial(List.of(new ChannelDef("rdpdr", 0x80800000), new ChannelDef("custom1", 0x40000000)),
                "CLIENT-Ü");
        ByteBuf buf = Unpooled.buffer().writeBytes(pdu).writeBytes(new byte[] {1, 2, 3}); // a following PDU
        int writer = buf.writerIndex();
        ConnectInitial ci = ConnectInitial.decode(buf);
        assertThat(buf.readerIndex()).isEqualTo(pdu.length);
        assertThat(buf.writerIndex()).isEqualTo(writer);
        assertThat(ci.targetParameters()).isEqualTo(DomainParameters.TARGET);

        ByteBuf user = Unpooled.buffer().writeBytes(ci.userData()).writeByte(9);
        int userWriter = user.writerIndex();
        // one trailing byte after the user data: refused, and the writer index is restored
        DecodeException trailing = catchThrowableOfType(() -> ConferenceCreateRequest.decode(user), DecodeException.class);
        assertThat(trailing.layer()).isEqualTo(Layer.GCC);
        assertThat(user.writerIndex()).isEqualTo(userWriter);

        ConferenceCreateRequest gcc = ConferenceCreateRequest.decode(Unpooled.wrappedBuffer(ci.userData()));
        assertThat(gcc.conferenceName()).isEqualTo("1");
        ClientCoreData core = (ClientCoreData) gcc.userData().blocks().get(0);
        assertThat(core.clientName()).isEqualTo("CLIENT-Ü"); // not Latin-1 only: the char path
        ClientNetworkData net = (ClientNetworkData) gcc.userData().blocks().get(1);
        assertThat(net.channels()).containsExactly(new ChannelDef("rdpdr", 0x80800000), new ChannelDef("custom1", 0x40000000));
        assertThat(net.channels().get(0).name()).isSameAs(
                ((ClientNetworkData) ConferenceCreateRequest.decode(Unpooled.wrappedBuffer(ci.userData())).userData()
                        .blocks().get(1)).channels().get(0).name()); // a well-known name is shared
    }

    @Test
    void theUserDataIsAViewOfTheDecodedBytesAndReadingItLeavesTheRecordWhole() {
        byte[] pdu = connectInitial(List.of(new ChannelDef("rdpdr", 0x80800000)), "C");
        ConnectInitial ci = ConnectInitial.decode(Unpooled.wrappedBuffer(pdu));
        ConferenceCreateRequest first = ConferenceCreateRequest.decode(ci.userData());
        // the first decode moved the reader index of its own duplicate only
        assertThat(ci.userData().readableBytes()).isEqualTo(first.encodedLength());
        assertThat(ConferenceCreateRequest.decode(ci.userData())).isEqualTo(first);
        ByteBuf out = Unpooled.buffer();
        ci.encode(out);
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(pdu);
        // not a copy: the user data is the PDU's tail, in the decoded buffer's memory (valid while that buffer is)
        pdu[pdu.length - 1] ^= 0x01;
        ByteBuf view = ci.userData();
        assertThat(view.getByte(view.writerIndex() - 1)).isEqualTo(pdu[pdu.length - 1]);
        // equal by content, as ByteBuf.equals
        assertThat(ConnectInitial.of(ByteBufUtil.getBytes(ci.userData())).userData()).isEqualTo(ci.userData());
    }

    @Test
    void aTruncatedDomainParameterNamesItsFieldAndRestoresTheBuffer() {
        byte[] pdu = connectInitial(List.of(), "C");
        // the Connect-Initial's length claims the whole PDU; cut it inside targetParameters and fix the outer length
        // so that the SEQUENCE itself is what runs short: 7f 65 82 LL LL | 04 01 01 | 04 01 01 | 01 01 ff | 30 ..
        int seq = 5 + 9;
        assertThat(pdu[seq]).isEqualTo((byte) 0x30);
        int seqLen = pdu[seq + 1] & 0xFF;
        byte[] cut = java.util.Arrays.copyOf(pdu, seq + 2 + seqLen - 2); // the last INTEGER loses its value byte
        int contentLen = cut.length - 5;
        cut[3] = (byte) (contentLen >> 8);
        cut[4] = (byte) contentLen;
        cut[seq + 1] = (byte) (seqLen - 2); // the SEQUENCE now ends inside protocolVersion
        ByteBuf buf = Unpooled.buffer().writeBytes(cut).writeBytes(new byte[16]);
        int writer = buf.writerIndex();
        DecodeException e = catchThrowableOfType(() -> ConnectInitial.decode(buf), DecodeException.class);
        assertThat(e.layer()).isEqualTo(Layer.MCS);
        assertThat(e.field()).startsWith("targetParameters.protocolVersion");
        assertThat(buf.writerIndex()).isEqualTo(writer);
    }

    @Test
    void aTruncatedBerLengthNamesTheFieldWithItsSuffix() {
        ByteBuf b = Unpooled.wrappedBuffer(new byte[] {Ber.TAG_INTEGER});
        DecodeException e = catchThrowableOfType(() -> Ber.readInteger(b, "targetParameters", ".maxUserIds"),
                DecodeException.class);
        assertThat(e.kind()).isEqualTo(DecodeException.Kind.NOT_ENOUGH_BYTES);
        assertThat(e.field()).isEqualTo("targetParameters.maxUserIds.length");
    }
}
