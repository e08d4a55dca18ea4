#!/usr/bin/env bash
# Scale bench of `rdp-probe scan` (issue 11), loopback only. Not a test: it prints figures.
# Usage: benchmarks/scan-bench.sh [TOTAL=10000] [NMAP_N=1000]
#   env: ONLY=rest (skip the TOTAL and blackhole runs), ENUM_N (200: targets of the --enumerate run), PORT (33389),
#        OCTET (20: the lab's addresses are 127.OCTET.x.y), TIMEOUT (5s, per stage), CONCURRENCY (256), XMX (512m),
#        SKIP_NMAP=1, SKIP_BUILD=1, OUT (benchmarks/target/scan-bench)
# 1. starts io.rdpprobe.bench.ScanLab: TOTAL targets on distinct 127.OCTET.x.y addresses in one helper process
#    (60% demo HYBRID_EX endpoint, 10% TLS-only, 5% silent, 5% close-after-CR, 10% blackholed (SYNs dropped), 10% closed)
# 2. scans all of them with -Xmx$XMX: wall time, targets/s, peak heap, open files before/after (from the summary)
# 3. scans only the blackholes: wall time against ceil(N / concurrency) deadlines
# 4. the first NMAP_N answering targets, back to back in this one run: rdp-probe scan, then
#    nmap -Pn -n -p PORT --script +rdp-ntlm-info,+rdp-enum-encryption, then rdp-probe scan again (so that a change
#    of the machine's load shows), each timed as a whole process (start-up included); the ratios of the wall times
# 5. the first ENUM_N of them with --enumerate
# 6. the same NMAP_N under `ulimit -n 256`: the scan lowers its concurrency and says so; sockets not created are counted
# The scans run with the JVM options of the ./rdp-probe launcher (C1 only, serial GC, its class-data archive when it
# is current) plus -Xmx. No run waits for /tmp/mvn.lock (only the build takes it), so no timing includes a lock wait.
# The machine may be shared: the load average is printed before each run.
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL=${1:-10000}
NMAP_N=${2:-1000}
PORT=${PORT:-33389}
OCTET=${OCTET:-20}
TIMEOUT=${TIMEOUT:-5s}
CONCURRENCY=${CONCURRENCY:-256}
XMX=${XMX:-512m}
OUT=${OUT:-benchmarks/target/scan-bench}
LOCK=${LOCK:-/tmp/mvn.lock}
mkdir -p "$OUT"
JAR=probe-cli/target/rdp-probe.jar
BJAR=benchmarks/target/benchmarks.jar
JSA=probe-cli/target/rdp-probe.jsa
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  flock "$LOCK" mvn -q -B -o -pl benchmarks -am package -DskipTests
fi
./rdp-probe --version >/dev/null 2>&1 || true   # the launcher makes its class-data archive once per build
JOPTS=(-Xmx"$XMX" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
if [ -f "$JSA" ] && [ "$JSA" -nt "$JAR" ]; then
  JOPTS+=(-XX:SharedArchiveFile="$JSA" -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off)
fi
TIME=()
command -v /usr/bin/time >/dev/null && TIME=(/usr/bin/time -f "%e %U %S %M" -o "$OUT/time")
load() { cut -d' ' -f1-3 /proc/loadavg; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true   # the lab holds one listener per target

java -Xmx1g -cp "$BJAR" io.rdpprobe.bench.ScanLab "$OUT/lab" "$TOTAL" "$PORT" "$OCTET" > "$OUT/lab.log" 2>&1 &
LABPID=$!
trap 'kill "$LABPID" 2>/dev/null || true; wait "$LABPID" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do [ -f "$OUT/lab/ready" ] && break; sleep 0.2; done
[ -f "$OUT/lab/ready" ] || { echo "scan lab did not start:" >&2; cat "$OUT/lab.log" >&2; exit 1; }
cat "$OUT/lab.log"

figures() {  # figures SUMMARY.json WALL_SECONDS LABEL [TIME-FILE]
  python3 - "$1" "$2" "$3" "${4:-}" <<'PY'
import json, sys, os
s = json.load(open(sys.argv[1])); wall = float(sys.argv[2]); p = s.get("process", {})
cpu = ""
if sys.argv[4] and os.path.exists(sys.argv[4]):
    e, u, k, rss = open(sys.argv[4]).read().split()[-4:]
    cpu = f"; CPU {float(u)+float(k):.1f} s ({(float(u)+float(k))*1000/max(1,s['probed']):.1f} ms/target), max RSS {int(rss)>>10} MB"
fb, fa = p.get('openFilesBefore'), p.get('openFilesAfter')
print(f"{sys.argv[3]}: {s['probed']} targets, wall {wall:.1f} s (scan {s['elapsedMs']/1000:.1f} s), "
      f"{s['probed']/wall:.1f} targets/s{cpu}; peak heap {p.get('peakHeapBytes',0)>>20} MB of {p.get('maxHeapBytes',0)>>20} MB; "
      f"open files {fb} before, {fa} after ({'equal' if fb == fa else 'DIFFERENT'})")
print("  verdicts: " + ", ".join(f"{k} {v}" for k, v in s["verdicts"].items()))
for n in s.get("notes", []): print("  note: " + n)
PY
}

scan() {  # scan LABEL TARGETS-FILE [options...]
  local label=$1 file=$2; shift 2
  echo "   (load average $(load))"
  rm -f "$OUT/time"
  local s; s=$(date +%s%N)
  "${TIME[@]}" java "${JOPTS[@]}" -jar "$JAR" scan --targets-file "$file" --timeout "$TIMEOUT" \
    --concurrency "$CONCURRENCY" --out "$OUT/$label.jsonl" -q --json "$@" > "$OUT/$label-summary.json" 2> "$OUT/$label.err" || true
  local ms=$(( ($(date +%s%N) - s) / 1000000 ))
  echo "$ms" > "$OUT/$label-wall-ms"
  figures "$OUT/$label-summary.json" "$(awk "BEGIN{print $ms / 1000}")" "$label" "$OUT/time"
}

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

if [ "${SKIP_NMAP:-0}" != 1 ] && command -v nmap >/dev/null; then
  echo "== the same $NMAP_N: nmap -Pn -n -p $PORT --script +rdp-ntlm-info,+rdp-enum-encryption -iL hosts"
  echo "   (load average $(load))"
  s=$(date +%s%N)
  nmap -Pn -n -p "$PORT" --script +rdp-ntlm-info,+rdp-enum-encryption -iL "$OUT/nmap-hosts.txt" -oN "$OUT/nmap.txt" > /dev/null
  nms=$(( ($(date +%s%N) - s) / 1000000 ))
  wall=$(awk "BEGIN{print $nms / 1000}")
  ntlm=$(grep -c 'NetBIOS_Computer_Name' "$OUT/nmap.txt" || true)
  enc=$(grep -c 'rdp-enum-encryption' "$OUT/nmap.txt" || true)
  echo "nmap: $NMAP_N hosts, wall $wall s, $(awk "BEGIN{printf \"%.1f\", $NMAP_N / $wall}") hosts/s; rdp-ntlm-info answered $ntlm, rdp-enum-encryption $enc"
  echo "== the same $NMAP_N: rdp-probe scan again, right after nmap"
  scan answering-2 "$OUT/nmap-targets.txt"
  for label in answering answering-2; do
    sms=$(cat "$OUT/$label-wall-ms")
    echo "ratio $label: nmap wall $wall s / rdp-probe wall $(awk "BEGIN{print $sms / 1000}") s (whole processes) = $(awk "BEGIN{printf \"%.1f\", $nms / $sms}")x"
  done
  echo "depth: both get the NTLM info (names, OS version); rdp-probe also does the TLS handshake and judges the certificate"
  echo "  (nmap 7.93 cannot: no RDP STARTTLS); nmap's rdp-enum-encryption asks for every security protocol and RDP"
  echo "  encryption level (rdp-probe only with --enumerate, which goes deeper than nmap in every respect)"
fi

ENUM_N=${ENUM_N:-200}
head -n "$ENUM_N" "$OUT/nmap-targets.txt" > "$OUT/enum-targets.txt"
echo "== the first $ENUM_N of them: rdp-probe scan --enumerate (+ 7 protocol requests, 4 TLS versions per target)"
scan answering-enum "$OUT/enum-targets.txt" --enumerate

echo "== the same $NMAP_N under ulimit -n 256"
( ulimit -n 256; scan fdlimit "$OUT/nmap-targets.txt" )
echo "fdlimit: sockets not created (EMFILE): $(grep -c "cannot create a socket" "$OUT/fdlimit.jsonl" || true)"
