#!/usr/bin/env bash
# The two images of compose.yaml, really built here with podman (no registry
# needed): the daemon (Dockerfile) and its Asterisk (docker/asterisk.Dockerfile).
#
#   scripts/images.sh build            local bases (mmdebstrap, cached), both images
#                                      (podman build --isolation chroot, cached), their sizes
#   scripts/images.sh test             build, then the unit suite on the image's Node and the
#                                      call through the images (test/images/), under the sandbox lock;
#                                      last line "N passed, N failed"
#   scripts/images.sh rootfs IMAGE     exports IMAGE's filesystem (cached per image id), prints its path
#   scripts/images.sh podman ARGS…     podman on this script's storage ("podman images")
#
# Everything lives in ACCUEIL_IMAGES_DIR (default /var/cache/accueil/images):
# podman's storage, the bases' tarballs, the exported filesystems.
# DEBIAN_MIRROR (default http://deb.debian.org/debian), ACCUEIL_HOST_CA (the CA bundle
# the build steps trust, default the host's). Debian host, as root.
# ACCUEIL_IMAGES_REPORTS=DIR: `test` leaves its jest JSON reports there (scripts/test-all.sh sums them).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
base=${ACCUEIL_IMAGES_DIR:-/var/cache/accueil/images}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
host_ca=${ACCUEIL_HOST_CA:-/etc/ssl/certs/ca-certificates.crt}

# The names compose.yaml gives the images (its services' image: fields).
DAEMON_IMAGE=localhost/accueil:local
ASTERISK_IMAGE=localhost/accueil-asterisk:local

say() { echo "images: $*" >&2; }
die() { say "error: $*"; exit 1; }

# Runtime state (locks) on tmpfs, as podman wants it; images and layers in the cache.
pm() { podman --root "$base/storage" --runroot /run/accueil-images "$@"; }

preflight() {
  [ "$(id -u)" = 0 ] || die "must run as root (mmdebstrap, podman's storage, chroot)"
  [ -r /etc/debian_version ] || die "needs a Debian host (podman and mmdebstrap come from Debian's archive)"
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  command -v sipp >/dev/null || missing+=(sip-tester)
  command -v unshare >/dev/null || missing+=(util-linux)
  command -v ip >/dev/null || missing+=(iproute2)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} from Debian's archive"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2 \
      || die "could not install ${missing[*]} (no network to the Debian archive?)"
  fi
  mkdir -p "$base"
}

# --- local bases: what the public images give a user who has a registry ---------

# Like the official debian:sid image (minbase: the "required" packages, passwd
# among them), and its deb822 sources with "main" only
# (docker/asterisk.Dockerfile adds non-free itself, as it must on the public image).
official_sources_hook() {
  rm -f "$1/etc/apt/sources.list"
  mkdir -p "$1/etc/apt/sources.list.d"
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: sid\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    > "$1/etc/apt/sources.list.d/debian.sources"
  rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin
}
# Like the official node image: a "node" user, uid and gid 1000.
node_user_hook() {
  chroot "$1" /usr/sbin/groupadd --gid 1000 node
  chroot "$1" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node
}

# make_base NAME INCLUDE HOOK… : builds the base once per recipe, imports it, prints its tag.
make_base() {
  local name=$1 include=$2; shift 2
  local hooks=("$@") hash tag
  hash=$(
    { echo "$name $include"; declare -f make_base "${hooks[@]}"; } | sha256sum | cut -c1-12
  )
  tag="localhost/accueil-base-$name:$hash"
  if pm image exists "$tag"; then echo "$tag"; return 0; fi
  local tar="$base/base-$name-$hash.tar" log="$base/base-$name.log" t0=$SECONDS args=()
  say "building the base $name (Debian sid${include:+ + $include}) with mmdebstrap — once per recipe"
  [ -n "$include" ] && args+=(--include="$include")
  # Each hook runs in a shell of its own, given the function's text.
  for h in "${hooks[@]}"; do args+=(--customize-hook="$(declare -f "$h"); $h \"\$1\""); done
  if ! mmdebstrap --variant=minbase --aptopt='Acquire::Check-Valid-Until "false"' --components=main \
      "${args[@]}" sid "$tar.part.tar" "$mirror" >"$log" 2>&1; then
    rm -f "$tar.part.tar"; tail -5 "$log" >&2
    die "mmdebstrap failed for the base $name (full log: $log)"
  fi
  mv "$tar.part.tar" "$tar"
  pm import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' "$tar" "$tag" >/dev/null
  rm -f "$tar"
  say "base $name: $tag in $((SECONDS - t0)) s"
  echo "$tag"
}

# --- the images -------------------------------------------------------------------

# What an image is made of: its recipe, the files it copies, its base. Same inputs, same image.
inputs_hash() {
  local dockerfile=$1 base_tag=$2 sources
  sources=$(sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' "$repo/$dockerfile" \
    | awk '$1=="COPY" && $2 !~ /^--from/ { for (i = 2; i < NF; i++) print $i }')
  {
    echo "$base_tag"
    cd "$repo" && find "$dockerfile" .dockerignore $sources -type f -print0 | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-12
}

# build_image IMAGE DOCKERFILE BUILD-ARG=BASE [PODMAN-BUILD-OPTION…]
build_image() {
  local image=$1 dockerfile=$2 arg=$3 hash t0=$SECONDS log
  local extra=("${@:4}")
  hash=$(inputs_hash "$dockerfile" "${arg#*=}")
  if [ "$(pm image inspect --format '{{index .Labels "org.accueil.inputs"}}' "$image" 2>/dev/null || true)" = "$hash" ]; then
    say "$image is up to date (inputs $hash)"
  else
    log="$base/build-$(basename "$dockerfile").log"
    say "building $image from $dockerfile on ${arg#*=} (log: $log)"
    # --format docker keeps HEALTHCHECK (the OCI format has no such field).
    if ! pm build --isolation chroot --format docker --layers --build-arg "$arg" "${extra[@]}" \
        --label "org.accueil.inputs=$hash" -f "$repo/$dockerfile" -t "$image" "$repo" >"$log" 2>&1; then
      tail -20 "$log" >&2
      die "podman build of $dockerfile failed (full log: $log)"
    fi
    say "built $image in $((SECONDS - t0)) s"
  fi
  local size; size=$(pm image inspect --format '{{.Size}}' "$image")
  echo "$image $((size / 1000000)) MB"
}

build() {
  preflight
  local debian node t0=$SECONDS
  debian=$(make_base debian "" official_sources_hook)
  node=$(make_base node "nodejs,npm" official_sources_hook node_user_hook)
  # npm's steps trust the host's CA bundle (a TLS-intercepting proxy in front of the
  # registry): bound over the base's own for the build only, never in a layer.
  build_image "$DAEMON_IMAGE" Dockerfile "NODE_IMAGE=$node" -v "$host_ca:/etc/ssl/certs/ca-certificates.crt:ro"
  build_image "$ASTERISK_IMAGE" docker/asterisk.Dockerfile "DEBIAN_IMAGE=$debian"
  say "images ready in $((SECONDS - t0)) s"
}

# The image's filesystem as a container would see it, unpacked once per image id.
rootfs() {
  local image=$1 id dir mnt
  id=$(pm image inspect --format '{{.Id}}' "$image" | cut -c1-12) || die "no image $image (run: scripts/images.sh build)"
  dir="$base/rootfs/${image##*/}-$id"
  dir=${dir//:/-}
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
    mnt=$(pm image mount "$image")
    tar -C "$mnt" -cf - . | tar -C "$dir.tmp" -xpf - --numeric-owner
    pm image unmount "$image" >/dev/null
    touch "$dir.tmp/.complete"
    rm -rf "$dir"; mv "$dir.tmp" "$dir"
    # Other exports of the same image name are stale.
    for old in "$base/rootfs/${image##*/}"-*; do
      old=${old//:/-}; [ "$old" = "$dir" ] || [ ! -d "$old" ] || rm -rf "$old"
    done
  fi
  echo "$dir"
}

case "${1:-}" in
  build) build ;;
  rootfs) shift; rootfs "${1:?usage: $0 rootfs IMAGE}" ;;
  podman) shift; pm "$@" ;;
  test) shift; preflight; build >&2; exec bash "$repo/test/images/run.sh" "$@" ;;
  *) echo "usage: $0 build|test|rootfs IMAGE|podman ARGS…" >&2; exit 2 ;;
esac
