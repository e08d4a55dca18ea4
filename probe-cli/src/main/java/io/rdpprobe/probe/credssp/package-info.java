/**
 * The CREDSSP stage as a sans-IO state machine: {@link io.rdpprobe.probe.credssp.CredSspClient} turns server
 * TSRequests into the next TSRequest and an {@link io.rdpprobe.probe.credssp.Outcome} (cause from {@link
 * io.rdpprobe.probe.model.CredSspCauses}, ordered evidence, inferred flag). Passwords live in {@link
 * io.rdpprobe.probe.credssp.Secret} and never reach evidence or strings.
 *
 * <p>Driver sketch (after TLS, with the server certificate's SubjectPublicKey):
 * <pre>{@code
 * CredSspClient c = new CredSspClient(creds, spk, "TERMSRV/" + host, CredSspOptions.defaults(), RandomSource.secure());
 * write(c.start(now()));
 * on bytes:  while ((n = c.frameLength(buf)) > 0 && buf.readableBytes() >= n) {
 *                Step s = c.onMessage(read(buf, n), now());
 *                if (s.send() != null) write(s.send());          // one TLS record each
 *                if (s.outcome() != null) finish(s.outcome().toStageResult(elapsed));
 *            }
 * on close:  Outcome o = c.onClosed(now());        // null if nothing was pending
 * on alert:  Outcome o = c.onTlsAlert(desc, now());
 * }</pre>
 */
package io.rdpprobe.probe.credssp;
