#!/usr/bin/env bash
# Re-measure the X.224 negotiation matrix of every lab server mode and (re)write the hex fixtures
# under testdata/fixtures/x224/. Needs root (xrdp), the lab packages (lab.sh install).
#   testdata/lab/record-x224.sh            measure + write fixtures + print the tables
#   testdata/lab/record-x224.sh --check    measure only, print the tables (no files written)
# Writes $LAB/out/probe-<server>-<mode>.txt (raw 'lab.sh probe' output) in any case.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LABSH=$HERE/lab.sh
eval "$("$LABSH" env)"
FIX=$REPO/testdata/fixtures/x224
OUT=$LAB/out
WRITE=1; [ "${1:-}" = --check ] && WRITE=0
REQS=(none 0 1 2 3 8 11)
mkdir -p "$OUT" "$FIX"
today=$(date -u +%F)
ver() { dpkg-query -W -f='${Package} ${Version}' "$1"; }

trap '"$LABSH" stop xrdp >/dev/null 2>&1 || true; "$LABSH" stop shadow >/dev/null 2>&1 || true' EXIT

describe() {  # describe KIND -> human text
  case "$1" in
    bare-CC) echo "bare Connection Confirm, no RDP_NEG data (legacy Standard RDP Security)" ;;
    RSP:0/*) echo "RDP_NEG_RSP selectedProtocol=PROTOCOL_RDP(0) ${1#*/}" ;;
    RSP:1/*) echo "RDP_NEG_RSP selectedProtocol=PROTOCOL_SSL(1) ${1#*/}" ;;
    RSP:2/*) echo "RDP_NEG_RSP selectedProtocol=PROTOCOL_HYBRID(2) ${1#*/}" ;;
    FAIL:1/*) echo "RDP_NEG_FAILURE failureCode=SSL_REQUIRED_BY_SERVER(1)" ;;
    FAIL:2/*) echo "RDP_NEG_FAILURE failureCode=SSL_NOT_ALLOWED_BY_SERVER(2)" ;;
    FAIL:5/*) echo "RDP_NEG_FAILURE failureCode=HYBRID_REQUIRED_BY_SERVER(5)" ;;
    *) echo "$1" ;;
  esac
}

short() {  # table cell
  case "$1" in
    bare-CC) echo "bare CC" ;; RSP:0/*) echo RDP ;; RSP:1/*) echo SSL ;; RSP:2/*) echo HYBRID ;;
    RSP:8/*) echo HYBRID_EX ;; FAIL:*) local c=${1#FAIL:}; echo "FAIL ${c%%/*}" ;; *) echo "$1" ;;
  esac
}

# CR fixtures (our probe's CRs; identical for every server)
if [ "$WRITE" = 1 ]; then
  "$LABSH" start-xrdp rdp >/dev/null 2>&1 || "$LABSH" start-xrdp rdp
  "$LABSH" probe "$XRDP_PORT" "${REQS[@]}" > "$OUT/probe-cr.txt"
  "$LABSH" stop xrdp >/dev/null 2>&1
  while read -r line; do
    r=$(sed -E 's/^req=([^ ]+).*/\1/' <<<"$line"); cr=$(sed -E 's/.* cr=([0-9a-f]+).*/\1/' <<<"$line")
    if [ "$r" = none ]; then what="no RDP_NEG_REQ"; else what="RDP_NEG_REQ requestedProtocols=$r, flags 0"; fi
    {
      echo "# lab.sh probe X.224 Connection Request (cookie 'Cookie: mstshash=labprobe', $what), sent by testdata/lab/lab.sh probe, $today"
      echo "# TPKT + X.224 CR (dst-ref 0, src-ref 0, class 0) + routing cookie"
      echo "$cr"
    } > "$FIX/labprobe-cr-req$r.hex"
  done < "$OUT/probe-cr.txt"
fi

table() {  # table SERVER MODES...
  local server=$1; shift
  printf '| %s mode | none | 0 | 1 | 2 | 3 | 8 | 11 |\n|---|---|---|---|---|---|---|---|\n' "$server"
  local mode
  for mode in "$@"; do
    local f=$OUT/probe-$server-$mode.txt row="| $mode |"
    while read -r line; do
      local kind then; kind=$(sed -E 's/.* kind=([^ ]+).*/\1/' <<<"$line"); then=$(sed -E 's/.* then=([^ ]+).*/\1/' <<<"$line")
      local cell; cell=$(short "$kind")
      [ "$then" = EOF ] && cell="$cell, close"
      [[ "$then" =~ ^[0-9a-f]+$ ]] && cell="$cell + DPUm"
      row="$row $cell |"
    done < "$f"
    echo "$row"
  done
}

measure() {  # measure SERVER MODE PORT
  local server=$1 mode=$2 port=$3 pkg
  "$LABSH" "start-$server" "$mode" >/dev/null 2>&1 || "$LABSH" "start-$server" "$mode"
  "$LABSH" probe "$port" "${REQS[@]}" > "$OUT/probe-$server-$mode.txt"
  "$LABSH" stop "$server" >/dev/null 2>&1
  [ "$WRITE" = 1 ] || return 0
  case "$server" in xrdp) pkg=xrdp ;; shadow) pkg=freerdp2-shadow-x11 ;; esac
  declare -A seen=()
  local line r kind cc then
  while read -r line; do
    r=$(sed -E 's/^req=([^ ]+).*/\1/' <<<"$line")
    kind=$(sed -E 's/.* kind=([^ ]+).*/\1/' <<<"$line")
    cc=$(sed -E 's/.* cc=([^ ]+).*/\1/' <<<"$line")
    then=$(sed -E 's/.* then=([^ ]+).*/\1/' <<<"$line")
    [ -n "${seen[$cc]:-}" ] && continue
    seen[$cc]=$r
    local same; same=$(awk -v cc="cc=$cc" '$0 ~ cc { sub(/^req=/, "", $1); printf "%s%s", sep, $1; sep="," }' "$OUT/probe-$server-$mode.txt")
    local prov="# recorded from $(ver "$pkg") $mode mode on 127.0.0.1:$port, $today, testdata/lab/record-x224.sh (lab.sh probe $port $r)"
    {
      echo "$prov"
      echo "# X.224 Connection Confirm: $(describe "$kind"); identical reply for requests [$same]; the CR is labprobe-cr-req$r.hex"
      case "$then" in
        EOF) echo "# then the server closed the connection (FIN)" ;;
        open) echo "# then the server kept the connection open (waited >= 0.7 s for the next client PDU)" ;;
        *) echo "# then the server sent $then (see $server-$mode-req$r-next.hex)" ;;
      esac
      echo "$cc"
    } > "$FIX/$server-$mode-req$r.hex"
    if [[ "$then" =~ ^[0-9a-f]+$ ]]; then
      {
        echo "$prov"
        echo "# sent right after $server-$mode-req$r.hex: TPKT + X.224 Data TPDU + MCS Disconnect-Provider-Ultimatum (reason rn-user-requested)"
        echo "$then"
      } > "$FIX/$server-$mode-req$r-next.hex"
    fi
  done < "$OUT/probe-$server-$mode.txt"
}

for m in rdp tls tls-expired tls-wronghost negotiate; do measure xrdp "$m" "$XRDP_PORT"; done
for m in nla tls rdp all default; do measure shadow "$m" "$SHADOW_PORT"; done
# The certificate variants negotiate exactly like tls: keep only the tls fixtures.
rm -f "$FIX"/xrdp-tls-expired-* "$FIX"/xrdp-tls-wronghost-*
echo "## xrdp ($(ver xrdp)), $today"
table xrdp rdp tls tls-expired tls-wronghost negotiate
echo
echo "## FreeRDP shadow server ($(ver freerdp2-shadow-x11)), $today"
table shadow nla tls rdp all default
