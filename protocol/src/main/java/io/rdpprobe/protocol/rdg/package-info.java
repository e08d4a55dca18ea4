/**
 * MS-TSGU HTTP transport packets (2.2.10): the RD Gateway's own framing between the HTTP/WebSocket
 * transport and the tunnelled RDP byte stream. Every packet starts with the 8-byte
 * {@link io.rdpprobe.protocol.rdg.RdgHeader HTTP_PACKET_HEADER}; all integers are little-endian.
 *
 * <pre>
 *   client                               gateway
 *   HANDSHAKE_REQUEST        -->
 *                            <--         HANDSHAKE_RESPONSE (HRESULT, extended auth)
 *   TUNNEL_CREATE [PAA cookie] -->
 *                            <--         TUNNEL_RESPONSE (HRESULT, tunnel id, caps, consent message)
 *   TUNNEL_AUTH (client name) -->
 *                            <--         TUNNEL_AUTH_RESPONSE (HRESULT: CAP, idle timeout, redirection)
 *   CHANNEL_CREATE (target, port) -->
 *                            <--         CHANNEL_RESPONSE (HRESULT: RAP, target reachable)
 *   DATA ...                 <->         DATA ...  (TPKT / fast-path bytes of the target connection)
 *   CLOSE_CHANNEL, SERVICE_MESSAGE, REAUTH_MESSAGE, KEEPALIVE at any time
 * </pre>
 *
 * Decoders validate every length against the packet before reading and throw
 * {@link io.rdpprobe.protocol.codec.DecodeException} with {@code Layer.RDG}.
 */
package io.rdpprobe.protocol.rdg;
