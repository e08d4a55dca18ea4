#!/usr/bin/env bash
# Coverage-guided fuzzing of every Jazzer @FuzzTest, one target after another (2 cores: never two at once).
# Usage: benchmarks/fuzz.sh [target-regex] [seconds-per-target]
#   benchmarks/fuzz.sh                        # every target, 600 s each
#   benchmarks/fuzz.sh 'Ntlm|Tls' 60          # targets whose Class#method matches the regex, 60 s each
#   KEEP=5 benchmarks/fuzz.sh Rdg 60          # also keep the 5 smallest grown corpus entries in testdata/fuzz
#   SKIP='ShareFuzzTest' benchmarks/fuzz.sh    # every target but those matching SKIP (to resume a long run)
# Each target runs as `JAZZER_FUZZ=1 mvn test -Dtest=Class#method` (about 1-3 GB RSS). Seeds: the target's kept
# corpus in testdata/fuzz/<module>/<pkg>/<Class>Inputs/<method>/ (on the test class path, so a plain `mvn verify`
# replays every file there), plus the chunks of Zeek's RDP seeds, read in place from ../shared/corpus (when present)
# into the git-ignored working corpus <module>/.cifuzz-corpus/<pkg.Class>/<method>/. Jazzer writes a crash into
# src/test/resources/<pkg>/<Class>Inputs/<method>/crash-*; the script moves it into testdata/fuzz beside the seeds,
# so the next `mvn verify` replays it as a regression case, and the run of that target stops at it. A summary
# line per target (executions, exec/s, coverage, corpus, finding) goes to stdout and to target/fuzz-summary.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
FILTER="${1:-.}"
SECS="${2:-600}"
KEEP="${KEEP:-0}"
SKIP="${SKIP:-}"
MVN_OFFLINE="${MVN_OFFLINE:--o}"
mkdir -p target
SUMMARY=target/fuzz-summary.txt
: > "$SUMMARY"

ZEEK_ZIP=""
for z in ../shared/corpus/zeek-rdp-corpus.zip ../../shared/corpus/zeek-rdp-corpus.zip; do
  [[ -f "$z" ]] && ZEEK_ZIP="$z" && break
done

# seed_zeek DIR: each \1PKT chunk of Zeek's RDP seeds, as its own file zeek-<zip entry>-<n> (read in place)
seed_zeek() {
  [[ -n "$ZEEK_ZIP" ]] || return 0
  python3 - "$ZEEK_ZIP" "$1" <<'PY'
import sys, zipfile, os
zf, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(zf) as z:
    for name in z.namelist():
        data = z.read(name)
        parts = data.split(b"\x01PKT")
        for n, p in enumerate(x for x in parts if len(x) > 1):
            with open(os.path.join(out, "zeek-%s-%03d" % (os.path.basename(name), n)), "wb") as f:
                f.write(p[1:])
PY
}

targets() {
  for module in protocol probe-cli; do
    grep -rl --include='*FuzzTest.java' '@FuzzTest' "$module/src/test/java" | while read -r f; do
      cls=$(basename "$f" .java)
      pkgdir=$(dirname "${f#"$module/src/test/java/"}")
      # the method name follows each @FuzzTest annotation
      awk '/@FuzzTest/ {grab=1; next} grab && /void [a-zA-Z0-9_]+\(/ {match($0, /void [a-zA-Z0-9_]+\(/); print substr($0, RSTART+5, RLENGTH-6); grab=0}' "$f" |
        while read -r m; do echo "$module $pkgdir $cls $m"; done
    done
  done
}

targets | while read -r module pkgdir cls m; do
  [[ "$cls#$m" =~ $FILTER ]] || continue
  [[ -n "$SKIP" && "$cls#$m" =~ $SKIP ]] && continue
  log="target/fuzz-$cls-$m.log"
  inputs="testdata/fuzz/$module/$pkgdir/${cls}Inputs/$m"
  crashdir="$module/src/test/resources/$pkgdir/${cls}Inputs/$m"
  corpus="$module/.cifuzz-corpus/${pkgdir//\//.}.$cls/$m"
  mkdir -p "$inputs" "$crashdir" "$corpus"   # Jazzer writes crash files into crashdir only when it exists
  seed_zeek "$corpus"
  start=$(date +%s)
  am=""; [[ "$module" != protocol ]] && am="-am"   # probe-cli needs protocol from the reactor (never installed)
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${SECS}s" flock /tmp/mvn.lock \
    mvn -B $MVN_OFFLINE -pl "$module" $am test -Dtest="$cls#$m" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djacoco.skip=true > "$log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  done_line=$(grep -aE '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
  [[ -z "$done_line" ]] && done_line=$(grep -aE '^#[0-9]+[[:space:]]+(pulse|NEW|REDUCE|INITED)' "$log" | tail -1)
  runs=$(echo "$done_line" | sed -nE 's/^#([0-9]+).*/\1/p')
  cov=$(echo "$done_line" | sed -nE 's/.*cov: ([0-9]+).*/\1/p')
  ft=$(echo "$done_line" | sed -nE 's/.*ft: ([0-9]+).*/\1/p')
  corp=$(echo "$done_line" | sed -nE 's/.*corp: ([0-9]+\/[0-9a-zA-Z]+).*/\1/p')
  eps=$(( took > 0 && ${runs:-0} > 0 ? ${runs:-0} / took : 0 ))
  for c in "$crashdir"/crash-* "$module"/crash-*; do
    [[ -f "$c" ]] && mv "$c" "$inputs/$(basename "$c")"
  done
  find "$module/src/test/resources" -depth -type d -empty -delete 2>/dev/null
  crashes=$(ls "$inputs" | grep -c '^crash-' || true)
  finding="none"
  if [[ $rc -ne 0 ]]; then
    finding=$(grep -aE '^== Java Exception|FuzzTestFinding|Exception:' "$log" | head -1 | cut -c1-160)
    finding="${finding:-exit $rc, see $log}"
  fi
  if [[ "$KEEP" -gt 0 && -d "$corpus" ]]; then
    # the smallest entries of the grown corpus (small files only: at most 4 KiB each), never the Zeek seeds
    find "$corpus" -maxdepth 1 -type f ! -name 'zeek-*' -size -4097c -printf '%s %f\n' | sort -n | head -n "$KEEP" |
      while read -r _ c; do
      cp -n "$corpus/$c" "$inputs/corpus-${c:0:16}"
    done
  fi
  line=$(printf '%-22s %-26s %4ss runs=%-9s exec/s=%-7s cov=%-5s ft=%-5s corpus=%-10s crash-files=%s finding=%s' \
    "$cls" "$m" "$took" "${runs:-?}" "$eps" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$crashes" "$finding")
  echo "$line" | tee -a "$SUMMARY"
done
