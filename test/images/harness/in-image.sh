#!/usr/bin/env bash
# Runs a command in an image's exported filesystem the way a container engine
# would, without one: a mount namespace of its own, a writable overlay on the
# image (so every run starts from the image as built), /proc, a minimal /dev,
# /etc/hosts, the volumes bound where compose mounts them, then chroot as the
# image's user with exactly the given environment, in its working directory.
#   in-image.sh RUNDIR ROOTFS UID:GID GROUPS WORKDIR ENVFILE MOUNTSFILE -- CMD…
# ENVFILE: one NAME=value a line. MOUNTSFILE: "SOURCE TARGET rw|ro" a line.
# GROUPS: supplementary gids, comma-separated (or empty). The command keeps this
# script's pid (exec all the way), so its caller can signal it and reach its
# filesystem as /proc/PID/root.
set -euo pipefail
[ $# -ge 9 ] && [ "$8" = "--" ] || { echo "usage: $0 RUNDIR ROOTFS UID:GID GROUPS WORKDIR ENVFILE MOUNTSFILE -- CMD…" >&2; exit 2; }
if [ -z "${ACCUEIL_IN_IMAGE_NS:-}" ]; then
  ACCUEIL_IN_IMAGE_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi
run=$1 lower=$2 userspec=$3 groups=$4 workdir=$5 envfile=$6 mounts=$7
shift 8
root="$run/merged"
mkdir -p "$run/upper" "$run/work" "$root"
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$run/upper,workdir=$run/work" "$root"
mount -t proc proc "$root/proc"
mount -t tmpfs -o mode=0755,nosuid dev "$root/dev"
for node in null zero full random urandom tty; do
  touch "$root/dev/$node" && mount --bind "/dev/$node" "$root/dev/$node"
done
mkdir -p "$root/dev/shm" "$root/dev/pts" && mount -t tmpfs -o mode=1777,nosuid,nodev shm "$root/dev/shm"
ln -s /proc/self/fd "$root/dev/fd"
printf '127.0.0.1 localhost %s\n::1 localhost ip6-localhost\n' "$(hostname)" > "$run/hosts"
touch "$root/etc/hosts" && mount --bind "$run/hosts" "$root/etc/hosts"
while read -r source target mode; do
  [ -n "$source" ] || continue
  if [ -d "$source" ]; then mkdir -p "$root$target"; else mkdir -p "$(dirname "$root$target")" && touch "$root$target"; fi
  mount --bind "$source" "$root$target"
  [ "$mode" = ro ] && mount -o remount,bind,ro "$root$target"
done < "$mounts"
mapfile -t environment < "$envfile"
exec chroot --userspec="$userspec" ${groups:+--groups="$groups"} "$root" \
  /usr/bin/env -i "${environment[@]}" /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "$@"
