#!/usr/bin/env bash
# rdp-probe against its peers, the issue 13 table: each pair runs ALTERNATELY N times on the same input, and the
# medians (wall and CPU = user+sys) and their ratios are printed with the load average before and after.
#
#   benchmarks/compare.sh [-n N] [GROUP...]      GROUP = startup | probe | analyze | heap | cores (default: all)
#     startup   ./rdp-probe probe 127.0.0.1:1 (closed port: start-up only) vs the bare JVM (java -version, same flags)
#     probe     ./rdp-probe probe --stop-after CREDSSP vs Impacket's rdp_check and xfreerdp +auth-only, against the
#               lab's FreeRDP shadow server with NLA (lab.sh start-shadow nla) and its throwaway account
#     analyze   ./rdp-probe analyze --summary vs tshark -r FILE -Y rdp on synthetic captures (SyntheticCapture,
#               written once into $CAPTURES, default benchmarks/target/captures; sizes $ANALYZE_MB, default "211")
#     heap      the same on a large capture ($HEAP_MB, default 1024) with -Xmx256m: wall, CPU, and from -Xlog:gc the
#               peak heap in use (before a collection) and the most still live after one, the medians of N runs
#     cores     analyze --summary of each $ANALYZE_MB capture: one thread on one core (taskset -c 0), one thread on
#               two cores (taskset -c 0,1: only GC and JIT get the second), and --threads 2 on two cores
#
# Environment: SHADOW_PORT (default 33892; the server must already run, and the client X display too: lab.sh
# start-clientx, DISPLAY=...), LAB_USER (rdptest), LAB_PW (the lab's throwaway password, lab.sh header; read from
# the environment by all three clients: --password-env, stdin for rdp_check's getpass and xfreerdp /from-stdin, never
# argv). Needs: java, ./rdp-probe's jar (built if missing), tshark, python3-impacket, xfreerdp (lab.sh install).
# BASELINE=DIR (another checkout with its jar built, e.g. of main) adds that checkout's ./rdp-probe to every pair,
# as "baseline", for before/after figures from the same rounds.
# Never run while something else builds on the machine: the medians are only as good as the quiet.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
n=7
if [ "${1:-}" = -n ]; then n=$2; shift 2; fi
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(startup probe analyze heap cores)
port=${SHADOW_PORT:-33892}
user=${LAB_USER:-rdptest}
export LAB_PW="${LAB_PW:-Passw0rd!}" # lab.sh's throwaway shadow-server account, never a real credential
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }

# run KEY CMD: one timed run of CMD (bash -c), appending "wall cpu" in ms to $tmp/KEY; stdout/stderr to $tmp/KEY.out
run() {
  local key=$1 cmd=$2 s e rc=0
  s=$(date +%s%N)
  /usr/bin/time -f "%U %S" -o "$tmp/$key.cpu" bash -c "$cmd" >"$tmp/$key.out" 2>&1 || rc=$?
  e=$(date +%s%N)
  echo "$rc" >"$tmp/$key.rc"
  # the last line: GNU time writes "Command exited with non-zero status N" first when the command fails
  awk -v w=$(( (e - s) / 1000000 )) 'END{printf "%d %d\n", w, ($1 + $2) * 1000}' "$tmp/$key.cpu" >>"$tmp/$key"
}

median() { # median of column $2 of file $1
  awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'
}

# pair TITLE KEY_A CMD_A [KEY_B CMD_B ...]: N alternating rounds, then the medians and ratios to the first command
pair() {
  local title=$1; shift
  local keys=() cmds=() i k
  while [ $# -gt 0 ]; do keys+=("$1"); cmds+=("$2"); shift 2; done
  for k in "${keys[@]}"; do : >"$tmp/$k"; done
  local l0; l0=$(load)
  for ((i = 0; i < n; i++)); do
    for k in "${!keys[@]}"; do run "${keys[$k]}" "${cmds[$k]}"; done
  done
  local w0 c0 w c
  w0=$(median "$tmp/${keys[0]}" 1); c0=$(median "$tmp/${keys[0]}" 2)
  printf '\n== %s (n=%d, load %s -> %s)\n' "$title" "$n" "$l0" "$(load)"
  printf '  %-22s %9s %9s %10s %10s\n' what "wall ms" "cpu ms" "wall x" "cpu x"
  for k in "${!keys[@]}"; do
    w=$(median "$tmp/${keys[$k]}" 1); c=$(median "$tmp/${keys[$k]}" 2)
    printf '  %-22s %9d %9d %10s %10s\n' "${keys[$k]}" "$w" "$c" \
      "$(awk -v a="$w0" -v b="$w" 'BEGIN{printf "%.2f", (b ? a / b : 0)}')" \
      "$(awk -v a="$c0" -v b="$c" 'BEGIN{printf "%.2f", (b ? a / b : 0)}')"
  done
  printf '  (x = the median of %s / that of the row: 0.25 means %s takes a quarter of the time)\n' "${keys[0]}" "${keys[0]}"
}

jar=probe-cli/target/rdp-probe.jar
[ -f "$jar" ] || ./rdp-probe --version >/dev/null
./rdp-probe probe 127.0.0.1:1 >/dev/null 2>&1 || true # makes the launcher's class-data archive once per build
if [ -n "${BASELINE:-}" ]; then
  "$BASELINE/rdp-probe" probe 127.0.0.1:1 >/dev/null 2>&1 || true
fi
# with BASELINE: ours, then the same arguments run by the baseline checkout's launcher
ours() { args=(rdp-probe "./rdp-probe $1"); [ -z "${BASELINE:-}" ] || args+=(baseline "$BASELINE/rdp-probe $1"); }

for g in "${groups[@]}"; do
  case "$g" in
    startup)
      ours "probe 127.0.0.1:1"
      pair "start-up: closed port (target <= 150 ms wall)" "${args[@]}" \
        jvm-only "java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -version"
      ;;
    probe)
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "probe: nothing listens on 127.0.0.1:$port (lab.sh start-shadow nla; SHADOW_PORT)" >&2; continue
      fi
      [ -n "${DISPLAY:-}" ] || echo "probe: DISPLAY is not set; xfreerdp needs one even for +auth-only (lab.sh start-clientx)" >&2
      check=/usr/share/doc/python3-impacket/examples/rdp_check.py
      [ -f "$check" ] || check=$(command -v impacket-rdp_check || true)
      # rdp_check connects to port 3389 only: the same script, with the lab's port put in its connect() call
      cat >"$tmp/rdp_check.py" <<EOF
import sys
path = "$check"
src = open(path).read().replace("s.connect((host,3389))", "s.connect((host,$port))")
sys.argv[0] = path
exec(compile(src, path, "exec"), {"__name__": "__main__"})
EOF
      ours "probe 127.0.0.1:$port -u $user --password-env LAB_PW --stop-after CREDSSP"
      impacket="printf '%s\n' \"\$LAB_PW\" | /usr/bin/python3 $tmp/rdp_check.py $user@127.0.0.1"
      xfree="printf '%s\n' \"\$LAB_PW\" | xfreerdp /v:127.0.0.1:$port /u:$user /from-stdin:force +auth-only /cert:ignore"
      pair "whole probe to CREDSSP, shadow server with NLA (targets: <= 1.0x rdp_check and <= 300 ms; <= 0.3x xfreerdp)" \
        "${args[@]}" rdp_check "$impacket" xfreerdp "$xfree"
      grep -q "CREDSSP *OK" "$tmp/rdp-probe.out" || { echo "  rdp-probe did not reach CREDSSP OK:" >&2; tail -5 "$tmp/rdp-probe.out" >&2; }
      grep -q "Access Granted" "$tmp/rdp_check.out" || { echo "  rdp_check was not granted access:" >&2; tail -3 "$tmp/rdp_check.out" >&2; }
      [ "$(cat "$tmp/xfreerdp.rc")" = 0 ] || { echo "  xfreerdp +auth-only failed:" >&2; tail -3 "$tmp/xfreerdp.out" >&2; }
      ;;
    analyze)
      dir=${CAPTURES:-benchmarks/target/captures}
      mkdir -p "$dir"
      bench=benchmarks/target/benchmarks.jar
      if [ ! -f "$bench" ]; then
        mvn -q -B -pl benchmarks -am package -DskipTests
      fi
      for mb in ${ANALYZE_MB:-211}; do
        f="$dir/synthetic-${mb}mb.pcap"
        [ -s "$f" ] || java -cp "$bench" io.rdpprobe.bench.SyntheticCapture "$f" "$mb"
        size=$(stat -c %s "$f")
        ours "analyze --summary $f"
        pair "analyze --summary vs tshark -Y rdp, $(basename "$f") ($((size / 1048576)) MB; targets: <= 0.1x, >= 500 MB/s)" \
          "${args[@]}" tshark "tshark -r $f -Y rdp"
        w=$(median "$tmp/rdp-probe" 1); c=$(median "$tmp/rdp-probe" 2)
        awk -v s="$size" -v w="$w" -v c="$c" 'BEGIN{printf "  rdp-probe: %.0f MB/s wall, %.0f MB/s per CPU second\n", s / 1048576 / (w / 1000), s / 1048576 / (c / 1000)}'
      done
      ;;
    heap)
      dir=${CAPTURES:-benchmarks/target/captures}
      mkdir -p "$dir"
      bench=benchmarks/target/benchmarks.jar
      [ -f "$bench" ] || mvn -q -B -pl benchmarks -am package -DskipTests
      mb=${HEAP_MB:-1024}
      f="$dir/synthetic-${mb}mb.pcap"
      [ -s "$f" ] || java -cp "$bench" io.rdpprobe.bench.SyntheticCapture "$f" "$mb"
      size=$(stat -c %s "$f")
      # the launcher's own choice for this size (full JIT at >= 1 GiB), with the heap capped and GC logged
      xmx="-XX:+UseSerialGC -Xmx256m -Xlog:gc:file=$tmp/gc"
      args=(rdp-probe "RDP_PROBE_JAVA_OPTS='$xmx-ours-%p.log' ./rdp-probe analyze --summary $f")
      [ -z "${BASELINE:-}" ] || args+=(baseline "RDP_PROBE_JAVA_OPTS='$xmx-base-%p.log' $BASELINE/rdp-probe analyze --summary $f")
      rm -f "$tmp"/gc-*.log
      pair "analyze --summary -Xmx256m vs tshark -Y rdp, $(basename "$f") ($((size / 1048576)) MB; targets: <= 0.1x, >= 500 MB/s, peak heap <= 128 MB)" \
        "${args[@]}" tshark "tshark -r $f -Y rdp"
      w=$(median "$tmp/rdp-probe" 1); c=$(median "$tmp/rdp-probe" 2)
      awk -v s="$size" -v w="$w" -v c="$c" 'BEGIN{printf "  rdp-probe: %.0f MB/s wall, %.0f MB/s per CPU second\n", s / 1048576 / (w / 1000), s / 1048576 / (c / 1000)}'
      # per run, from "Pause Young|Full (...) B M->A M(T M)": the largest heap in use before a collection (B, what
      # -Xmx must hold), the largest after a young one (A: live data plus old-generation garbage not yet collected)
      # and the largest after a full one (the live data itself; "-" when the run needed no full collection)
      for who in ours base; do
        for log in "$tmp"/gc-$who-*.log; do
          [ -f "$log" ] || continue
          sed -n 's/.*Pause \([A-Za-z]*\).* \([0-9]*\)M->\([0-9]*\)M(\([0-9]*\)M).*/\1 \2 \3/p' "$log" | awk '
            {if ($2 > b) b = $2; if ($1 == "Full") {if ($3 > f) f = $3} else if ($3 < $2 && $3 > y) y = $3}
            END{print b + 0, y + 0, (f ? f : "-")}'
        done >"$tmp/heap-$who"
        [ -s "$tmp/heap-$who" ] && echo "  $who: heap (median of runs) $(median "$tmp/heap-$who" 1) MB at most in use," \
          "$(median "$tmp/heap-$who" 2) MB at most after a young GC, $(median "$tmp/heap-$who" 3) MB at most after a full GC (live)"
      done
      ;;
    cores)
      dir=${CAPTURES:-benchmarks/target/captures}
      for mb in ${ANALYZE_MB:-211}; do
        f="$dir/synthetic-${mb}mb.pcap"
        [ -s "$f" ] || { echo "cores: $f is missing (run the analyze group first)" >&2; continue; }
        pair "analyze --summary of $(basename "$f"): one core vs two (taskset), one thread vs --threads 2" \
          one-core "taskset -c 0 ./rdp-probe analyze --summary $f" \
          two-cores "taskset -c 0,1 ./rdp-probe analyze --summary $f" \
          two-threads "taskset -c 0,1 ./rdp-probe analyze --threads 2 --summary $f"
        # the same lines, in the same order, with two threads as with one
        cmp -s "$tmp/one-core.out" "$tmp/two-threads.out" || echo "cores: --threads 2 printed something else than one thread" >&2
      done
      ;;
    *) echo "compare.sh: unknown group $g (startup, probe, analyze, heap, cores)" >&2; exit 2 ;;
  esac
done
