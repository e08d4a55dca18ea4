/**
 * Shared codec plumbing: {@link io.rdpprobe.protocol.codec.DecodeException}, the {@link
 * io.rdpprobe.protocol.codec.Layer} names, and {@link io.rdpprobe.protocol.codec.Wire}'s checked reads.
 * Codecs in this module are pure: they see a {@code ByteBuf} and nothing else.
 */
package io.rdpprobe.protocol.codec;
