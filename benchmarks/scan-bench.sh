#!/usr/bin/env bash
# Scale bench of `rdp-probe scan` (issue 11), loopback only. Not a test: it prints figures.
# Usage: benchmarks/scan-bench.sh [TOTAL=10000] [NMAP_N=1000]
#   env: ONLY=rest (skip the TOTAL and blackhole runs), ENUM_N (NMAP_N: targets of the --enumerate run), PORT (33389), TIMEOUT (5s, per stage), CONCURRENCY (256), XMX (512m), SKIP_NMAP=1, OUT (benchmarks/target/scan-bench)
# 1. starts io.rdpprobe.bench.ScanLab: TOTAL targets on distinct 127.20.x.y addresses in one helper process
#    (60% demo HYBRID_EX endpoint, 10% TLS-only, 5% silent, 5% close-after-CR, 10% blackholed (SYNs dropped), 10% closed)
# 2. scans all of them with -Xmx$XMX: wall time, targets/s, peak heap, open files before/after (from the summary)
# 3. scans only the blackholes: wall time against ceil(N / concurrency) deadlines
# 4. the first NMAP_N answering targets: rdp-probe scan (default and --enumerate) vs
#    nmap -Pn -p PORT --script +rdp-ntlm-info,+rdp-enum-encryption, wall time and the ratio
# 5. the same NMAP_N targets under `ulimit -n 256`: the scan lowers its concurrency and says so
# The heavy runs take /tmp/mvn.lock so they do not collide with builds on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL=${1:-10000}
NMAP_N=${2:-1000}
PORT=${PORT:-33389}
TIMEOUT=${TIMEOUT:-5s}
CONCURRENCY=${CONCURRENCY:-256}
XMX=${XMX:-512m}
OUT=${OUT:-benchmarks/target/scan-bench}
LOCK=${LOCK:-/tmp/mvn.lock}
mkdir -p "$OUT"
JAR=probe-cli/target/rdp-probe.jar
BJAR=benchmarks/target/benchmarks.jar
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  flock "$LOCK" mvn -q -B -o -pl benchmarks -am package -DskipTests
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true   # the lab holds one listener per target

java -Xmx1g -cp "$BJAR" io.rdpprobe.bench.ScanLab "$OUT/lab" "$TOTAL" "$PORT" > "$OUT/lab.log" 2>&1 &
LABPID=$!
trap 'kill "$LABPID" 2>/dev/null || true; wait "$LABPID" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do [ -f "$OUT/lab/ready" ] && break; sleep 0.2; done
[ -f "$OUT/lab/ready" ] || { echo "scan lab did not start:" >&2; cat "$OUT/lab.log" >&2; exit 1; }
cat "$OUT/lab.log"

figures() {  # figures SUMMARY.json WALL_SECONDS LABEL
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); wall = float(sys.argv[2]); p = s.get("process", {})
print(f"{sys.argv[3]}: {s['probed']} targets, wall {wall:.1f} s (scan {s['elapsedMs']/1000:.1f} s), "
      f"{s['probed']/wall:.1f} targets/s; peak heap {p.get('peakHeapBytes',0)>>20} MB of {p.get('maxHeapBytes',0)>>20} MB; "
      f"open files {p.get('openFilesBefore')} before, {p.get('openFilesAfter')} after")
print("  verdicts: " + ", ".join(f"{k} {v}" for k, v in s["verdicts"].items()))
for n in s.get("notes", []): print("  note: " + n)
PY
}

scan() {  # scan LABEL TARGETS-FILE [options...]
  local label=$1 file=$2; shift 2
  # timed inside the lock (the wait for other builds is not the scan's)
  flock "$LOCK" bash -c 's=$(date +%s%N); "$@"; rc=$?; echo $(( ($(date +%s%N) - s) / 1000000 )) > "$WALLFILE"; exit $rc' _ \
    java -Xmx"$XMX" -XX:+UseSerialGC -jar "$JAR" scan --targets-file "$file" --timeout "$TIMEOUT" \
    --concurrency "$CONCURRENCY" --out "$OUT/$label.jsonl" -q --json "$@" > "$OUT/$label-summary.json"
  figures "$OUT/$label-summary.json" "$(awk "BEGIN{print $(cat "$WALLFILE") / 1000}")" "$label"
}
WALLFILE=$OUT/wall-ms
export WALLFILE

if [ "${ONLY:-}" = "" ] || [ "$ONLY" = all ]; then
echo "== all $TOTAL targets (-Xmx$XMX, --concurrency $CONCURRENCY, --timeout $TIMEOUT)"
scan all "$OUT/lab/targets.txt"

NB=$(wc -l < "$OUT/lab/blackholes.txt")
echo "== the $NB blackholed targets only: expect about ceil($NB/$CONCURRENCY) = $(( (NB + CONCURRENCY - 1) / CONCURRENCY )) deadlines of $TIMEOUT"
scan blackholes "$OUT/lab/blackholes.txt"
fi

head -n "$NMAP_N" "$OUT/lab/answering.txt" > "$OUT/nmap-targets.txt"
cut -d: -f1 "$OUT/nmap-targets.txt" > "$OUT/nmap-hosts.txt"
echo "== $NMAP_N answering targets: rdp-probe scan (default depth: X224, TLS + certificate, NTLM info)"
scan answering "$OUT/nmap-targets.txt"
ENUM_N=${ENUM_N:-$NMAP_N}
head -n "$ENUM_N" "$OUT/nmap-targets.txt" > "$OUT/enum-targets.txt"
echo "== the first $ENUM_N of them: rdp-probe scan --enumerate (+ 7 protocol requests, 4 TLS versions per target)"
scan answering-enum "$OUT/enum-targets.txt" --enumerate

if [ "${SKIP_NMAP:-0}" != 1 ] && command -v nmap >/dev/null; then
  echo "== the same $NMAP_N: nmap -Pn -p $PORT --script +rdp-ntlm-info,+rdp-enum-encryption"
  flock "$LOCK" bash -c 's=$(date +%s%N); "$@" > /dev/null; echo $(( ($(date +%s%N) - s) / 1000000 )) > "$WALLFILE"' _ \
    nmap -Pn -n -p "$PORT" --script +rdp-ntlm-info,+rdp-enum-encryption -iL "$OUT/nmap-hosts.txt" -oN "$OUT/nmap.txt"
  wall=$(awk "BEGIN{print $(cat "$WALLFILE") / 1000}")
  ntlm=$(grep -c 'NetBIOS_Computer_Name' "$OUT/nmap.txt" || true)
  enc=$(grep -c 'rdp-enum-encryption' "$OUT/nmap.txt" || true)
  echo "nmap: $NMAP_N hosts, wall $wall s, $(awk "BEGIN{printf \"%.1f\", $NMAP_N / $wall}") hosts/s; rdp-ntlm-info answered $ntlm, rdp-enum-encryption $enc"
  python3 - "$OUT" "$wall" <<'PY'
import json, sys
out, nwall = sys.argv[1], float(sys.argv[2])
for label in ("answering", "answering-enum"):
    s = json.load(open(f"{out}/{label}-summary.json"))
    rate = s["probed"] / (s["elapsedMs"] / 1000)  # the scan's own wall time (JVM start-up excluded)
    print(f"ratio {label}: rdp-probe {rate:.1f} targets/s vs nmap {s['probed']/nwall:.1f} hosts/s = {rate/(s['probed']/nwall):.1f}x")
PY
fi

echo "== the same $NMAP_N under ulimit -n 256"
( ulimit -n 256; scan fdlimit "$OUT/nmap-targets.txt" )
