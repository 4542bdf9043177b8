#!/usr/bin/env bash
# The scale lab (issue 18): Kamailio in front of two Asterisk + Accueil nodes,
# on this machine, each in a network namespace of its own joined by a bridge;
# all traffic stays inside these namespaces.
#
#   acc-lan     the bridge br0; every other namespace has a veth pair into it
#   acc-kam     10.77.0.1   Kamailio (kamailio/kamailio.cfg), the SIPp trunk
#   acc-node-a  10.77.0.11  Asterisk of node a (and its daemon, started by the test)
#   acc-node-b  10.77.0.12  Asterisk of node b
#   acc-phones  10.77.0.20  the SIPp phones of both practices
#
# Each node's Asterisk runs from a private overlay of the sandbox's root
# filesystem (read only below; written files under LAB/node-X), configured by
# asterisk/install-config.sh with the `scale` overlay.
#
#   scripts/scale-lab.sh up                    (re)creates the lab, starts both Asterisks, waits for ARI;
#                                              prints `export ACCUEIL_LAB_…=…` lines on stdout, progress on stderr
#   scripts/scale-lab.sh kamailio-start DIR    Kamailio with DIR/dispatcher.list and DIR/accueil_numbers (db_text)
#   scripts/scale-lab.sh kamailio-stop
#   scripts/scale-lab.sh kamcmd CMD [ARG…]     e.g. `kamcmd dispatcher.list`, `kamcmd htable.reload accueil_numbers`
#   scripts/scale-lab.sh kill-asterisk a|b     SIGKILL (a crash)
#   scripts/scale-lab.sh start-asterisk a|b    start it again, wait for ARI
#   scripts/scale-lab.sh cli a|b CMD           an Asterisk CLI command on that node
#   scripts/scale-lab.sh settings              the export lines again
#   scripts/scale-lab.sh status                what runs (exit 0 when the lab is up, 3 otherwise)
#   scripts/scale-lab.sh down                  stops every process in the lab's namespaces, unmounts,
#                                              deletes the namespaces (idempotent)
#   scripts/scale-lab.sh install               installs Kamailio if missing (scripts/test-all.sh), packaged service stopped
#
# Needs root, `ip netns`, overlayfs, the sandbox's root filesystem (scripts/asterisk-sandbox.sh up
# builds it) and Kamailio (installed from Debian's archive if missing; its packaged service is not left running).
# Environment: ACCUEIL_LAB_DIR (default /var/cache/accueil/scale-lab), ACCUEIL_SANDBOX_DIR.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
lab=${ACCUEIL_LAB_DIR:-/var/cache/accueil/scale-lab}
sandbox=${ACCUEIL_SANDBOX_DIR:-/var/cache/accueil/sandbox}
ari_user=accueil
nets=(kam node-a node-b phones)
declare -A addr=([kam]=10.77.0.1 [node-a]=10.77.0.11 [node-b]=10.77.0.12 [phones]=10.77.0.20)
# Lab timings: probe every second, a node silent for 1 s is dead.
kam_ping_interval=1
kam_fr_timer=1000

say() { echo "scale-lab: $*" >&2; }
die() { say "error: $*"; exit 1; }

ns_exists() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$1"; }

node_name() {
  case "${1:-}" in a|b) echo "node-$1" ;; *) die "no node '${1:-}' (a or b)" ;; esac
}

preflight() {
  [ "$(id -u)" = 0 ] || die "must run as root (network namespaces, overlay mounts, chroot)"
  ip netns list >/dev/null 2>&1 || die "'ip netns' does not work here (iproute2 with network namespace support needed)"
  grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || die "no overlayfs in this kernel"
  local root; root=$(cat "$sandbox/state/root" 2>/dev/null || true)
  [ -n "$root" ] && [ -x "$root/usr/sbin/asterisk" ] || die "no sandbox root filesystem ($sandbox/state/root): run scripts/asterisk-sandbox.sh up first"
  command -v sipp >/dev/null || die "sipp missing (scripts/asterisk-sandbox.sh up installs sip-tester)"
  command -v kamailio >/dev/null || install_kamailio
  command -v kamcmd >/dev/null || die "kamcmd missing (Debian's kamailio package provides it)"
}

# Debian's kamailio package, without its service: the service would listen on
# every local address, port 5060 included (the sandbox Asterisk's on 127.0.0.1).
install_kamailio() {
  say "installing kamailio from Debian's archive"
  local guard=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    # Tells the package scripts (invoke-rc.d, deb-systemd-invoke) not to start services.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 0755 /usr/sbin/policy-rc.d; guard=1
  fi
  local ok=1
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kamailio; } >&2 || ok=
  [ -n "$guard" ] && rm -f /usr/sbin/policy-rc.d
  [ -n "$ok" ] || die "could not install kamailio (no network to the Debian archive?)"
  stop_packaged_kamailio
}

stop_packaged_kamailio() {
  if [ -d /run/systemd/system ]; then
    systemctl disable --now kamailio.service >/dev/null 2>&1 || true
  fi
  if [ -x /etc/init.d/kamailio ] && [ ! -d /run/systemd/system ]; then
    /etc/init.d/kamailio stop >/dev/null 2>&1 || true
  fi
  return 0
}

ari_password() {
  [ -s "$lab/ari-password" ] || die "the lab is not up (no $lab/ari-password)"
  cat "$lab/ari-password"
}

print_settings() {
  echo "export ACCUEIL_LAB_DIR=$lab"
  echo "export ACCUEIL_LAB_ARI_USERNAME=$ari_user"
  echo "export ACCUEIL_LAB_ARI_PASSWORD=$(ari_password)"
  echo "export ACCUEIL_LAB_NODE_A_ROOT=$lab/node-a/root"
  echo "export ACCUEIL_LAB_NODE_B_ROOT=$lab/node-b/root"
  echo "export ACCUEIL_LAB_KAMAILIO_CTL=unix:$lab/kamailio/kamailio_ctl"
}

# The network: one bridge in acc-lan, a veth pair from each namespace into it.
make_network() {
  ip netns add acc-lan
  ip -n acc-lan link set lo up
  ip -n acc-lan link add br0 type bridge
  ip -n acc-lan link set br0 up
  local n
  for n in "${nets[@]}"; do
    ip netns add "acc-$n"
    ip -n "acc-$n" link set lo up
    ip -n acc-lan link add "v-$n" type veth peer name eth0 netns "acc-$n"
    ip -n acc-lan link set "v-$n" master br0
    ip -n acc-lan link set "v-$n" up
    ip -n "acc-$n" addr add "${addr[$n]}/24" dev eth0
    ip -n "acc-$n" link set eth0 up
  done
}

asterisk_pid() {
  local node=$1 pidfile="$lab/$1/asterisk.pid" pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  # Only the Asterisk we started: chrooted in this node's root, in its namespace.
  [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$lab/$node/root" ] || return 1
  grep -q asterisk "/proc/$pid/comm" 2>/dev/null || return 1
  echo "$pid"
}

# The node's root: overlay of the sandbox's, configured for this node.
make_node_root() {
  local node=$1 lower; lower=$(cat "$sandbox/state/root")
  local dir="$lab/$node" root="$lab/$node/root"
  mkdir -p "$dir/upper" "$dir/work" "$root"
  mount -t overlay "accueil-lab-$node" -o "lowerdir=$lower,upperdir=$dir/upper,workdir=$dir/work" "$root"
  ARI_USERNAME=$ari_user ARI_PASSWORD=$(ari_password) "$repo/asterisk/install-config.sh" "$root" scale >&2
  # This node's own address: SIP and RTP.
  cat > "$root/etc/asterisk/pjsip_node.conf" <<EOF
; Written by scripts/scale-lab.sh for $node.
[transport-udp]
type = transport
protocol = udp
bind = ${addr[$node]}:5060
EOF
  printf '127.0.0.1 localhost\n%s %s %s\n' "${addr[$node]}" "$node" "$(hostname)" > "$root/etc/hosts"
  local uid gid
  uid=$(awk -F: '$1=="asterisk"{print $3}' "$root/etc/passwd")
  gid=$(awk -F: '$1=="asterisk"{print $4}' "$root/etc/passwd")
  # The plan's sounds, and where the daemon writes its spoken texts.
  rm -rf "$root/usr/share/asterisk/sounds/accueil"
  mkdir -p "$root/usr/share/asterisk/sounds/accueil" "$root/usr/share/asterisk/sounds/accueil-say"
  if compgen -G "$repo/sounds/*" >/dev/null; then cp -r "$repo"/sounds/. "$root/usr/share/asterisk/sounds/accueil/"; fi
  chown "$uid:$gid" "$root/usr/share/asterisk/sounds/accueil-say"
  # Its own log and Asterisk database, not copies of the sandbox's (which may be written as we copy).
  : > "$root/var/log/asterisk/messages"
  rm -f "$root"/var/lib/asterisk/astdb.sqlite3*
  mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
}

start_asterisk() {
  local node=$1 root="$lab/$1/root"
  if pid=$(asterisk_pid "$node"); then say "$node: Asterisk already running (pid $pid)"; return 0; fi
  # -f: foreground (we own the PID); chroot --userspec: Asterisk as its own user.
  ip netns exec "acc-$node" setsid chroot --userspec=asterisk:asterisk "$root" /usr/sbin/asterisk -f -n \
    >>"$lab/$node/asterisk.out" 2>&1 </dev/null &
  echo $! > "$lab/$node/asterisk.pid"
  say "$node: started Asterisk (pid $!)"
}

wait_for_ari() {
  local node=$1 pass; pass=$(ari_password)
  for _ in $(seq 1 120); do
    if ip netns exec "acc-$node" curl -fsS -m 2 -u "$ari_user:$pass" http://127.0.0.1:8088/ari/asterisk/ping >/dev/null 2>&1; then
      say "$node: ARI answers (http://127.0.0.1:8088 in acc-$node, SIP ${addr[$node]}:5060)"
      return 0
    fi
    asterisk_pid "$node" >/dev/null || { tail -20 "$lab/$node/asterisk.out" >&2 || true; die "$node: Asterisk exited during start (see $lab/$node/asterisk.out)"; }
    sleep 0.25
  done
  die "$node: ARI did not answer within 30 s (see $lab/$node/asterisk.out)"
}

kill_asterisk() {
  local node=$1 pid
  pid=$(asterisk_pid "$node") || { say "$node: Asterisk not running"; return 0; }
  kill -KILL "$pid"
  for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.05; done
  say "$node: killed Asterisk (pid $pid)"
}

kamailio_pid() {
  local pid
  [ -f "$lab/kamailio/kamailio.pid" ] || return 1
  pid=$(cat "$lab/kamailio/kamailio.pid")
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && grep -q kamailio "/proc/$pid/comm" 2>/dev/null || return 1
  echo "$pid"
}

kamcmd_lab() { kamcmd -s "unix:$lab/kamailio/kamailio_ctl" "$@"; }

kamailio_start() {
  local dir=${1:?usage: kamailio-start DIR (holding dispatcher.list and accueil_numbers)}
  dir=$(cd "$dir" && pwd)
  [ -f "$dir/dispatcher.list" ] && [ -f "$dir/accueil_numbers" ] || die "$dir must hold dispatcher.list and accueil_numbers"
  ns_exists acc-kam || die "the lab is not up"
  if pid=$(kamailio_pid); then say "Kamailio already running (pid $pid)"; return 0; fi
  mkdir -p "$lab/kamailio"
  rm -f "$lab/kamailio/kamailio_ctl"
  # -DD: no daemon (we own the PID; it still forks its workers), -E: log to stderr.
  ip netns exec acc-kam kamailio -f "$repo/kamailio/kamailio.cfg" -DD -E -m 64 -M 8 \
    -Y "$lab/kamailio" \
    -A "LISTEN=udp:${addr[kam]}:5060" -A "DS_PING_INTERVAL=$kam_ping_interval" -A "FR_TIMER=$kam_fr_timer" -A CHILDREN=2 \
    -A "DS_LIST=\"$dir/dispatcher.list\"" -A "NUMBERS_DB=\"text://$dir\"" \
    -A "CTL_SOCKET=\"unix:$lab/kamailio/kamailio_ctl\"" \
    >"$lab/kamailio/kamailio.out" 2>&1 </dev/null &
  echo $! > "$lab/kamailio/kamailio.pid"
  for _ in $(seq 1 50); do
    if kamcmd_lab core.uptime >/dev/null 2>&1; then
      say "Kamailio ready (pid $(cat "$lab/kamailio/kamailio.pid"), SIP udp ${addr[kam]}:5060, probing every ${kam_ping_interval} s)"
      return 0
    fi
    kamailio_pid >/dev/null || { tail -20 "$lab/kamailio/kamailio.out" >&2; die "Kamailio exited during start (see $lab/kamailio/kamailio.out)"; }
    sleep 0.2
  done
  die "Kamailio's control socket did not answer within 10 s (see $lab/kamailio/kamailio.out)"
}

kamailio_stop() {
  local pid
  if pid=$(kamailio_pid); then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    [ -d "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null || true
    say "stopped Kamailio (pid $pid)"
  fi
  rm -f "$lab/kamailio/kamailio.pid"
}

# Every process in one of our namespaces (Asterisk, Kamailio, daemons, SIPp), by PID.
stop_namespace_processes() {
  local ns pids
  for ns in "${nets[@]/#/acc-}" acc-lan; do
    ns_exists "$ns" || continue
    pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
    [ -n "${pids// /}" ] || continue
    say "stopping in $ns: $pids"
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
  done
  for _ in $(seq 1 30); do
    pids=
    for ns in "${nets[@]/#/acc-}" acc-lan; do ns_exists "$ns" && pids+=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' '); done
    [ -n "${pids// /}" ] || return 0
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  sleep 0.2
}

down() {
  stop_namespace_processes
  rm -f "$lab/kamailio/kamailio.pid" "$lab"/node-*/asterisk.pid
  local node root
  for node in node-a node-b; do
    root="$lab/$node/root"
    if mountpoint -q "$root/proc" 2>/dev/null; then umount "$root/proc" 2>/dev/null || umount -l "$root/proc"; fi
    if mountpoint -q "$root" 2>/dev/null; then umount "$root" 2>/dev/null || umount -l "$root"; fi
  done
  local ns
  for ns in "${nets[@]/#/acc-}" acc-lan; do
    ns_exists "$ns" && ip netns del "$ns"
  done
  say "down"
  return 0
}

up() {
  preflight
  down 2>/dev/null
  mkdir -p "$lab"
  # Never delete below a mount point (a root left mounted, its proc).
  ! grep -q " $lab/" /proc/mounts || die "something is still mounted under $lab (see /proc/mounts)"
  # The nodes' written files start afresh (logs and astdb of an earlier lab included).
  rm -rf "$lab/node-a" "$lab/node-b" "$lab/kamailio"
  mkdir -p "$lab/kamailio"
  (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$lab/ari-password")
  make_network
  make_node_root node-a
  make_node_root node-b
  start_asterisk node-a
  start_asterisk node-b
  wait_for_ari node-a
  wait_for_ari node-b
  print_settings
}

status() {
  local up=1 n pid
  for n in "${nets[@]/#/acc-}" acc-lan; do ns_exists "$n" || up=; done
  if [ -n "$up" ]; then echo "namespaces: up"; else echo "namespaces: missing"; fi
  for n in node-a node-b; do
    if pid=$(asterisk_pid "$n"); then echo "$n: Asterisk running (pid $pid)"; else echo "$n: Asterisk stopped"; fi
  done
  if pid=$(kamailio_pid); then echo "kamailio: running (pid $pid)"; else echo "kamailio: stopped"; fi
  [ -n "$up" ] || exit 3
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  install) [ "$(id -u)" = 0 ] || die "must run as root"; command -v kamailio >/dev/null || install_kamailio ;;
  status) status ;;
  settings) print_settings ;;
  kamailio-start) shift; kamailio_start "$@" ;;
  kamailio-stop) kamailio_stop ;;
  kamcmd) shift; kamcmd_lab "$@" ;;
  kill-asterisk) kill_asterisk "$(node_name "${2:-}")" ;;
  start-asterisk) node=$(node_name "${2:-}"); start_asterisk "$node"; wait_for_ari "$node" ;;
  cli) node=$(node_name "${2:-}"); shift 2
       ip netns exec "acc-$node" chroot --userspec=asterisk:asterisk "$lab/$node/root" /usr/sbin/asterisk -rx "$*" ;;
  *) echo "usage: $0 up|down|status|install|settings|kamailio-start DIR|kamailio-stop|kamcmd CMD…|kill-asterisk a|b|start-asterisk a|b|cli a|b CMD" >&2; exit 2 ;;
esac
