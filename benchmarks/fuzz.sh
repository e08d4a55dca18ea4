#!/usr/bin/env bash
# Coverage-guided fuzzing of every Jazzer @FuzzTest, one target after another (2 cores: never two at once).
# Usage: benchmarks/fuzz.sh [target-regex] [seconds-per-target]
#   benchmarks/fuzz.sh                        # every target, 600 s each
#   benchmarks/fuzz.sh 'Ntlm|Tls' 60          # targets whose Class#method matches the regex, 60 s each
#   KEEP=5 benchmarks/fuzz.sh Rdg 60          # also copy the 5 smallest new corpus entries into the regression inputs
# Each target runs as `JAZZER_FUZZ=1 mvn test -Dtest=Class#method` (about 1-3 GB RSS). A crash is written by Jazzer
# into src/test/resources/<pkg>/<Class>Inputs/<method>/crash-* (so the next plain `mvn verify` replays it), and the
# run stops at it. The growing corpus stays in <module>/.cifuzz-corpus/ (git-ignored). A summary line per target
# (executions, exec/s, coverage, corpus, finding) goes to stdout and to target/fuzz-summary.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
FILTER="${1:-.}"
SECS="${2:-600}"
KEEP="${KEEP:-0}"
MVN_OFFLINE="${MVN_OFFLINE:--o}"
mkdir -p target
SUMMARY=target/fuzz-summary.txt
: > "$SUMMARY"

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
  log="target/fuzz-$cls-$m.log"
  inputs="$module/src/test/resources/$pkgdir/${cls}Inputs/$m"
  mkdir -p "$inputs"       # Jazzer writes crash files there only when the directory exists
  before=$(ls "$inputs" | wc -l)
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
  crashes=$(ls "$inputs" | grep -c '^crash-' || true)
  finding="none"
  if [[ $rc -ne 0 ]]; then
    finding=$(grep -aE '^== Java Exception|FuzzTestFinding|Exception:' "$log" | head -1 | cut -c1-160)
    finding="${finding:-exit $rc, see $log}"
  fi
  if [[ "$KEEP" -gt 0 && -d "$module/.cifuzz-corpus/$cls/$m" ]]; then
    ls -S -r "$module/.cifuzz-corpus/$cls/$m" | head -n "$KEEP" | while read -r c; do
      cp -n "$module/.cifuzz-corpus/$cls/$m/$c" "$inputs/corpus-$c"
    done
  fi
  line=$(printf '%-22s %-26s %4ss runs=%-9s exec/s=%-7s cov=%-5s ft=%-5s corpus=%-10s crash-files=%s finding=%s' \
    "$cls" "$m" "$took" "${runs:-?}" "$eps" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$crashes" "$finding")
  echo "$line" | tee -a "$SUMMARY"
done
