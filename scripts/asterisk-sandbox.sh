#!/usr/bin/env bash
# The sandbox Asterisk: Debian sid's Asterisk 22 in a root filesystem of its
# own, run as its asterisk user, bound to 127.0.0.1 (SIP UDP 5060, ARI 8088).
#
#   scripts/asterisk-sandbox.sh up       build once (cached), configure, start, wait for ARI;
#                                        prints `export ARI_…=…` (and ACCUEIL_SPEECH_DIR) lines on stdout, progress on stderr
#   scripts/asterisk-sandbox.sh down     stop the Asterisk this script started, unmount
#   scripts/asterisk-sandbox.sh status   running or not (exit 0 / 3)
#   scripts/asterisk-sandbox.sh cli CMD  run an Asterisk CLI command ("core show channels")
#   scripts/asterisk-sandbox.sh log      path of Asterisk's messages log
#
# Environment: ACCUEIL_SANDBOX_DIR (default /var/cache/accueil/sandbox), ARI_PASSWORD
# (default: generated once and kept in the sandbox dir, mode 0600), ARI_USERNAME
# (default accueil), DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
base=${ACCUEIL_SANDBOX_DIR:-/var/cache/accueil/sandbox}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
state="$base/state"
pidfile="$state/asterisk.pid"
ari_port=8088
sip_port=5060

say() { echo "asterisk-sandbox: $*" >&2; }
die() { say "error: $*"; exit 1; }

# The root filesystem depends on the package list only; the config is installed at every start.
recipe_hash() { grep -v '^#' "$repo/asterisk/packages.txt" | sed '/^$/d' | sha256sum | cut -c1-12; }
packages() { grep -v '^#' "$repo/asterisk/packages.txt" | sed '/^$/d' | paste -sd, -; }
rootfs() { echo "$base/rootfs-$(recipe_hash)"; }

preflight() {
  [ "$(id -u)" = 0 ] || die "must run as root (it builds a root filesystem and chroots into it)"
  [ -r /etc/debian_version ] || die "needs a Debian host (mmdebstrap and sip-tester come from Debian's archive)"
  local missing=()
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  command -v sipp >/dev/null || missing+=(sip-tester)
  command -v curl >/dev/null || missing+=(curl)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} from Debian's archive"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2 \
      || die "could not install ${missing[*]} (no network to the Debian archive?)"
  fi
}

build_rootfs() {
  local target; target=$(rootfs)
  [ -x "$target/usr/sbin/asterisk" ] && return 0
  mkdir -p "$base"
  local tmp="$target.building.$$"
  rm -rf "$tmp"
  say "building the Asterisk root filesystem (Debian sid: $(packages)) — first time only"
  local t0=$SECONDS
  # non-free: SVOX Pico (libttspico-utils), the French voice of the text announcements.
  if ! mmdebstrap --variant=apt --aptopt='Acquire::Check-Valid-Until "false"' --components=main,non-free \
      --include="$(packages)" sid "$tmp" "$mirror" >"$base/build.log" 2>&1; then
    rm -rf "$tmp"
    tail -5 "$base/build.log" >&2
    die "mmdebstrap failed (full log: $base/build.log); is $mirror reachable?"
  fi
  mv "$tmp" "$target"
  say "built in $((SECONDS - t0)) s: $target"
  # Older recipes are not reused: free their space.
  for old in "$base"/rootfs-*; do
    [ "$old" = "$target" ] || { [ -d "$old" ] && ! mountpoint -q "$old/proc" && rm -rf "$old" && say "removed old $old"; } || true
  done
}

running_pid() {
  [ -f "$pidfile" ] || return 1
  local pid; pid=$(cat "$pidfile")
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  # Only the Asterisk we started: same binary, chrooted in our root filesystem.
  [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$(cat "$state/root" 2>/dev/null)" ] || return 1
  grep -q asterisk "/proc/$pid/comm" 2>/dev/null || return 1
  echo "$pid"
}

ari_password() {
  if [ -n "${ARI_PASSWORD:-}" ]; then echo "$ARI_PASSWORD"; return; fi
  mkdir -p "$state"
  if [ ! -s "$state/ari-password" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$state/ari-password")
  fi
  cat "$state/ari-password"
}

# Every variable the daemon needs for the sandbox: voicemail recordings are
# fetched over ARI, so no folder of the sandbox's root filesystem is to be shared.
print_settings() {
  echo "export ARI_URL=http://127.0.0.1:$ari_port"
  echo "export ARI_USERNAME=${ARI_USERNAME:-accueil}"
  echo "export ARI_PASSWORD=$(ari_password)"
  # Where the daemon writes its spoken texts so that this Asterisk plays them as accueil-say/<hash> (docs/sounds.md).
  [ -r "$state/root" ] && echo "export ACCUEIL_SPEECH_DIR=$(cat "$state/root")/usr/share/asterisk/sounds/accueil-say"
  echo "# that is all \`accueil run\` needs here (voicemail recordings come over ARI)"
  return 0
}

wait_for_ari() {
  local user=${ARI_USERNAME:-accueil} pass; pass=$(ari_password)
  for _ in $(seq 1 120); do
    if curl -fsS -m 2 -u "$user:$pass" "http://127.0.0.1:$ari_port/ari/asterisk/ping" >/dev/null 2>&1; then return 0; fi
    running_pid >/dev/null || { tail -20 "$state/asterisk.out" >&2 || true; die "Asterisk exited during start (see $state/asterisk.out)"; }
    sleep 0.5
  done
  die "ARI did not answer on 127.0.0.1:$ari_port within 60 s (see $state/asterisk.out)"
}

port_busy() { ss -Hlnu "sport = :$sip_port" | grep -q . || ss -Hlnt "sport = :$ari_port" | grep -q .; }

up() {
  preflight
  if pid=$(running_pid); then
    say "already running (pid $pid)"
    print_settings; return 0
  fi
  port_busy && die "UDP $sip_port or TCP $ari_port is already in use by another program (ss -lnup / ss -lntp)"
  build_rootfs
  local root; root=$(rootfs)
  mkdir -p "$state"
  ARI_USERNAME=${ARI_USERNAME:-accueil} ARI_PASSWORD=$(ari_password) "$repo/asterisk/install-config.sh" "$root" sandbox
  # The plan's sounds, where Asterisk finds "accueil/<name>".
  rm -rf "$root/usr/share/asterisk/sounds/accueil"
  mkdir -p "$root/usr/share/asterisk/sounds/accueil"
  if compgen -G "$repo/sounds/*" >/dev/null; then cp -r "$repo"/sounds/. "$root/usr/share/asterisk/sounds/accueil/"; fi
  # Asterisk looks its own host name up to find its address; an unknown name
  # costs an error and a DNS query to the root servers on every call.
  printf '127.0.0.1 localhost %s\n::1 localhost ip6-localhost\n' "$(hostname)" > "$root/etc/hosts"
  mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
  echo "$root" > "$state/root"
  : > "$state/asterisk.out"
  # -f: stay in the foreground (we own the PID); chroot --userspec: Asterisk as its own user.
  setsid chroot --userspec=asterisk:asterisk "$root" /usr/sbin/asterisk -f -n >>"$state/asterisk.out" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  say "started Asterisk (pid $!), waiting for ARI on 127.0.0.1:$ari_port"
  wait_for_ari
  say "ready: SIP udp 127.0.0.1:$sip_port, ARI http://127.0.0.1:$ari_port"
  print_settings
}

down() {
  local root; root=$(cat "$state/root" 2>/dev/null || true)
  if pid=$(running_pid); then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    [ -d "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null || true
    say "stopped Asterisk (pid $pid)"
  else
    say "not running"
  fi
  rm -f "$pidfile"
  if [ -n "$root" ] && mountpoint -q "$root/proc"; then umount "$root/proc" || umount -l "$root/proc"; fi
  return 0
}

cli() {
  running_pid >/dev/null || die "not running"
  chroot --userspec=asterisk:asterisk "$(cat "$state/root")" /usr/sbin/asterisk -rx "$*"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) if pid=$(running_pid); then echo "running (pid $pid)"; else echo "stopped"; exit 3; fi ;;
  cli) shift; cli "$@" ;;
  log) echo "$(cat "$state/root")/var/log/asterisk/messages" ;;
  settings) print_settings ;;
  *) echo "usage: $0 up|down|status|cli CMD|log|settings" >&2; exit 2 ;;
esac
