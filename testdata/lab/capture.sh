#!/usr/bin/env bash
# Record the project's reference captures (testdata/captures/) from the lab servers.
#   testdata/lab/capture.sh [NAME...]     default: all captures below
# Needs root (tcpdump on lo, xrdp) and the lab packages (testdata/lab/lab.sh install).
#
# Each capture: tcpdump -i lo --immediate-mode on the server port -> raw pcap; afterwards only the TCP
# streams that were opened TO the server port are kept (33891/33892 are inside Linux's ephemeral port
# range, so the filter can catch unrelated local connections). TLS captures get a NSS key log (.keys)
# written by the LD_PRELOAD shim (lab.sh keylog-shim): xfreerdp 2.11 ignores SSLKEYLOGFILE.
#
# The xfreerdp command lines carry the throwaway lab account's password (/p:) -- acceptable ONLY for
# this lab test user on loopback; the product itself never takes passwords on argv.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LABSH=$HERE/lab.sh
eval "$("$LABSH" env)"
CAP=${CAPTURE_DIR:-$REPO/testdata/captures}      # CAPTURE_DIR/FIXTURE_DIR: write elsewhere (dry validation)
FIXDIR=${FIXTURE_DIR:-$REPO/testdata/fixtures/x224}
WORK=$LAB/captures
mkdir -p "$CAP" "$WORK"
LAB_PASS='Passw0rd!'   # the lab.sh SAM account (throwaway)
today=$(date -u +%F)
XF_VER=$(dpkg-query -W -f='${Version}' freerdp2-x11)
XRDP_VER=$(dpkg-query -W -f='${Version}' xrdp)
SHADOW_VER=$(dpkg-query -W -f='${Version}' freerdp2-shadow-x11)
TS_VER=$(dpkg-query -W -f='${Version}' tshark)
TCPDUMP_PID=""

ONE=""
if [ "${1:-}" = --one ]; then ONE=$2; shift 2; fi
if [ -z "$ONE" ]; then
  trap '"$LABSH" stop all >/dev/null 2>&1 || true' EXIT
  "$LABSH" start-clientx >/dev/null
  "$LABSH" keylog-shim >/dev/null
else
  trap '[ -n "$TCPDUMP_PID" ] && kill -INT "$TCPDUMP_PID" 2>/dev/null || true' EXIT
fi
eval "$("$LABSH" env)"
SHIM=$LAB/keylog/sslkeylog.so
mkdir -p "$LAB/client-home"

cap_start() {  # cap_start NAME PORT
  rm -f "$WORK/$1.raw.pcap"
  tcpdump -i lo -U --immediate-mode -B 65536 -s 0 -w "$WORK/$1.raw.pcap" "tcp port $2" > "$WORK/$1.tcpdump.log" 2>&1 &
  TCPDUMP_PID=$!
  local i
  for i in $(seq 1 50); do grep -qs 'listening on' "$WORK/$1.tcpdump.log" && return 0; sleep 0.1; done
  cat "$WORK/$1.tcpdump.log" >&2; return 1
}

cap_stop() {  # cap_stop NAME PORT -> $CAP/NAME.pcap (only streams opened to PORT)
  local name=$1 port=$2 ids
  sleep 0.5
  kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" 2>/dev/null || true; TCPDUMP_PID=""
  if ! grep -q '^0 packets dropped by kernel' "$WORK/$name.tcpdump.log"; then
    cat "$WORK/$name.tcpdump.log" >&2; echo "$name: tcpdump dropped packets" >&2; return 3
  fi
  ids=$(tshark -r "$WORK/$name.raw.pcap" -Y "tcp.flags.syn==1 && tcp.flags.ack==0 && tcp.dstport==$port" \
          -T fields -e tcp.stream 2>/dev/null | sort -un | paste -sd, -)
  [ -n "$ids" ] || { echo "no connection to port $port captured in $name" >&2; return 1; }
  tshark -r "$WORK/$name.raw.pcap" -Y "tcp.stream in {$ids}" -F pcap -w "$CAP/$name.pcap" 2>/dev/null
}

xf() {  # xf NAME KEYS ARGS... -> xfreerdp under the client Xvfb; sets XF_RC, XF_SECS; output $WORK/NAME.xf.out
  local name=$1 keys=$2; shift 2
  local t0 t1
  t0=$(date +%s.%N)
  set +e
  HOME=$LAB/client-home DISPLAY=$CLIENT_DISPLAY SSLKEYLOGFILE=${keys:-} LD_PRELOAD=${keys:+$SHIM} \
    timeout -k 2 "${XF_TIMEOUT:-10}" xfreerdp "$@" < /dev/null > "$WORK/$name.xf.out" 2>&1
  XF_RC=$?
  set -e
  t1=$(date +%s.%N)
  XF_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
}

capfile() {  # capfile NAME -> $CAP/NAME.pcapng if that exists, else $CAP/NAME.pcap
  if [ -f "$CAP/$1.pcapng" ]; then echo "$CAP/$1.pcapng"; else echo "$CAP/$1.pcap"; fi
}

tls_opts() {  # tls_opts SECRETS -> tshark options; SECRETS = FILE.keys | rsa:KEYFILE | dsb (secrets inside the pcapng)
  case "${1:-}" in
    "" | dsb) ;;
    rsa:*) printf '%s\n' -o "uat:rsa_keys:\"${1#rsa:}\",\"\"" ;;
    *) printf '%s\n' -o "tls.keylog_file:$1" ;;
  esac
}

summary() {  # summary NAME PORT [SECRETS] -> one line: frames, streams, what tshark decodes
  # pass 1: -d tcp.port==PORT,tpkt decodes X.224 (and everything, for Standard RDP Security);
  # pass 2 (TLS captures): -d tcp.port==PORT,tls -d tls.port==PORT,tpkt with the secrets (key log,
  # RSA key or the pcapng's own Decryption Secrets Block) decodes the TLS handshake and the RDP/CredSSP inside it.
  local f port=$2 secrets=${3:-} frames streams flags info opts=()
  f=$(capfile "$1")
  [ -n "$secrets" ] && mapfile -t opts < <(tls_opts "$secrets")
  frames=$(tshark -r "$f" 2>/dev/null | wc -l)
  streams=$(tshark -r "$f" -T fields -e tcp.stream 2>/dev/null | sort -u | wc -l)
  flags=$(tshark -r "$f" -Y 'tcp.flags.reset==1' 2>/dev/null | wc -l)
  {
    tshark -r "$f" -d "tcp.port==$port,tpkt" -T fields -e _ws.col.Protocol -e _ws.col.Info 2>/dev/null \
      | grep -Ev '^(TCP|TPKT)\s' 
    if [ -n "$secrets" ]; then
      tshark -r "$f" ${opts[@]+"${opts[@]}"} -d "tcp.port==$port,tls" -d "tls.port==$port,tpkt" \
        -T fields -e _ws.col.Protocol -e _ws.col.Info 2>/dev/null | grep -Ev '^(TCP|SSL|TPKT)\s'
    fi
  } > "$WORK/$1.summary"
  info=$(sed -E 's/\t/ /; s/ +/ /g; s/ $//' "$WORK/$1.summary" | cut -c1-90 | awk '!seen[$0]++' | head -n 40 | paste -sd';' - | sed 's/;/; /g')
  echo "$frames frames, $streams TCP stream, $flags RST; decoded: $info"
}

tls_fact() {  # tls_fact NAME PORT SECRETS FIELD... -> the distinct values tshark shows for FIELDs (decrypted)
  local f port=$2 secrets=$3 opts=() a=(); shift 3
  f=$(capfile "$1")
  mapfile -t opts < <(tls_opts "$secrets")
  local e; for e in "$@"; do a+=(-e "$e"); done
  tshark -r "$f" ${opts[@]+"${opts[@]}"} -d "tcp.port==$port,tls" -d "tls.port==$port,tpkt" -T fields -E separator=/ "${a[@]}" 2>/dev/null \
    | grep -v '^/*$' | sort -u | paste -sd' ' -
}

cut_streams() {  # cut_streams NAME PORT SECRETS FILTER [EXTRA]: per TCP stream, keep the frames up to the first
  # one matching FILTER (decrypted with SECRETS) plus EXTRA frames of that stream; streams with no match stay whole
  local n=$1 port=$2 secrets=$3 filter=$4 extra=${5:-0} f opts=() keep="" sid last
  f=$CAP/$n.pcap
  mapfile -t opts < <(tls_opts "$secrets")
  for sid in $(tshark -r "$f" -T fields -e tcp.stream 2>/dev/null | sort -un); do
    last=$(tshark -r "$f" ${opts[@]+"${opts[@]}"} -d "tcp.port==$port,tls" -d "tls.port==$port,tpkt" \
             -Y "tcp.stream==$sid && ($filter)" -T fields -e frame.number 2>/dev/null | head -n1)
    if [ -n "$last" ] && [ "$extra" -gt 0 ]; then
      last=$(tshark -r "$f" -Y "tcp.stream==$sid && frame.number > $last" -T fields -e frame.number 2>/dev/null \
               | head -n "$extra" | tail -n1 | grep . || echo "$last")
    fi
    keep+="${keep:+ || }(tcp.stream==$sid${last:+ && frame.number <= $last})"
  done
  tshark -r "$f" -Y "$keep" -F pcap -w "$WORK/$n.cut.pcap" 2>/dev/null
  mv "$WORK/$n.cut.pcap" "$f"
}

provenance() {  # provenance FILE WHAT COMMAND SUMMARY
  local file=$1 what=$2 cmd=$3 sum=$4 size
  size=$(stat -c %s "$CAP/$file")
  local p=$CAP/PROVENANCE.md
  if [ ! -f "$p" ]; then
    cat > "$p" <<'MD'
# Captures recorded by the project

Recorded on loopback from the project's own lab servers by `testdata/lab/capture.sh` (which uses
`testdata/lab/lab.sh`), with `tcpdump -i lo -U --immediate-mode -B 65536 -s 0 -w RAW "tcp port PORT"`
(0 packets dropped by the kernel, checked), then reduced with tshark to the TCP stream(s) opened TO the
server port (33891 = xrdp, 33892 = FreeRDP shadow server; both are inside Linux's ephemeral range).
TLS captures come with an NSS key log (`.keys`) written by the LD_PRELOAD shim from
`lab.sh keylog-shim` (xfreerdp 2.11 with OpenSSL 3.0 ignores SSLKEYLOGFILE). The key logs belong to
throwaway loopback sessions.

Decode:
- pre-TLS X.224 and Standard RDP Security: `tshark -r FILE -d tcp.port==PORT,tpkt`
- inside TLS: `tshark -r FILE -o tls.keylog_file:FILE.keys -d tcp.port==PORT,tls -d tls.port==PORT,tpkt`
  (with `-d tcp.port==PORT,tpkt` alone tshark decodes the X.224 negotiation but shows the TLS records
  as TPKT "Continuation").

The "tshark:" part of each line is the de-duplicated Protocol/Info column of both passes.

Issue 12's TLS variants (`xrdp-tls12-*`, `xrdp-tls10-*`) were recorded with XRDP_PORT=34161, so their
PORT is 34161. The TLS_RSA ones come with the recording lab's throwaway server key (`NAME.key`, from
`lab.sh certs`; each lab generates its own, so the key committed is the one of the certificate inside
that capture) instead of a key log: `tshark -r FILE -o 'uat:rsa_keys:"FILE.key",""' -d tcp.port==PORT,tls
-d tls.port==PORT,tpkt`. `probe-*.pcapng` are written by rdp-probe itself (`--capture`), with the TLS
secrets inside (pcapng Decryption Secrets Block), so `tshark -r FILE -d tcp.port==PORT,tls
-d tls.port==PORT,tpkt` decrypts them with no key file.
RC4 could not be recorded: Debian 12's libssl3 (3.0.19) has no RC4 cipher suites at all (OpenSSL is built
without enable-weak-ssl-ciphers), so `tls_ciphers=RC4-SHA:@SECLEVEL=0` makes xrdp log "Invalid TLS cipher
options ... no cipher match" and xfreerdp `/tls-ciphers:RC4-SHA:@SECLEVEL=0` fails in SSL_CTX_set_cipher_list;
loading the legacy provider (OPENSSL_CONF, `activate = 1`) gives EVP the RC4 cipher (`openssl enc -rc4`
works) but still no TLS suite (`openssl ciphers -v 'RC4-SHA:@SECLEVEL=0'`: no cipher match).

MD
  fi
  grep -v "^- \`$file\`" "$p" > "$p.tmp" || true; mv "$p.tmp" "$p"
  echo "- \`$file\` ($size bytes): $what. Command: \`$cmd\`. Versions: xrdp $XRDP_VER, FreeRDP (xfreerdp/shadow) $XF_VER/$SHADOW_VER, tshark $TS_VER, Debian 12; loopback; $today. tshark: $sum" >> "$p"
}

keys_file() { rm -f "$CAP/$1.keys" "$WORK/$1.keys.tmp"; echo "$WORK/$1.keys.tmp"; }
keys_done() {  # keys_done NAME -> moves the key log next to the pcap (must not be empty)
  [ -s "$WORK/$1.keys.tmp" ] || { echo "no TLS secrets logged for $1" >&2; return 1; }
  mv "$WORK/$1.keys.tmp" "$CAP/$1.keys"
}

# ---------------------------------------------------------------- the captures
cap_xrdp_tls_connect() {
  local n=xrdp-tls-xfreerdp-connect k; k=$(keys_file $n)
  "$LABSH" start-xrdp tls >/dev/null
  cap_start $n "$XRDP_PORT"
  XF_TIMEOUT=8 xf $n "$k" /v:localhost:"$XRDP_PORT" /cert:ignore /sec:tls /size:640x480 /bpp:16 -clipboard -sound
  cap_stop $n "$XRDP_PORT"; keys_done $n
  provenance $n.pcap "xfreerdp -> xrdp tls mode, full connect: X.224 (RDP_NEG_REQ SSL -> RSP SSL), TLS 1.3, MCS Connect-Initial/Response with GCC, erect domain, attach user, channel joins, Client Info, licensing (License Request, New License Request, Error Alert STATUS_VALID_CLIENT), Demand Active, Confirm Active, finalization, fast-path updates of the xrdp login screen; xfreerdp stopped by timeout after 8 s (rc $XF_RC): client FIN, xrdp answers a TLS fatal alert, client kernel RST; TLS secrets in $n.keys" \
    "timeout 8 xfreerdp /v:localhost:$XRDP_PORT /cert:ignore /sec:tls /size:640x480 /bpp:16 -clipboard -sound" \
    "$(summary $n "$XRDP_PORT" "$CAP/$n.keys")"
}

cap_shadow_nla_ok() {
  local n=shadow-nla-authonly-ok k; k=$(keys_file $n)
  "$LABSH" start-shadow nla >/dev/null
  cap_start $n "$SHADOW_PORT"
  xf $n "$k" /v:localhost:"$SHADOW_PORT" /cert:ignore /u:rdptest "/p:$LAB_PASS" +auth-only
  cap_stop $n "$SHADOW_PORT"; keys_done $n
  provenance $n.pcap "xfreerdp +auth-only -> FreeRDP shadow nla mode, right password: X.224 (RDP_NEG_REQ SSL|HYBRID -> RSP HYBRID), TLS 1.3, CredSSP (TSRequest v6) with NTLM NEGOTIATE / CHALLENGE / AUTHENTICATE, pubKeyAuth and TSCredentials succeed; FreeRDP 2.11 then still runs MCS/GCC, licensing and Demand Active before it closes (close_notify, FIN); xfreerdp rc $XF_RC in $XF_SECS s ('Authentication only, exit status 0'); TLS secrets in $n.keys" \
    "xfreerdp /v:localhost:$SHADOW_PORT /cert:ignore /u:rdptest /p:<lab password> +auth-only" \
    "$(summary $n "$SHADOW_PORT" "$CAP/$n.keys")"
}

cap_shadow_nla_wrong() {
  local n=shadow-nla-authonly-wrongpass k; k=$(keys_file $n)
  "$LABSH" start-shadow nla >/dev/null
  cap_start $n "$SHADOW_PORT"
  xf $n "$k" /v:localhost:"$SHADOW_PORT" /cert:ignore /u:rdptest /p:WrongPass +auth-only
  cap_stop $n "$SHADOW_PORT"; keys_done $n
  provenance $n.pcap "xfreerdp +auth-only -> FreeRDP shadow nla mode, wrong password: the NTLM AUTHENTICATE is rejected (server log: MIC verification failed, SEC_E_MESSAGE_ALTERED); the server only sends a TLS close_notify and FIN, no error code reaches the client; the client's own close_notify then draws a RST; xfreerdp rc $XF_RC in $XF_SECS s (ERRCONNECT_CONNECT_TRANSPORT_FAILED); TLS secrets in $n.keys" \
    "xfreerdp /v:localhost:$SHADOW_PORT /cert:ignore /u:rdptest /p:WrongPass +auth-only" \
    "$(summary $n "$SHADOW_PORT" "$CAP/$n.keys")"
}

cap_shadow_nla_tls_refused() {
  local n=shadow-nla-xfreerdp-tls-refused
  "$LABSH" start-shadow nla >/dev/null
  cap_start $n "$SHADOW_PORT"
  xf $n "" /v:localhost:"$SHADOW_PORT" /cert:ignore /sec:tls /u:rdptest /p:WrongPass
  cap_stop $n "$SHADOW_PORT"
  provenance $n.pcap "xfreerdp /sec:tls (RDP_NEG_REQ requestedProtocols SSL) -> FreeRDP shadow nla mode: RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER(5), the client closes; xfreerdp rc $XF_RC in $XF_SECS s (HYBRID_REQUIRED_BY_SERVER, ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED)" \
    "xfreerdp /v:localhost:$SHADOW_PORT /cert:ignore /sec:tls /u:rdptest /p:WrongPass" \
    "$(summary $n "$SHADOW_PORT")"
}

cap_xrdp_tls_nla_only() {
  local n=xrdp-tls-xfreerdp-nla-only
  "$LABSH" start-xrdp tls >/dev/null
  cap_start $n "$XRDP_PORT"
  xf $n "" /v:localhost:"$XRDP_PORT" /cert:ignore /sec:nla /u:rdptest /p:WrongPass
  cap_stop $n "$XRDP_PORT"
  provenance $n.pcap "xfreerdp /sec:nla -> xrdp tls mode, refused by the CLIENT: xfreerdp requests SSL|HYBRID (3), xrdp selects SSL (RDP_NEG_RSP), xfreerdp insists on NLA and closes (FIN) before any ClientHello; xrdp, already in TLS accept, answers a plaintext TLS fatal alert decode_error (15030300020232) and gets a RST; xfreerdp rc $XF_RC in $XF_SECS s (Protocol Security Negotiation Failure, ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED)" \
    "xfreerdp /v:localhost:$XRDP_PORT /cert:ignore /sec:nla /u:rdptest /p:WrongPass" \
    "$(summary $n "$XRDP_PORT")"
}

cap_xrdp_rdp_stdsec() {
  local n=xrdp-rdp-stdsec
  "$LABSH" start-xrdp rdp >/dev/null
  cap_start $n "$XRDP_PORT"
  XF_TIMEOUT=6 xf $n "" /v:localhost:"$XRDP_PORT" /sec:rdp /size:640x480 /bpp:16 -clipboard -sound
  cap_stop $n "$XRDP_PORT"
  provenance $n.pcap "xfreerdp /sec:rdp -> xrdp rdp mode, Standard RDP Security: legacy X.224 CR without RDP_NEG_REQ, bare CC, plaintext MCS Connect-Initial/Response with GCC blocks (server security data: 128-bit RC4, High, proprietary server certificate), erect domain, attach user, channel joins, Security Exchange, encrypted Client Info; xrdp 0.9.21 then logs 'MAC checksum error for non-FIPS PDU' and sends MCS Disconnect-Provider-Ultimatum: xfreerdp rc $XF_RC (ERRINFO_LOGOFF_BY_USER) in $XF_SECS s" \
    "timeout 6 xfreerdp /v:localhost:$XRDP_PORT /sec:rdp /size:640x480 /bpp:16 -clipboard -sound" \
    "$(summary $n "$XRDP_PORT")"
}

cap_client_rst() {
  local n=xrdp-tls-client-rst-after-cc
  "$LABSH" start-xrdp tls >/dev/null
  cap_start $n "$XRDP_PORT"
  python3 - "$XRDP_PORT" <<'PY'
# Client: X.224 CR (requestedProtocols SSL), read the CC, then abort with SO_LINGER {1, 0} -> RST.
import socket, struct, sys
port = int(sys.argv[1])
body = b"\xe0\x00\x00\x00\x00\x00Cookie: mstshash=labrst\r\n" + struct.pack("<BBHI", 1, 0, 8, 1)
cr = struct.pack(">BBH", 3, 0, 5 + len(body)) + bytes([len(body)]) + body
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(cr)
cc = s.recv(64)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
PY
  cap_stop $n "$XRDP_PORT"
  provenance $n.pcap "a stdlib python3 client sends an X.224 CR (requestedProtocols SSL) to xrdp tls mode, reads the CC (RDP_NEG_RSP SSL) and closes with SO_LINGER 0, so the CLIENT sends a RST before any TLS ClientHello (connection reset mid-handshake, client side)" \
    "python3 socket client embedded in testdata/lab/capture.sh (cap_client_rst)" \
    "$(summary $n "$XRDP_PORT")"
}

cap_server_rst() {
  local n=xrdp-tls-server-rst-unread
  "$LABSH" start-xrdp tls >/dev/null
  cap_start $n "$XRDP_PORT"
  python3 - "$XRDP_PORT" <<'PY'
# Client: X.224 CR requesting RDP only plus 64 junk bytes in the same write. xrdp tls mode answers
# RDP_NEG_FAILURE and closes without reading the junk -> the server's kernel sends a RST.
import socket, struct, sys, time
port = int(sys.argv[1])
body = b"\xe0\x00\x00\x00\x00\x00Cookie: mstshash=labrst\r\n" + struct.pack("<BBHI", 1, 0, 8, 0)
cr = struct.pack(">BBH", 3, 0, 5 + len(body)) + bytes([len(body)]) + body
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(cr + b"\x16" * 64)
try:
    while s.recv(4096):
        pass
except OSError as e:
    print("client saw", type(e).__name__, e)
time.sleep(0.3)
s.close()
PY
  cap_stop $n "$XRDP_PORT"
  provenance $n.pcap "a stdlib python3 client sends an X.224 CR (requestedProtocols RDP) followed by 64 junk bytes in one segment to xrdp tls mode; xrdp answers RDP_NEG_FAILURE SSL_REQUIRED_BY_SERVER + DPUm and closes with the junk unread, so the SERVER's kernel sends a RST" \
    "python3 socket client embedded in testdata/lab/capture.sh (cap_server_rst)" \
    "$(summary $n "$XRDP_PORT")"
}

cap_via_proxy() {  # cap_via_proxy socks5|http NAME FRAMES: xfreerdp -> proxy-relay.py -> xrdp tls; keep the first FRAMES frames
  local kind=$1 n=$2 frames=$3 port relay
  port=${PROXY_PORT:-$((XRDP_PORT + 2))}
  "$LABSH" start-xrdp tls >/dev/null
  python3 "$HERE/proxy-relay.py" "$kind" "$port" > "$WORK/$n.relay.log" 2>&1 &
  relay=$!
  "$LABSH" wait-port "$port" 10 >/dev/null
  cap_start $n "$port"
  XF_TIMEOUT=5 xf $n "" /v:127.0.0.1:"$XRDP_PORT" /proxy:"$kind"://127.0.0.1:"$port" /cert:ignore /sec:tls /size:640x480 /bpp:16 -clipboard -sound
  sleep 0.5
  kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" 2>/dev/null || true; TCPDUMP_PID=""
  kill "$relay"; wait "$relay" 2>/dev/null || true
  grep -q '^0 packets dropped by kernel' "$WORK/$n.tcpdump.log" || { cat "$WORK/$n.tcpdump.log" >&2; return 3; }
  tshark -r "$WORK/$n.raw.pcap" -Y "frame.number <= $frames" -F pcap -w "$CAP/$n.pcap" 2>/dev/null
}

cap_xrdp_via_socks5() {
  local n=xrdp-tls-xfreerdp-via-socks5
  cap_via_proxy socks5 $n 15
  provenance $n.pcap "xfreerdp through a SOCKS5 relay (testdata/lab/proxy-relay.py socks5) to xrdp tls mode: SOCKS5 greeting (no authentication), CONNECT to 127.0.0.1:$XRDP_PORT, reply succeeded, then X.224 CR/CC (SSL), the TLS 1.3 handshake and the first encrypted record; only the client-relay leg is captured; cut after frame 15" \
    "python3 testdata/lab/proxy-relay.py socks5 PORT & timeout 5 xfreerdp /v:127.0.0.1:$XRDP_PORT /proxy:socks5://127.0.0.1:PORT /cert:ignore /sec:tls" \
    "$(summary $n "${PROXY_PORT:-$((XRDP_PORT + 2))}")"
}

cap_xrdp_via_http() {
  local n=xrdp-tls-xfreerdp-via-http-connect
  cap_via_proxy http $n 13
  provenance $n.pcap "xfreerdp through an HTTP CONNECT relay (testdata/lab/proxy-relay.py http) to xrdp tls mode: CONNECT 127.0.0.1:$XRDP_PORT, 'HTTP/1.1 200 Connection established', then X.224 CR/CC (SSL), the TLS 1.3 handshake and the first encrypted record; only the client-relay leg is captured; cut after frame 13" \
    "python3 testdata/lab/proxy-relay.py http PORT & timeout 5 xfreerdp /v:127.0.0.1:$XRDP_PORT /proxy:http://127.0.0.1:PORT /cert:ignore /sec:tls" \
    "$(summary $n "${PROXY_PORT:-$((XRDP_PORT + 2))}")"
}

server_hello() {  # server_hello NAME PORT -> "TLS 1.2, TLS_..._SHA384 (0xc030), ServerHello extensions: a, b" per stream
  local f; f=$(capfile "$1")
  tshark -r "$f" -d "tcp.port==$2,tls" -Y 'tls.handshake.type==2' -V 2>/dev/null | awk '
    /^Frame [0-9]+:/ { if (cs != "") print out; out=""; cs=""; ver=""; ext="" }
    /Handshake Protocol: Server Hello/ { inhello=1 }
    inhello && /^ +Version: / && ver == "" { sub(/^ +Version: /, ""); sub(/ \(0x[0-9a-f]+\)$/, ""); ver=$0 }
    inhello && /Supported Version: / { sub(/^ +Supported Version: /, ""); sub(/ \(0x[0-9a-f]+\)$/, ""); ver=$0 }
    inhello && /^ +Cipher Suite: / { sub(/^ +Cipher Suite: /, ""); cs=$0 }
    inhello && /^ +Extension: / { sub(/^ +Extension: /, ""); sub(/ \(len=[0-9]+\)$/, ""); ext=ext (ext == "" ? "" : ", ") $0 }
    { out = ver ", " cs ", ServerHello extensions: " (ext == "" ? "none" : ext) }
    END { if (cs != "") print out }' | awk '!seen[$0]++' | paste -sd';' -
}

# ---- TLS variants against xrdp (issue 12): each is the full xfreerdp connect cut after the client's Confirm Active
cap_xrdp_tls_variant() {  # cap_xrdp_tls_variant NAME MODE SECRETS(keys|rsa) WHAT [XFREERDP EXTRA ARGS...]
  local n=$1 mode=$2 secrets=$3 what=$4 k="" sec; shift 4
  [ "$secrets" = keys ] && k=$(keys_file $n)
  rm -f "$CAP/$n.keys"
  "$LABSH" start-xrdp "$mode" >/dev/null
  cap_start $n "$XRDP_PORT"
  XF_TIMEOUT=6 xf $n "$k" /v:localhost:"$XRDP_PORT" /cert:ignore /sec:tls /size:640x480 /bpp:16 -clipboard -sound "$@"
  cap_stop $n "$XRDP_PORT"
  if [ "$secrets" = keys ]; then
    keys_done $n; sec=$CAP/$n.keys
  else  # TLS_RSA: the lab's (throwaway, regenerated by 'lab.sh certs --force') server key becomes the fixture
    install -m 644 "$LAB/certs/good.key" "$CAP/$n.key"; sec=rsa:$CAP/$n.key
  fi
  cut_streams $n "$XRDP_PORT" "$sec" "rdp.pduType.type == 3"
  local hello fa=""; hello=$(server_hello $n "$XRDP_PORT")
  [ -n "$hello" ] || { echo "$n: no ServerHello" >&2; return 1; }
  if [ "$secrets" = rsa ]; then
    # the fixture key must be the key of the certificate in the capture
    local certmod keymod
    certmod=$(tshark -r "$CAP/$n.pcap" -d "tcp.port==$XRDP_PORT,tls" -Y 'tls.handshake.type==11' -T fields -e tls.handshake.certificate 2>/dev/null \
      | head -n1 | cut -d, -f1 | xxd -r -p | openssl x509 -inform DER -noout -modulus)
    keymod=$(openssl rsa -in "$CAP/$n.key" -noout -modulus)
    [ "$certmod" = "$keymod" ] || { echo "$n: the fixture key does not match the captured certificate" >&2; return 1; }
    fa="; decrypted with the lab's RSA server key alone, no key log: $n.key is the throwaway key of the certificate in this capture (moduli compared), generated by 'lab.sh certs' in the recording lab"
  else
    fa="; TLS secrets in $n.keys"
  fi
  case "$hello" in
    *CBC*encrypt_then_mac*) hello+="; encrypt-then-MAC (RFC 7366) negotiated: yes" ;;
    *CBC*) hello+="; encrypt-then-MAC (RFC 7366) negotiated: no (MAC-then-encrypt records)" ;;
  esac
  XF_ARGS="$*"
  provenance $n.pcap "$what; server started by lab.sh start-xrdp $mode; negotiated: $hello; xfreerdp stopped by timeout after 6 s (rc $XF_RC); cut after the client's Confirm Active (tshark -Y 'rdp.pduType.type == 3')$fa" \
    "timeout 6 xfreerdp /v:localhost:$XRDP_PORT /cert:ignore /sec:tls /size:640x480 /bpp:16 -clipboard -sound${XF_ARGS:+ $XF_ARGS}"  \
    "$(summary $n "$XRDP_PORT" "$sec")"
}

cap_xrdp_tls12_ecdhe() {
  cap_xrdp_tls_variant xrdp-tls12-ecdhe-xfreerdp-connect tls12 keys \
    "xfreerdp -> xrdp tls12 mode (xrdp.ini ssl_protocols=TLSv1.2, default ciphers): X.224 (RDP_NEG_REQ SSL -> RSP SSL), TLS 1.2 with an ECDHE key exchange, MCS Connect-Initial/Response with GCC, erect domain, attach user, channel joins, Client Info, licensing, Demand Active, Confirm Active"
}

cap_xrdp_tls_rsa_gcm() {
  cap_xrdp_tls_variant xrdp-tls12-rsa-aes256gcm-xfreerdp-connect tls-rsa rsa \
    "xfreerdp -> xrdp tls-rsa mode (ssl_protocols=TLSv1.2, tls_ciphers=AES256-GCM-SHA384): X.224, TLS 1.2 with TLS_RSA key transport (the client encrypts the pre-master secret to the server's RSA key), MCS/GCC, channel joins, Client Info, licensing, Demand Active, Confirm Active"
}

cap_xrdp_tls_rsa_cbc() {
  cap_xrdp_tls_variant xrdp-tls12-rsa-aes128cbc-sha256-xfreerdp-connect tls-rsa-cbc rsa \
    "xfreerdp -> xrdp tls-rsa-cbc mode (ssl_protocols=TLSv1.2, tls_ciphers=AES128-SHA256): X.224, TLS 1.2 with TLS_RSA key transport and AES-128-CBC + HMAC-SHA256 records, MCS/GCC, channel joins, Client Info, licensing, Demand Active, Confirm Active"
}

cap_xrdp_tls_rsa_cbc_mte() {
  cap_xrdp_tls_variant xrdp-tls12-rsa-aes128cbc-sha256-mte-xfreerdp-connect tls-rsa-cbc-mte rsa \
    "xfreerdp -> xrdp tls-rsa-cbc-mte mode (ssl_protocols=TLSv1.2, tls_ciphers=AES128-SHA256, and OPENSSL_CONF with 'Options = -EncryptThenMac' for xrdp, so the server does not answer the client's encrypt_then_mac extension): X.224, TLS 1.2 with TLS_RSA key transport and AES-128-CBC + HMAC-SHA256 records, MAC-then-encrypt, MCS/GCC, channel joins, Client Info, licensing, Demand Active, Confirm Active"
}

cap_xrdp_tls12_missing_secret() {  # two xfreerdp connections in one capture, the key log holds only the first one's secret
  local n=xrdp-tls12-two-connections-one-secret k k2; k=$(keys_file $n); k2=$WORK/$n.second.keys
  rm -f "$k2"
  "$LABSH" start-xrdp tls12 >/dev/null
  cap_start $n "$XRDP_PORT"
  XF_TIMEOUT=4 xf $n "$k" /v:localhost:"$XRDP_PORT" /cert:ignore /sec:tls /size:640x480 /bpp:16 -clipboard -sound
  local rc1=$XF_RC
  XF_TIMEOUT=4 xf $n.second "$k2" /v:localhost:"$XRDP_PORT" /cert:ignore /sec:tls /size:640x480 /bpp:16 -clipboard -sound
  cap_stop $n "$XRDP_PORT"; keys_done $n
  [ "$(grep -c '^CLIENT_RANDOM ' "$CAP/$n.keys")" = 1 ] && [ "$(grep -c '^CLIENT_RANDOM ' "$k2")" = 1 ] \
    || { echo "$n: expected one CLIENT_RANDOM line per connection" >&2; return 1; }
  # cut both streams after their Confirm Active (with both secrets), then keep only the first secret
  cat "$CAP/$n.keys" "$k2" > "$WORK/$n.both.keys"
  cut_streams $n "$XRDP_PORT" "$WORK/$n.both.keys" "rdp.pduType.type == 3"
  local streams missing
  streams=$(tshark -r "$CAP/$n.pcap" -T fields -e tcp.stream 2>/dev/null | sort -u | wc -l)
  [ "$streams" = 2 ] || { echo "$n: expected 2 TCP streams, got $streams" >&2; return 1; }
  missing=$(cut -d' ' -f2 "$k2")
  local per="" sid c a
  for sid in 0 1; do
    c=$(tshark -r "$CAP/$n.pcap" -o "tls.keylog_file:$CAP/$n.keys" -d "tcp.port==$XRDP_PORT,tls" -d "tls.port==$XRDP_PORT,tpkt" -Y "tcp.stream==$sid && tpkt" 2>/dev/null | wc -l)
    a=$(tshark -r "$CAP/$n.pcap" -Y "tcp.stream==$sid && tls.record.content_type==23" 2>/dev/null | wc -l)
    per+="${per:+, }stream $sid: $c of its $a application-data frames decrypt to TPKT"
  done
  provenance $n.pcap "two xfreerdp connections one after the other to xrdp tls12 mode (TLS 1.2, ECDHE), each the full connect cut after its client's Confirm Active; $n.keys holds only the FIRST connection's CLIENT_RANDOM line (the second connection's secret was logged to a work file and left out), so TCP stream 0 decrypts and stream 1 does not (its missing client random: $missing); with $n.keys tshark shows $per; negotiated: $(server_hello $n "$XRDP_PORT"); xfreerdp stopped by timeout after 4 s each (rc $rc1, $XF_RC)" \
    "timeout 4 xfreerdp /v:localhost:$XRDP_PORT /cert:ignore /sec:tls /size:640x480 /bpp:16 -clipboard -sound (twice; key log shim only kept for the first)" \
    "$(summary $n "$XRDP_PORT" "$CAP/$n.keys")"
}

cap_xrdp_tls10_cbc() {
  cap_xrdp_tls_variant xrdp-tls10-aes-cbc-sha-xfreerdp-connect tls10 keys \
    "xfreerdp /tls-seclevel:0 -> xrdp tls10 mode (ssl_protocols=TLSv1, tls_ciphers=AES128-SHA:AES256-SHA:ECDHE-RSA-AES128-SHA:@SECLEVEL=0; xrdp's list carries @SECLEVEL=0 too; without /tls-seclevel:0 xfreerdp's OpenSSL 3.0 (default security level 1) aborts the handshake with an internal_error alert, ERRCONNECT_TLS_CONNECT_FAILED): X.224, TLS 1.0 with AES-CBC + HMAC-SHA1 records, MCS/GCC, channel joins, Client Info, licensing, Demand Active, Confirm Active" \
    /tls-seclevel:0
}

# ---- the probe's own pcapng (--capture FILE.pcapng), TLS secrets embedded (Decryption Secrets Block); no tcpdump
PROBE=$REPO/rdp-probe
probe_cap() {  # probe_cap NAME PORT ARGS... -> $CAP/NAME.pcapng; sets PROBE_RC, PROBE_VERDICT
  local n=$1 port=$2; shift 2
  rm -f "$CAP/$n.pcapng"
  set +e
  "$PROBE" probe "127.0.0.1:$port" --capture "$CAP/$n.pcapng" --timeout 10s "$@" > "$WORK/$n.probe.out" 2>&1
  PROBE_RC=$?
  set -e
  PROBE_VERDICT=$(grep -m1 '^Verdict:' "$WORK/$n.probe.out" || echo "no verdict line")
  chmod 644 "$CAP/$n.pcapng"   # created 0600 by the probe; this one is a committed fixture of a throwaway lab session
  PROBE_VER=$("$PROBE" --version 2>/dev/null | head -n1)
}

probe_provenance() {  # probe_provenance NAME PORT WHAT COMMAND
  local n=$1 port=$2 what=$3 cmd=$4
  provenance "$n.pcapng" "$what; $PROBE_VER exit code $PROBE_RC, '$PROBE_VERDICT'; written by the probe itself (packets synthesised from its socket events, see the file's comment), the TLS secrets in the file's own Decryption Secrets Block(s) (tshark decodes it with no key file: the summary's second pass has no -o tls.keylog_file)" \
    "$cmd" "$(summary $n "$port" dsb)"
}

cap_probe_xrdp_tls() {
  local n=probe-xrdp-tls
  "$LABSH" start-xrdp tls >/dev/null
  probe_cap $n "$XRDP_PORT"
  probe_provenance $n "$XRDP_PORT" "rdp-probe -> xrdp tls mode (TLS 1.3), no credentials: X.224 (RDP_NEG_REQ, xrdp selects SSL), TLS, then the session inside TLS as far as the probe goes" \
    "rdp-probe probe 127.0.0.1:$XRDP_PORT --capture $n.pcapng --timeout 10s"
}

cap_probe_xrdp_tls12() {
  local n=probe-xrdp-tls12
  "$LABSH" start-xrdp tls12 >/dev/null
  probe_cap $n "$XRDP_PORT"
  probe_provenance $n "$XRDP_PORT" "rdp-probe -> xrdp tls12 mode (ssl_protocols=TLSv1.2: TLS 1.2, ECDHE; the secret is a CLIENT_RANDOM line), no credentials: X.224, TLS 1.2, then the session inside TLS as far as the probe goes" \
    "rdp-probe probe 127.0.0.1:$XRDP_PORT --capture $n.pcapng --timeout 10s"
}

cap_probe_shadow_nla_ok() {
  local n=probe-shadow-nla-ok
  "$LABSH" start-shadow nla >/dev/null
  LAB_PW=$LAB_PASS probe_cap $n "$SHADOW_PORT" -u rdptest --password-env LAB_PW
  probe_provenance $n "$SHADOW_PORT" "rdp-probe -> FreeRDP shadow nla mode, right password (from the environment): X.224 (HYBRID), TLS 1.3, CredSSP with NTLM NEGOTIATE / CHALLENGE / AUTHENTICATE, pubKeyAuth" \
    "LAB_PW=<lab password> rdp-probe probe 127.0.0.1:$SHADOW_PORT -u rdptest --password-env LAB_PW --capture $n.pcapng --timeout 10s"
}

cap_probe_shadow_nla_wrong() {
  local n=probe-shadow-nla-wrongpass
  "$LABSH" start-shadow nla >/dev/null
  LAB_PW=WrongPass probe_cap $n "$SHADOW_PORT" -u rdptest --password-env LAB_PW
  probe_provenance $n "$SHADOW_PORT" "rdp-probe -> FreeRDP shadow nla mode, wrong password (from the environment): X.224 (HYBRID), TLS 1.3, CredSSP with NTLM NEGOTIATE / CHALLENGE / AUTHENTICATE, which the server rejects" \
    "LAB_PW=WrongPass rdp-probe probe 127.0.0.1:$SHADOW_PORT -u rdptest --password-env LAB_PW --capture $n.pcapng --timeout 10s"
}

ALL=(xrdp_tls_connect shadow_nla_ok shadow_nla_wrong shadow_nla_tls_refused xrdp_tls_nla_only xrdp_rdp_stdsec client_rst server_rst
     xrdp_via_socks5 xrdp_via_http
     xrdp_tls12_ecdhe xrdp_tls_rsa_gcm xrdp_tls_rsa_cbc xrdp_tls_rsa_cbc_mte xrdp_tls10_cbc xrdp_tls12_missing_secret
     probe_xrdp_tls probe_xrdp_tls12 probe_shadow_nla_ok probe_shadow_nla_wrong)
cr_fixture() {  # cr_fixture CAPTURE PORT FIXTURE DESCRIPTION: first client payload of the capture
  local f=$CAP/$1.pcap hex
  hex=$(tshark -r "$f" -Y "tcp.dstport==$2 && tcp.len>0" -T fields -e tcp.payload 2>/dev/null | head -n1)
  [ -n "$hex" ] || { echo "no client payload in $1" >&2; return 1; }
  mkdir -p "$FIXDIR"
  {
    echo "# recorded from xfreerdp (freerdp2-x11 $XF_VER) on loopback, $today: first client PDU of testdata/captures/$1.pcap (testdata/lab/capture.sh)"
    echo "# $4"
    echo "$hex"
  } > "$FIXDIR/$3.hex"
}

if [ -n "$ONE" ]; then "cap_$ONE"; exit 0; fi
[ $# -gt 0 ] && ALL=("$@")
for c in "${ALL[@]}"; do
  for attempt in 1 2 3; do
    echo "== capture $c (attempt $attempt)" >&2
    rc=0; bash "$0" --one "$c" || rc=$?
    [ "$rc" = 0 ] && break
    [ "$attempt" = 3 ] && { echo "capture $c failed (rc=$rc)" >&2; exit 1; }
  done
  tail -n1 "$CAP/PROVENANCE.md" >&2
done
# real client X.224 Connection Requests (with routing cookie) as codec fixtures, from the captures recorded in THIS run
ran() { local c; for c in "${ALL[@]}"; do [ "$c" = "$1" ] && return 0; done; return 1; }
ran xrdp_tls_connect && cr_fixture xrdp-tls-xfreerdp-connect "$XRDP_PORT" xfreerdp-cr-sec-tls \
  "X.224 CR of 'xfreerdp /sec:tls' (no /u: cookie 'Cookie: mstshash=root'), RDP_NEG_REQ flags 0, requestedProtocols PROTOCOL_SSL(1)"
ran shadow_nla_ok && cr_fixture shadow-nla-authonly-ok "$SHADOW_PORT" xfreerdp-cr-nla \
  "X.224 CR of 'xfreerdp /u:rdptest +auth-only' (cookie 'Cookie: mstshash=rdptest'), RDP_NEG_REQ flags 0, requestedProtocols PROTOCOL_SSL|PROTOCOL_HYBRID(3)"
ran xrdp_rdp_stdsec && cr_fixture xrdp-rdp-stdsec "$XRDP_PORT" xfreerdp-cr-sec-rdp-legacy \
  "X.224 CR of 'xfreerdp /sec:rdp' (cookie 'Cookie: mstshash=root'), NO RDP_NEG_REQ (legacy); xrdp rdp mode answers the bare CC 0300000b06d00000123400"
ls -l "$CAP" >&2
