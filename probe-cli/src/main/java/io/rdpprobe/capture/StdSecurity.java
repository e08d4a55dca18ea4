package io.rdpprobe.capture;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.capture.RdpConnection.Side;
import io.rdpprobe.probe.session.ServerDisconnect;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.licensing.LicensePdu;

/**
 * What a capture shows in clear after the Connection Confirm when no TLS was negotiated (MS-RDPBCGR 5.3):
 * the MCS connect PDUs with the GCC blocks, the domain PDUs, and the security header of each Send Data PDU
 * (2.2.8.1.1.2.1), which tells Security Exchange, Client Info, licensing and encrypted PDUs apart. Licensing and
 * Set Error Info PDUs are decoded only when SEC_ENCRYPT is clear.
 */
final class StdSecurity {
    static final int SEC_EXCHANGE_PKT = 0x0001;
    static final int SEC_ENCRYPT = 0x0008;
    static final int SEC_INFO_PKT = 0x0040;
    static final int SEC_LICENSE_PKT = 0x0080;

    private StdSecurity() {}

    static void clientData(RdpConnection c, ByteBuf frame, long ts) {
        ByteBuf f = frame.duplicate();
        f.skipBytes(7); // TPKT + X.224 DT (02 F0 80)
        if (!f.isReadable()) {
            return;
        }
        int b0 = f.getUnsignedByte(f.readerIndex());
        if (b0 == 0x7F) {
            if (c.tConnectInitial < 0) {
                c.tConnectInitial = ts;
                try {
                    GccDecoding.connectInitial(f, c.gcc);
                } catch (DecodeException | IllegalArgumentException e) {
                    c.gcc.decodeError = "client: " + e.getMessage();
                }
            }
            pdu(c, Side.CLIENT, "MCS Connect-Initial");
            return;
        }
        int choice = b0 >> 2;
        switch (choice) {
            case 1 -> pdu(c, Side.CLIENT, "MCS Erect Domain Request");
            case 8 -> {
                pdu(c, Side.CLIENT, "MCS Disconnect Provider Ultimatum");
            }
            case 10 -> pdu(c, Side.CLIENT, "MCS Attach User Request");
            case 14 -> pdu(c, Side.CLIENT, "MCS Channel Join Request");
            case 25 -> sendData(c, Side.CLIENT, f, ts);
            default -> pdu(c, Side.CLIENT, "MCS domain PDU choice " + choice);
        }
    }

    static void serverData(RdpConnection c, ByteBuf frame, long ts) {
        ByteBuf f = frame.duplicate();
        f.skipBytes(7);
        if (!f.isReadable()) {
            return;
        }
        int b0 = f.getUnsignedByte(f.readerIndex());
        if (b0 == 0x7F) {
            if (c.tConnectResponse < 0) {
                c.tConnectResponse = ts;
                c.gcc.serverResponseSeen = true;
                try {
                    GccDecoding.connectResponse(f, c.gcc);
                } catch (DecodeException | IllegalArgumentException e) {
                    c.gcc.decodeError = "server: " + e.getMessage();
                    c.mcsError = e.getMessage();
                }
            }
            pdu(c, Side.SERVER, "MCS Connect-Response");
            return;
        }
        int choice = b0 >> 2;
        switch (choice) {
            case 8 -> {
                // decoded as the live session sequence decodes it
                io.rdpprobe.protocol.mcs.DisconnectProviderUltimatum d = ServerDisconnect.ultimatum(frame);
                c.disconnectUltimatum = true;
                if (c.tUltimatum < 0) c.tUltimatum = ts;
                if (d != null) {
                    c.ultimatumReason = d.reason().value();
                }
                pdu(c, Side.SERVER, "MCS Disconnect Provider Ultimatum" + (d != null ? " " + d.reason().name() : " (malformed)"));
            }
            case 11 -> pdu(c, Side.SERVER, "MCS Attach User Confirm");
            case 15 -> pdu(c, Side.SERVER, "MCS Channel Join Confirm");
            case 26 -> sendData(c, Side.SERVER, f, ts);
            default -> pdu(c, Side.SERVER, "MCS domain PDU choice " + choice);
        }
    }

    private static void pdu(RdpConnection c, Side side, String what) {
        c.pdu(side, what);
    }

    /** Send Data Request/Indication: b0, initiator u16, channelId u16, priority u8, PER length, data. */
    private static void sendData(RdpConnection c, Side side, ByteBuf f, long ts) {
        String kind = side == Side.CLIENT ? "MCS Send Data Request" : "MCS Send Data Indication";
        if (f.readableBytes() < 7) {
            pdu(c, side, kind + " (truncated)");
            return;
        }
        f.skipBytes(6);
        int l1 = f.readUnsignedByte();
        int len = l1;
        if ((l1 & 0x80) != 0) {
            if (!f.isReadable()) return;
            len = ((l1 & 0x3F) << 8) | f.readUnsignedByte();
        }
        if (len > f.readableBytes() || len < 4) {
            pdu(c, side, kind);
            return;
        }
        int flags = f.readUnsignedShortLE();
        f.skipBytes(2); // flagsHi
        boolean encrypted = (flags & SEC_ENCRYPT) != 0;
        if ((flags & SEC_EXCHANGE_PKT) != 0) {
            if (c.tSecurityExchange < 0) c.tSecurityExchange = ts;
            pdu(c, side, "Security Exchange PDU");
        } else if ((flags & SEC_INFO_PKT) != 0) {
            if (c.tClientInfo < 0) c.tClientInfo = ts;
            pdu(c, side, "Client Info PDU" + (encrypted ? " (encrypted)" : ""));
        } else if ((flags & SEC_LICENSE_PKT) != 0) {
            if (c.tLicense < 0) c.tLicense = ts;
            if (!encrypted) {
                c.license = licensing(c, f);
                pdu(c, side, "licensing PDU " + c.license);
            } else {
                c.license = "encrypted licensing PDU";
                pdu(c, side, "licensing PDU (encrypted)");
            }
        } else if (encrypted) {
            c.encryptedPdus[side.ordinal()]++;
            pdu(c, side, kind + " (encrypted)");
        } else {
            if (side == Side.SERVER) {
                setErrorInfo(c, f, ts);
            }
            pdu(c, side, kind);
        }
    }

    /** A plaintext licensing PDU, decoded with {@link LicensePdu} (2.2.1.12; MS-RDPELE 2.2.2). */
    static String licensing(RdpConnection c, ByteBuf f) {
        try {
            LicensePdu l = LicensePdu.decode(f);
            if (c.licensePdu == null || l.errorMessage() != null) {
                c.licensePdu = l;
            }
            String type = io.rdpprobe.protocol.codec.Named.value(l.preamble().msgTypeName(), l.preamble().msgType(), 2);
            if (l.errorMessage() != null) {
                return type + " " + io.rdpprobe.protocol.codec.Named.value(l.errorMessage().errorCode().name(),
                        l.errorMessage().errorCode().value(), 8) + " " + io.rdpprobe.protocol.codec.Named.value(
                        l.errorMessage().stateTransition().name(), l.errorMessage().stateTransition().value(), 8);
            }
            return type;
        } catch (DecodeException e) {
            return "malformed: " + e.getMessage();
        }
    }

    /** A plaintext Set Error Info PDU (2.2.5.1.1): share data header pduType2 0x2F, then errorInfo u32. */
    private static void setErrorInfo(RdpConnection c, ByteBuf f, long ts) {
        if (f.readableBytes() < 22) {
            return;
        }
        int i = f.readerIndex();
        int pduType = f.getUnsignedShortLE(i + 2) & 0x0F;
        int pduType2 = f.getUnsignedByte(i + 14);
        if (pduType == 7 && pduType2 == 0x2F) {
            c.errorInfo = f.getUnsignedIntLE(i + 18);
            c.tErrorInfo = ts;
        }
    }
}
