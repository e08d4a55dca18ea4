#!/usr/bin/env bash
# Measure `xfreerdp +auth-only` exit codes and wall times against the lab servers; prints a markdown table.
#   testdata/lab/measure-authonly.sh [RUNS]     (default 3 runs per case)
# The /p: values are the throwaway lab account (lab.sh) or deliberately wrong: lab use only.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LABSH=$HERE/lab.sh
RUNS=${1:-3}
eval "$("$LABSH" env)"
trap '"$LABSH" stop all >/dev/null 2>&1 || true' EXIT
"$LABSH" start-clientx >/dev/null
eval "$("$LABSH" env)"
OUT=$LAB/out; mkdir -p "$OUT" "$LAB/client-home"

run_case() {  # run_case LABEL PORT ARGS...
  local label=$1 port=$2; shift 2
  local rcs=() times=() i t0 t1 rc last=""
  for i in $(seq 1 "$RUNS"); do
    t0=$(date +%s.%N)
    set +e
    HOME=$LAB/client-home DISPLAY=$CLIENT_DISPLAY timeout -k 2 30 xfreerdp /v:localhost:"$port" /cert:ignore "$@" +auth-only \
      < /dev/null > "$OUT/authonly.out" 2>&1
    rc=$?
    set -e
    t1=$(date +%s.%N)
    rcs+=("$rc"); times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')")
    last=$(grep -Eo 'Authentication only, exit status [0-9]+|ERRCONNECT_[A-Z_]+|ERRINFO_[A-Z_]+' "$OUT/authonly.out" | sort -u | paste -sd' ' -)
  done
  printf '| %s | %s | %s s | %s |\n' "$label" "$(printf '%s\n' "${rcs[@]}" | sort -u | paste -sd/ -)" \
    "$(printf '%s\n' "${times[@]}" | sort -n | sed -n '1p;$p' | paste -sd- - | sed 's/-/–/')" "$last"
}

echo "| case | rc | wall (min–max of $RUNS) | xfreerdp says |"
echo "|---|---|---|---|"
"$LABSH" start-shadow nla >/dev/null
run_case "shadow nla, rdptest, right password" "$SHADOW_PORT" /u:rdptest '/p:Passw0rd!'
run_case 'shadow nla, LAB\rdptest, right password' "$SHADOW_PORT" /u:rdptest /d:LAB '/p:Passw0rd!'
run_case "shadow nla, rdptest, wrong password" "$SHADOW_PORT" /u:rdptest /p:WrongPass
run_case "shadow nla, unknown user" "$SHADOW_PORT" /u:nosuchuser /p:WrongPass
"$LABSH" start-shadow tls >/dev/null
run_case "shadow tls, wrong password (no NLA)" "$SHADOW_PORT" /u:rdptest /p:WrongPass
"$LABSH" start-xrdp tls >/dev/null
run_case "xrdp tls, wrong password (no NLA)" "$XRDP_PORT" /u:rdptest /p:WrongPass
"$LABSH" start-xrdp rdp >/dev/null
run_case "xrdp rdp, wrong password (no NLA)" "$XRDP_PORT" /u:rdptest /p:WrongPass
