#!/usr/bin/env bash
# rdp-probe real-server lab: xrdp and the FreeRDP shadow server on loopback (Debian 12 "bookworm").
#
#   lab.sh install                   apt-get install whatever is missing (root, no stdin needed)
#   lab.sh certs [--force]           good / expired / wronghost certificates in $LAB/certs
#   lab.sh start-xrdp MODE           MODE = rdp | tls | tls-expired | tls-wronghost | negotiate
#                                    | tls12 (TLS 1.2 only, ECDHE) | tls-rsa (TLS 1.2, TLS_RSA AES256-GCM-SHA384)
#                                    | tls-rsa-cbc (TLS 1.2, TLS_RSA AES128-SHA256; encrypt-then-MAC)
#                                    | tls-rsa-cbc-mte (the same with OpenSSL's EncryptThenMac option off:
#                                    MAC-then-encrypt records) | tls10 (TLS 1.0, AES-CBC-SHA, @SECLEVEL=0)
#                                    (no RC4 mode: Debian 12's libssl3 has no RC4 suites, see captures/PROVENANCE.md)
#                                    -> xrdp on 127.0.0.1:$XRDP_PORT (default 33891)
#   lab.sh start-shadow MODE         MODE = nla | tls | rdp | all | default
#                                    -> freerdp-shadow-cli under its own Xvfb on 127.0.0.1:$SHADOW_PORT (33892)
#   lab.sh start-clientx             Xvfb for xfreerdp (needs $DISPLAY even for /help); prints DISPLAY=
#   lab.sh keylog-shim               build $LAB/keylog/sslkeylog.so (LD_PRELOAD; xfreerdp ignores SSLKEYLOGFILE)
#   lab.sh stop [xrdp|shadow|clientx|all]   stop what THIS lab started: PID files + process groups only
#   lab.sh status                    what runs, in which mode, who listens on the lab ports
#   lab.sh wait-port PORT [SECONDS]  wait until 127.0.0.1:PORT listens (default 15 s)
#   lab.sh probe PORT [REQ...]       send X.224 CRs (REQ = none | requestedProtocols) and print the raw CC hex
#   lab.sh env                       print shell assignments (LAB, ports, CLIENT_DISPLAY) for eval
#   lab.sh kdc-init [--force]        MIT Kerberos realm LAB.TEST in $LAB/kdc (database, principals, keytab)
#   lab.sh start-kdc [OFFSET]        krb5kdc -n on 127.0.0.1:$KDC_PORT (TCP+UDP, default 33888); OFFSET (e.g. +6m,
#                                    -2m) runs it under libfaketime, for clock skew. One KDC per port ("kdc-PORT").
#   lab.sh kdc-env                   print KRB5_CONFIG=... for kinit/kvno against the lab realm (eval)
#   lab.sh stop kdc                  stop the KDC on $KDC_PORT ("stop all" stops every lab KDC)
#
# Kerberos realm LAB.TEST (lab only, throwaway; every user +requires_preauth as in AD): rdptest / Passw0rd! (ok), rdplocked (-allow_tix:
# KDC_ERR_CLIENT_REVOKED), rdpexpired (password expired: KDC_ERR_KEY_EXPIRED), TERMSRV/localhost (keytab
# $LAB/kdc/termsrv.keytab); no principal for TERMSRV/127.0.0.1. The host's /etc/krb5.conf is never used:
# KRB5_CONFIG and KRB5_KDC_PROFILE point into $LAB/kdc.
#
# Environment: LAB (work dir, default <repo>/lab-run, git-ignored), XRDP_PORT, SHADOW_PORT.
# Throwaway test account of the shadow server's SAM file (lab only, never a real credential):
#   user "rdptest", domain "" or "LAB", password "Passw0rd!".
# Everything binds to 127.0.0.1 only. Ports 33891/33892 lie in Linux's ephemeral range (32768-60999),
# so a capture filter on them can also catch unrelated local connections.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB=${LAB:-$REPO/lab-run}
XRDP_PORT=${XRDP_PORT:-33891}
SHADOW_PORT=${SHADOW_PORT:-33892}
KDC_PORT=${KDC_PORT:-33888}
KRB_REALM=LAB.TEST
TEST_USER=rdptest
TEST_PASS='Passw0rd!'   # throwaway lab account, see header
RUN=$LAB/run LOGS=$LAB/logs CERTS=$LAB/certs

valid_port() { [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le 65535 ] || { printf '[lab] ERROR: %s=%s is not a TCP port\n' "$1" "$2" >&2; exit 2; }; }
valid_port XRDP_PORT "$XRDP_PORT"; valid_port SHADOW_PORT "$SHADOW_PORT"; valid_port KDC_PORT "$KDC_PORT"
log() { printf '[lab] %s\n' "$*" >&2; }
die() { printf '[lab] ERROR: %s\n' "$*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "$1 needs root"; }
mkdirs() { mkdir -p "$RUN" "$LOGS" "$CERTS" "$LAB/xrdp" "$LAB/shadow" "$LAB/home"; }

# ---------------------------------------------------------------- install
# package -> a file it provides (cheap presence check without dpkg state surprises)
PKGS=(
  "xrdp:/usr/sbin/xrdp"
  "freerdp2-x11:/usr/bin/xfreerdp"
  "freerdp2-shadow-x11:/usr/bin/freerdp-shadow-cli"
  "xvfb:/usr/bin/Xvfb"
  "x11-xserver-utils:/usr/bin/xsetroot"
  "tshark:/usr/bin/tshark"
  "tcpdump:/usr/bin/tcpdump"
  "nmap:/usr/bin/nmap"
  "openssl:/usr/bin/openssl"
  "iproute2:/usr/bin/ss"
  "nftables:/usr/sbin/nft"
  "procps:/usr/bin/ps"
  "util-linux:/usr/bin/setsid"
  "python3:/usr/bin/python3"
  "python3-impacket:/usr/share/doc/python3-impacket/examples/rdp_check.py"   # benchmarks/compare.sh probe: Impacket's rdp_check
  "gcc:/usr/bin/gcc"
  "libssl-dev:/usr/include/openssl/ssl.h"
  "chromium:/usr/bin/chromium"              # headless browser test of the HTML report (HtmlBrowserTest)
  "krb5-kdc:/usr/sbin/krb5kdc"
  "krb5-admin-server:/usr/sbin/kadmind"
  "krb5-user:/usr/bin/kinit"
  "faketime:/usr/bin/faketime"
)

do_install() {
  local missing=() e pkg file
  for e in "${PKGS[@]}"; do
    pkg=${e%%:*} file=${e#*:}
    [ -e "$file" ] || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "install: all lab packages present"
  else
    need_root "install"
    log "install: missing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Keep apt from starting the packaged xrdp service (it would take 3389 and /run/xrdp/xrdp.pid).
    # Only if nobody else installed a policy-rc.d; removed again afterwards.
    local policy=/usr/sbin/policy-rc.d own_policy=0
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && own_policy=1
    fi
    local rc=0
    apt-get update -q </dev/null && \
      apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null || rc=$?
    [ "$own_policy" = 1 ] && rm -f "$policy"
    [ "$rc" = 0 ] || die "apt-get failed (rc=$rc)"
  fi
  dpkg-query -W -f='${Package} ${Version}\n' xrdp freerdp2-x11 freerdp2-shadow-x11 tshark tcpdump xvfb nmap openssl chromium krb5-kdc krb5-user faketime 2>/dev/null | sed 's/^/[lab]   /' >&2 || true
}

# ---------------------------------------------------------------- certificates
do_certs() {
  mkdirs
  if [ "${1:-}" != --force ] && [ -s "$CERTS/good.crt" ] && [ -s "$CERTS/expired.crt" ] && [ -s "$CERTS/wronghost.crt" ]; then
    log "certs: present in $CERTS (use 'certs --force' to regenerate)"
    return 0
  fi
  local tmp; tmp=$(mktemp -d "$CERTS/.gen.XXXXXX")
  (
    cd "$tmp"
    # good: CN=localhost, SAN localhost, 127.0.0.1, ::1
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout good.key -out good.crt \
      -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" 2>>gen.log
    # wrong host: CN/SAN wrong.example.invalid
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout wronghost.key -out wronghost.crt \
      -subj "/CN=wrong.example.invalid" -addext "subjectAltName=DNS:wrong.example.invalid" 2>>gen.log
    # expired: 2020-01-01 .. 2021-01-01. 'openssl req' cannot back-date; 'openssl ca -selfsign' can.
    mkdir ca && : > ca/index.txt && echo 1000 > ca/serial
    cat > ca.cnf <<'CNF'
[ ca ]
default_ca = lab
[ lab ]
dir = ./ca
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir
default_md = sha256
policy = pol
unique_subject = no
[ pol ]
commonName = supplied
[ ext ]
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
basicConstraints = CA:FALSE
CNF
    openssl req -new -newkey rsa:2048 -nodes -keyout expired.key -out expired.csr -subj "/CN=localhost" 2>>gen.log
    openssl ca -batch -config ca.cnf -selfsign -keyfile expired.key -in expired.csr \
      -startdate 20200101000000Z -enddate 20210101000000Z -extensions ext -notext -out expired.crt 2>>gen.log
  ) || { cat "$tmp/gen.log" >&2; rm -rf "$tmp"; die "certificate generation failed"; }
  local c
  for c in good wronghost expired; do
    install -m 644 "$tmp/$c.crt" "$CERTS/$c.crt"
    install -m 600 "$tmp/$c.key" "$CERTS/$c.key"
  done
  rm -rf "$tmp"
  for c in good wronghost expired; do
    log "cert $c: $(openssl x509 -in "$CERTS/$c.crt" -noout -subject -enddate | paste -sd' ')"
  done
}

# ---------------------------------------------------------------- process helpers
# A lab process is recorded as $RUN/NAME.pid (it is its own session and process-group leader,
# started through 'setsid') plus $RUN/NAME.start, its kernel start time (field 22 of /proc/PID/stat).
# PID + start time identify the process even across exec() and protect against PID reuse.
starttime() { local st; st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; st=${st##*) }; set -- $st; echo "${20}"; }

is_ours() {  # is_ours NAME -> 0 if the recorded process is alive and still the one we started
  local f=$RUN/$1.pid p want
  [ -s "$f" ] || return 1
  p=$(cat "$f"); want=$(cat "$RUN/$1.start" 2>/dev/null || true)
  kill -0 "$p" 2>/dev/null || return 1
  [ -n "$want" ] && [ "$(starttime "$p")" = "$want" ]
}

spawn() {  # spawn NAME LOGFILE CMD ARGS... : new session; pid file written by the child itself
  local name=$1 logf=$2; shift 2
  rm -f "$RUN/$name.pid" "$RUN/$name.start"
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$RUN/$name.pid" "$@" > "$logf" 2>&1 < /dev/null &
  local i
  for i in $(seq 1 50); do [ -s "$RUN/$name.pid" ] && break; sleep 0.1; done
  [ -s "$RUN/$name.pid" ] || die "could not start $name"
  starttime "$(cat "$RUN/$name.pid")" > "$RUN/$name.start" || { log "$name exited immediately"; return 1; }
}

stop_one() {  # stop_one NAME : TERM the process group, KILL after 5 s; only if the PID is still ours
  local name=$1 f=$RUN/$1.pid p
  [ -f "$f" ] || return 0
  p=$(cat "$f")
  if is_ours "$name"; then
    kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null || true; fi
    # the group may have stragglers (per-connection children) that outlived the leader
    kill -KILL -- "-$p" 2>/dev/null || true
    log "stopped $name (pid/pgid $p)"
  elif [ -n "$p" ]; then
    log "$name: pid $p from $f is gone or no longer ours; removing the stale pid file"
  fi
  rm -f "$f" "$RUN/$name.start" "$RUN/$name.mode" "$RUN/$name.display"
}

listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
listener_pids() { ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u; }

wait_port() {  # wait_port PORT SECONDS [NAME]: also fails early if NAME died
  local port=$1 secs=${2:-15} name=${3:-} i
  for i in $(seq 1 $((secs * 10))); do
    listening "$port" && return 0
    if [ -n "$name" ] && ! is_ours "$name"; then return 1; fi
    sleep 0.1
  done
  return 1
}

owns_port() {  # owns_port NAME PORT: the listener on PORT belongs to NAME's process group
  local p pg want; want=$(cat "$RUN/$1.pid")
  for p in $(listener_pids "$2"); do
    pg=$(ps -o pgid= -p "$p" 2>/dev/null | tr -d ' ')
    [ "$pg" = "$want" ] && return 0
  done
  return 1
}

fail_start() {  # fail_start NAME LOG... : print logs loudly, stop, exit 1
  local name=$1; shift
  local f
  for f in "$@"; do
    [ -f "$f" ] || continue
    printf '[lab] ----- %s (last 60 lines) -----\n' "$f" >&2
    tail -n 60 "$f" >&2
  done
  stop_one "$name"
  die "$name did not start (logs above)"
}

start_xvfb() {  # start_xvfb NAME -> Xvfb on the first free display from :90 up; number in $RUN/NAME.display
  local name=$1
  if is_ours "$name" && [ -s "$RUN/$name.display" ]; then return 0; fi
  stop_one "$name"
  local n d="" i
  for n in $(seq 90 199); do
    [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] && continue
    # -noreset: no server reset (and no refusal window) when the last client disconnects
    spawn "$name" "$LOGS/$name.log" Xvfb ":$n" -screen 0 1024x768x24 -nolisten tcp -noreset || continue
    for i in $(seq 1 50); do
      is_ours "$name" || break
      if DISPLAY=":$n" xsetroot -solid steelblue >/dev/null 2>&1; then d=":$n"; break; fi
      sleep 0.1
    done
    [ -n "$d" ] && break
    stop_one "$name"   # lost a race for that display (or it failed): try the next one
  done
  [ -n "$d" ] || fail_start "$name" "$LOGS/$name.log"
  echo "$d" > "$RUN/$name.display"
  log "$name: Xvfb on display $d (pid $(cat "$RUN/$name.pid"))"
}

# ---------------------------------------------------------------- xrdp
XRDP_MODES="rdp tls tls-expired tls-wronghost negotiate tls12 tls-rsa tls-rsa-cbc tls-rsa-cbc-mte tls10"

start_xrdp() {
  # protos/ciphers: xrdp.ini ssl_protocols / tls_ciphers (empty = the packaged defaults:
  # "TLSv1.2, TLSv1.3" and OpenSSL's DEFAULT list). tls_ciphers only applies to TLS <= 1.2, so the
  # TLS_RSA modes also drop TLS 1.3.
  local mode=${1:-} sec cert protos="" ciphers="" no_etm=0
  case "$mode" in
    rdp)           sec=rdp       cert=good ;;
    tls)           sec=tls       cert=good ;;
    tls-expired)   sec=tls       cert=expired ;;
    tls-wronghost) sec=tls       cert=wronghost ;;
    negotiate)     sec=negotiate cert=good ;;
    tls12)         sec=tls       cert=good protos="TLSv1.2" ;;
    tls-rsa)       sec=tls       cert=good protos="TLSv1.2" ciphers="AES256-GCM-SHA384" ;;
    tls-rsa-cbc)   sec=tls       cert=good protos="TLSv1.2" ciphers="AES128-SHA256" ;;
    tls10)         sec=tls       cert=good protos="TLSv1"   ciphers="AES128-SHA:AES256-SHA:ECDHE-RSA-AES128-SHA:@SECLEVEL=0" ;;
    tls-rsa-cbc-mte) sec=tls     cert=good protos="TLSv1.2" ciphers="AES128-SHA256" no_etm=1 ;;
    *) die "start-xrdp MODE: one of: $XRDP_MODES" ;;
  esac
  need_root start-xrdp
  mkdirs
  if is_ours xrdp; then
    if [ "$(cat "$RUN/xrdp.mode" 2>/dev/null)" = "$mode" ] && owns_port xrdp "$XRDP_PORT"; then
      log "xrdp already running in mode $mode on 127.0.0.1:$XRDP_PORT (pid $(cat "$RUN/xrdp.pid"))"
      return 0
    fi
    stop_one xrdp
  else
    stop_one xrdp   # clears a stale pid file
  fi
  listening "$XRDP_PORT" && die "127.0.0.1:$XRDP_PORT is already taken by someone else (pids: $(listener_pids "$XRDP_PORT" | paste -sd,)); set XRDP_PORT"
  do_certs >/dev/null 2>&1 || do_certs

  local ini=$LAB/xrdp/xrdp-$mode.ini xlog=$LOGS/xrdp-$mode.log
  # The packaged xrdp.ini with only the keys we care about changed.
  sed -e "s|^port=3389\$|port=tcp://127.0.0.1:$XRDP_PORT|" \
      -e "s|^security_layer=.*|security_layer=$sec|" \
      -e "s|^certificate=.*|certificate=$CERTS/$cert.crt|" \
      -e "s|^key_file=.*|key_file=$CERTS/$cert.key|" \
      -e "s|^LogFile=.*|LogFile=$xlog|" \
      -e "s|^LogLevel=.*|LogLevel=DEBUG|" \
      -e "s|^EnableSyslog=.*|EnableSyslog=false|" \
      ${protos:+-e "s|^ssl_protocols=.*|ssl_protocols=$protos|"} \
      ${ciphers:+-e "s|^#\?tls_ciphers=.*|tls_ciphers=$ciphers|"} \
      /etc/xrdp/xrdp.ini > "$ini"
  grep -q "^port=tcp://127.0.0.1:$XRDP_PORT\$" "$ini" || die "could not set the port in $ini"
  [ -z "$protos" ] || grep -qx "ssl_protocols=$protos" "$ini" || die "could not set ssl_protocols in $ini"
  [ -z "$ciphers" ] || grep -qx "tls_ciphers=$ciphers" "$ini" || die "could not set tls_ciphers in $ini"
  : > "$xlog"

  # xrdp 0.9.21 always writes /run/xrdp/xrdp.pid and refuses to start while that file exists,
  # even with --nodaemon. To never collide with a packaged xrdp service (or a stale file from a
  # killed run), our xrdp runs in a private mount namespace with its own tmpfs on /run/xrdp.
  # Fallback when unshare is not permitted: remove a *stale* global pid file, never a live one.
  mkdir -p /run/xrdp
  local launcher=(unshare --mount --propagation private bash -c
    'mount -t tmpfs -o mode=0755 lab-xrdp /run/xrdp && mkdir -p -m 3777 /run/xrdp/sockdir && exec "$@"' lab-xrdp)
  if [ "${LAB_NO_UNSHARE:-0}" = 1 ] || ! unshare --mount --propagation private true 2>/dev/null; then
    log "not using a private mount namespace (LAB_NO_UNSHARE or unshare not permitted): global /run/xrdp"
    launcher=()
    if [ -f /run/xrdp/xrdp.pid ]; then
      local other; other=$(cat /run/xrdp/xrdp.pid)
      if kill -0 "$other" 2>/dev/null; then
        die "another xrdp (pid $other, not ours) owns /run/xrdp/xrdp.pid; not touching it"
      fi
      log "removing stale /run/xrdp/xrdp.pid (pid $other is gone)"
      rm -f /run/xrdp/xrdp.pid
    fi
    mkdir -p /run/xrdp/sockdir
  fi
  # no_etm: an OpenSSL config whose system_default turns SSL_OP_NO_ENCRYPT_THEN_MAC on for xrdp's SSL_CTX
  local envset=()
  if [ "$no_etm" = 1 ]; then
    printf '%s\n' 'openssl_conf = openssl_init' '[openssl_init]' 'ssl_conf = ssl_sect' '[ssl_sect]' \
      'system_default = system_default_sect' '[system_default_sect]' 'Options = -EncryptThenMac' > "$LAB/xrdp/openssl-no-etm.cnf"
    envset=(env "OPENSSL_CONF=$LAB/xrdp/openssl-no-etm.cnf")
  fi
  spawn xrdp "$LOGS/xrdp-$mode.console" ${envset[@]+"${envset[@]}"} "${launcher[@]}" xrdp --nodaemon --config "$ini" \
    || fail_start xrdp "$LOGS/xrdp-$mode.console" "$xlog"
  echo "$mode" > "$RUN/xrdp.mode"
  wait_port "$XRDP_PORT" 15 xrdp || fail_start xrdp "$LOGS/xrdp-$mode.console" "$xlog"
  owns_port xrdp "$XRDP_PORT" || fail_start xrdp "$LOGS/xrdp-$mode.console" "$xlog"
  log "xrdp $mode: 127.0.0.1:$XRDP_PORT pid $(cat "$RUN/xrdp.pid") security_layer=$sec cert=$cert.crt${protos:+ ssl_protocols=$protos}${ciphers:+ tls_ciphers=$ciphers}$([ "$no_etm" = 1 ] && echo " OpenSSL EncryptThenMac off") log=$xlog"
}

# ---------------------------------------------------------------- FreeRDP shadow server
SHADOW_MODES="nla tls rdp all default"

nthash() {  # NT hash = MD4(UTF-16LE(password)); OpenSSL 3 keeps MD4 in the legacy provider
  printf '%s' "$1" | iconv -f UTF-8 -t UTF-16LE | openssl dgst -md4 -provider legacy -provider default | awk '{print $NF}'
}

start_shadow() {
  local mode=${1:-} args=()
  case "$mode" in
    nla) args=(/sec:nla) ;;                    # PROTOCOL_HYBRID only (CredSSP/NTLM against the SAM file)
    tls) args=(/sec:tls) ;;                    # PROTOCOL_SSL only
    rdp) args=(/sec:rdp) ;;                    # Standard RDP Security only
    all) args=(+sec-rdp +sec-tls +sec-nla) ;;  # defaults are NLA:0 TLS:1 RDP:1 despite /help
    default) args=() ;;
    *) die "start-shadow MODE: one of: $SHADOW_MODES" ;;
  esac
  mkdirs
  if is_ours shadow; then
    if [ "$(cat "$RUN/shadow.mode" 2>/dev/null)" = "$mode" ] && owns_port shadow "$SHADOW_PORT"; then
      log "shadow already running in mode $mode on 127.0.0.1:$SHADOW_PORT (pid $(cat "$RUN/shadow.pid"))"
      return 0
    fi
  fi
  stop_one shadow
  listening "$SHADOW_PORT" && die "127.0.0.1:$SHADOW_PORT is already taken by someone else (pids: $(listener_pids "$SHADOW_PORT" | paste -sd,)); set SHADOW_PORT"
  do_certs >/dev/null 2>&1 || do_certs

  # WinPR SAM lines "User:Domain:LM:NT:::"; the domain is matched exactly, so one line without
  # a domain and one for LAB.
  local nt; nt=$(nthash "$TEST_PASS")
  [ ${#nt} = 32 ] || die "could not compute the NT hash (openssl legacy provider missing?)"
  umask 077
  printf '%s::%s:%s:::\n%s:LAB:%s:%s:::\n' "$TEST_USER" "" "$nt" "$TEST_USER" "" "$nt" > "$LAB/shadow/SAM"
  umask 022
  # The shadow server reads $XDG_CONFIG_HOME/freerdp/server/server.{crt,key} (FreeRDP 2.x) and
  # creates a self-signed pair if absent: pre-seed ours (CN=localhost) so it is known and stable.
  local cfg=$LAB/home/.config/freerdp
  mkdir -p "$cfg/server" "$cfg/shadow"
  local d
  for d in server shadow; do
    cp "$CERTS/good.crt" "$cfg/$d/$d.crt"; cp "$CERTS/good.key" "$cfg/$d/$d.key"
  done

  start_xvfb xvfb-shadow
  local disp; disp=$(cat "$RUN/xvfb-shadow.display")
  local slog=$LOGS/shadow-$mode.log
  HOME=$LAB/home XDG_CONFIG_HOME=$LAB/home/.config DISPLAY=$disp WLOG_LEVEL=${WLOG_LEVEL:-INFO} \
    spawn shadow "$slog" freerdp-shadow-cli /bind-address:127.0.0.1 /port:"$SHADOW_PORT" \
      ${args[@]+"${args[@]}"} /sam-file:"$LAB/shadow/SAM" || fail_start shadow "$slog"
  echo "$mode" > "$RUN/shadow.mode"
  wait_port "$SHADOW_PORT" 15 shadow || fail_start shadow "$slog"
  owns_port shadow "$SHADOW_PORT" || fail_start shadow "$slog"
  log "shadow $mode: 127.0.0.1:$SHADOW_PORT pid $(cat "$RUN/shadow.pid") display $disp log=$slog"
  log "shadow test account: $TEST_USER (domain empty or LAB), password in lab.sh header"
}

# ---------------------------------------------------------------- client side
start_clientx() {
  mkdirs
  start_xvfb xvfb-client
  echo "DISPLAY=$(cat "$RUN/xvfb-client.display")"
}

build_keylog() {
  mkdirs
  local dir=$LAB/keylog
  mkdir -p "$dir"
  if [ -f "$dir/sslkeylog.so" ] && [ "$dir/sslkeylog.so" -nt "$0" ]; then
    log "keylog shim present: $dir/sslkeylog.so"; echo "$dir/sslkeylog.so"; return 0
  fi
  cat > "$dir/sslkeylog.c" <<'C'
/* LD_PRELOAD shim: NSS key log lines to $SSLKEYLOGFILE for any program using OpenSSL >= 1.1.1.
 * FreeRDP 2.11 (OpenSSL 3.0) does not honour SSLKEYLOGFILE itself. We install OpenSSL's keylog
 * callback on every SSL_CTX that an SSL object is created from. Lab use only. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void keylog_cb(const SSL *ssl, const char *line) {
    (void)ssl;
    const char *fn = getenv("SSLKEYLOGFILE");
    if (!fn || !*fn) return;
    int fd = open(fn, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return;
    size_t n = strlen(line);
    char buf[1024];
    if (n + 1 <= sizeof buf) {           /* one write() per line: lines stay whole */
        memcpy(buf, line, n); buf[n] = '\n';
        ssize_t w = write(fd, buf, n + 1); (void)w;
    }
    close(fd);
}

SSL *SSL_new(SSL_CTX *ctx) {
    static SSL *(*real_ssl_new)(SSL_CTX *);
    if (!real_ssl_new) real_ssl_new = (SSL *(*)(SSL_CTX *))dlsym(RTLD_NEXT, "SSL_new");
    if (!real_ssl_new) return NULL;
    if (ctx && getenv("SSLKEYLOGFILE") && !SSL_CTX_get_keylog_callback(ctx))
        SSL_CTX_set_keylog_callback(ctx, keylog_cb);
    return real_ssl_new(ctx);
}
C
  gcc -shared -fPIC -O2 -Wall -o "$dir/sslkeylog.so" "$dir/sslkeylog.c" -ldl -lssl \
    || die "gcc failed building the keylog shim (need gcc + libssl-dev: lab.sh install)"
  log "built $dir/sslkeylog.so; use SSLKEYLOGFILE=FILE LD_PRELOAD=$dir/sslkeylog.so xfreerdp ..."
  echo "$dir/sslkeylog.so"
}

# ---------------------------------------------------------------- probe (self-check tool)
do_probe() {
  local port=${1:?probe PORT [REQ...]}; shift
  python3 - "$port" "$@" <<'PY'
# One connection per REQ: X.224 CR (+ RDP_NEG_REQ unless REQ=none), read the CC, then watch 0.7 s
# for what the server does next (then=EOF | then=open | then=<hex of what it sent>).
import socket, struct, sys
port = int(sys.argv[1]); reqs = sys.argv[2:] or ["none", "0", "1", "2", "3", "8", "11"]
def cr(req):
    body = b"\xe0\x00\x00\x00\x00\x00" + b"Cookie: mstshash=labprobe\r\n"
    if req is not None:
        body += struct.pack("<BBHI", 1, 0, 8, req)
    x = bytes([len(body)]) + body
    return struct.pack(">BBH", 3, 0, 4 + len(x)) + x
def read(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c: break
        b += c
    return b
for r in reqs:
    req = None if r == "none" else int(r, 0)
    pdu = cr(req)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(pdu)
            h = read(s, 4)
            if len(h) < 4:
                print(f"req={r:<4} kind=closed cc={h.hex() or '-'} then=- cr={pdu.hex()}"); continue
            cc = h + read(s, max(0, struct.unpack(">H", h[2:4])[0] - 4))
            kind = "bare-CC"
            if len(cc) >= 19:
                t, fl, ln, v = struct.unpack("<BBHI", cc[11:19])
                kind = {2: f"RSP:{v}", 3: f"FAIL:{v}"}.get(t, f"type{t}") + f"/flags=0x{fl:02x}"
            s.settimeout(0.7)
            try:
                more = s.recv(4096); then = more.hex() if more else "EOF"
            except socket.timeout:
                then = "open"
            except OSError as e:
                then = type(e).__name__
            print(f"req={r:<4} kind={kind:<16} cc={cc.hex()} then={then} cr={pdu.hex()}")
    except OSError as e:
        print(f"req={r:<4} kind=error:{type(e).__name__} cc=- then=- cr={pdu.hex()}")
PY
}


# ---------------------------------------------------------------- Kerberos KDC (MIT krb5kdc)
KDCDIR=$LAB/kdc
kdc_files() {  # the client profile (krb5.conf) and the KDC profile (kdc.conf), both under $LAB/kdc
  mkdir -p "$KDCDIR"
  cat > "$KDCDIR/kdc-$KDC_PORT.conf" <<CNF
[kdcdefaults]
 kdc_listen = 127.0.0.1:$KDC_PORT
 kdc_tcp_listen = 127.0.0.1:$KDC_PORT
[realms]
 $KRB_REALM = {
  database_name = $KDCDIR/principal
  key_stash_file = $KDCDIR/stash
  acl_file = $KDCDIR/kadm5.acl
  max_life = 10h 0m 0s
  max_renewable_life = 7d 0h 0m 0s
  supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
 }
[dbmodules]
 $KRB_REALM = {
  disable_last_success = true
  disable_lockout = true
 }
[logging]
 kdc = STDERR
CNF
  cat > "$KDCDIR/krb5.conf" <<CNF
[libdefaults]
 default_realm = $KRB_REALM
 dns_lookup_kdc = false
 dns_lookup_realm = false
 kdc_timesync = 0
 udp_preference_limit = 1
 rdns = false
[realms]
 $KRB_REALM = {
  kdc = 127.0.0.1:$KDC_PORT
 }
CNF
  : > "$KDCDIR/kadm5.acl"
}
kdc_env() { export KRB5_CONFIG=$KDCDIR/krb5.conf KRB5_KDC_PROFILE=$KDCDIR/kdc-$KDC_PORT.conf KRB5CCNAME=FILE:$KDCDIR/ccache; }

kdc_init() {
  mkdirs
  kdc_files; kdc_env
  if [ "${1:-}" != --force ] && [ -s "$KDCDIR/principal" ] && [ -s "$KDCDIR/termsrv.keytab" ]; then
    log "kdc-init: realm $KRB_REALM present in $KDCDIR (use 'kdc-init --force' to recreate)"
    return 0
  fi
  rm -f "$KDCDIR"/principal* "$KDCDIR/stash" "$KDCDIR/termsrv.keytab"
  # master password: a throwaway, random per lab
  kdb5_util create -s -r "$KRB_REALM" -P "$(head -c 18 /dev/urandom | base64)" > "$LOGS/kdc-init.log" 2>&1 \
    || { cat "$LOGS/kdc-init.log" >&2; die "kdb5_util create failed"; }
  local q=(kadmin.local -r "$KRB_REALM" -q)
  {
    "${q[@]}" "addprinc +requires_preauth -pw $TEST_PASS $TEST_USER"
    "${q[@]}" "addprinc +requires_preauth -pw $TEST_PASS -allow_tix rdplocked"
    "${q[@]}" "addprinc +requires_preauth -pw $TEST_PASS -pwexpire yesterday rdpexpired"
    "${q[@]}" "addprinc -randkey TERMSRV/localhost"
    "${q[@]}" "ktadd -k $KDCDIR/termsrv.keytab TERMSRV/localhost"
  } >> "$LOGS/kdc-init.log" 2>&1 || { cat "$LOGS/kdc-init.log" >&2; die "kadmin.local failed"; }
  log "kdc-init: realm $KRB_REALM in $KDCDIR: $TEST_USER, rdplocked, rdpexpired, TERMSRV/localhost (keytab)"
}

start_kdc() {  # start_kdc [OFFSET]
  local offset=${1:-} name=kdc-$KDC_PORT
  kdc_init
  kdc_files; kdc_env
  stop_one "$name"
  listening "$KDC_PORT" && die "127.0.0.1:$KDC_PORT is already in use"
  local cmd=(krb5kdc -n -r "$KRB_REALM")
  if [ -n "$offset" ]; then
    [[ $offset =~ ^[+-][0-9]+[smhd]?$ ]] || die "start-kdc OFFSET must look like +6m, -2m, +30s"
    cmd=(faketime -f "$offset" "${cmd[@]}")
  fi
  spawn "$name" "$LOGS/$name.log" env KRB5_CONFIG="$KRB5_CONFIG" KRB5_KDC_PROFILE="$KRB5_KDC_PROFILE" "${cmd[@]}" \
    || fail_start "$name" "$LOGS/$name.log"
  echo "${offset:-none}" > "$RUN/$name.mode"
  wait_port "$KDC_PORT" 10 "$name" || fail_start "$name" "$LOGS/$name.log"
  log "KDC $KRB_REALM on 127.0.0.1:$KDC_PORT (tcp+udp), clock offset ${offset:-none}, pid $(cat "$RUN/$name.pid")"
}

stop_kdcs() {  # stop_kdcs [all]: the KDC on $KDC_PORT, or every lab KDC
  local f n
  if [ "${1:-}" = all ]; then
    for f in "$RUN"/kdc-*.pid; do [ -e "$f" ] || continue; n=$(basename "$f" .pid); stop_one "$n"; done
  else
    stop_one "kdc-$KDC_PORT"
  fi
}

# ---------------------------------------------------------------- stop / status
stop_xrdp() {  # in the no-unshare fallback our xrdp wrote the global pid file: remove it if it is ours
  local p=""
  is_ours xrdp && p=$(cat "$RUN/xrdp.pid")
  stop_one xrdp
  if [ -n "$p" ] && [ "$(cat /run/xrdp/xrdp.pid 2>/dev/null)" = "$p" ]; then rm -f /run/xrdp/xrdp.pid; fi
  return 0
}

do_stop() {
  local what=${1:-all}
  case "$what" in
    xrdp) stop_xrdp ;;
    shadow) stop_one shadow; stop_one xvfb-shadow ;;
    clientx) stop_one xvfb-client ;;
    kdc) stop_kdcs ;;
    all) stop_xrdp; stop_one shadow; stop_one xvfb-shadow; stop_one xvfb-client; stop_kdcs all ;;
    *) die "stop [xrdp|shadow|clientx|kdc|all]" ;;
  esac
}

do_status() {
  local n
  for n in xrdp shadow xvfb-shadow xvfb-client; do
    if is_ours "$n"; then
      printf '%-12s running pid %s mode %s %s\n' "$n" "$(cat "$RUN/$n.pid")" \
        "$(cat "$RUN/$n.mode" 2>/dev/null || echo -)" "$(cat "$RUN/$n.display" 2>/dev/null || true)"
    else
      printf '%-12s not running\n' "$n"
    fi
  done
  ss -Hltnp "( sport = :$XRDP_PORT or sport = :$SHADOW_PORT )" || true
}

do_env() {
  printf 'LAB=%q\nXRDP_PORT=%s\nSHADOW_PORT=%s\n' "$LAB" "$XRDP_PORT" "$SHADOW_PORT"
  [ -s "$RUN/xvfb-client.display" ] && printf 'CLIENT_DISPLAY=%s\n' "$(cat "$RUN/xvfb-client.display")"
  return 0
}

cmd=${1:-}; shift || true
case "$cmd" in
  install) do_install ;;
  certs) do_certs "$@" ;;
  start-xrdp) start_xrdp "$@" ;;
  start-shadow) start_shadow "$@" ;;
  start-clientx) start_clientx ;;
  keylog-shim) build_keylog ;;
  stop) do_stop "$@" ;;
  status) do_status ;;
  wait-port) wait_port "${1:?wait-port PORT [SECONDS]}" "${2:-15}" || die "nothing listens on 127.0.0.1:$1" ;;
  probe) do_probe "$@" ;;
  env) do_env ;;
  kdc-init) kdc_init "$@" ;;
  start-kdc) start_kdc "$@" ;;
  kdc-env) mkdirs; kdc_files; printf 'export KRB5_CONFIG=%q KRB5CCNAME=%q\n' "$KDCDIR/krb5.conf" "FILE:$KDCDIR/ccache" ;;
  *) sed -n '2,22p' "$0"; exit 2 ;;
esac
