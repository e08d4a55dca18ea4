#!/usr/bin/env bash
# Regenerates testdata/captures/expected.json: the baseline of `rdp-probe analyze --expect` for the project's own
# captures, which ExpectedCapturesTest (probe-cli, part of `mvn verify`) checks. Run it after a change that is
# meant to change a verdict (new decoding, a new capture), then read `git diff testdata/captures/expected.json`:
# every changed line is a changed verdict and should be one you meant.
#   bash testdata/captures/update-expected.sh            (builds the jar first, offline, under the shared lock)
#   NO_BUILD=1 bash testdata/captures/update-expected.sh (uses probe-cli/target/rdp-probe.jar as it is)
# Evidence names added by hand to a connection ("evidence": {"selected": "SSL"}) are kept, with the new values.
# Key logs: once `analyze` has --keylog (issue 12's decryption), every .keys file here is passed with it (a key log
# is keyed by client random, so one merged set serves every capture) and the baseline holds the decrypted verdicts;
# Likewise every .key file (the lab's PEM RSA keys, for the TLS_RSA captures) with --rsa-key.
# ExpectedCapturesTest passes the same files. ANALYZE_ARGS adds other options.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ -z "${NO_BUILD:-}" ]; then
  if command -v flock >/dev/null; then
    flock /tmp/mvn.lock mvn -B -q -o -DskipTests package
  else
    mvn -B -q -o -DskipTests package
  fi
fi
keys=()
help=$(./rdp-probe analyze --help 2>/dev/null || true)
if grep -q -- '--keylog' <<< "$help"; then
  for k in testdata/captures/*.keys; do keys+=(--keylog "$k"); done
fi
if grep -q -- '--rsa-key' <<< "$help"; then
  for k in testdata/captures/*.key; do keys+=(--rsa-key "$k"); done
fi
# shellcheck disable=SC2086
./rdp-probe analyze -q --no-progress "${keys[@]}" ${ANALYZE_ARGS:-} --write-expected testdata/captures/expected.json testdata/captures > /dev/null
git --no-pager diff --stat -- testdata/captures/expected.json 2>/dev/null || true
