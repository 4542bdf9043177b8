#!/usr/bin/env bash
# What the images contain, run (called by `scripts/images.sh test`, once both are built):
#   1. the unit suite on the daemon image's own Node (its filesystem, by chroot);
#   2. the call through the images (jest project "images", test/images/*.test.ts)
#      in a network namespace of its own, whose only interface is loopback (with
#      compose's ARI address on it), under the sandbox's lock.
# No container engine runs here (crun cannot, cgroups in hybrid mode): each image's
# exported filesystem is chrooted into as its config says (entrypoint, user, env).
# Prints "N passed, N failed" for both runs last; ACCUEIL_IMAGES_REPORTS=DIR keeps
# the jest JSON reports there. Extra arguments go to the jest of step 2.
# ACCUEIL_E2E_LOCK_HELD=1 when the caller already holds /tmp/accueil-e2e.lock.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
base=${ACCUEIL_IMAGES_DIR:-/var/cache/accueil/images}
images="$repo/scripts/images.sh"
reports=${ACCUEIL_IMAGES_REPORTS:-$(mktemp -d /tmp/accueil-images-XXXXXX)}
mkdir -p "$reports"
say() { echo "images-test: $*" >&2; }

daemon_root=$(bash "$images" rootfs localhost/accueil:local) || exit 1
bash "$images" rootfs localhost/accueil-asterisk:local >/dev/null || exit 1

# --- 1. the unit suite on the image's Node ------------------------------------------
# A copy of the sources with node_modules installed by the image's own npm
# (native addons compiled for its Node), cached per lock file and image.
node_version=$(chroot "$daemon_root" /usr/bin/env -i PATH=/usr/bin:/bin node --version)
work="$base/unit-on-image"
key="$(sha256sum package-lock.json | cut -c1-12)-$node_version"
mkdir -p "$work/src"
# The sources as they are now (node_modules kept: it is the cache).
find "$work/src" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
tar -C "$repo" --exclude=./node_modules --exclude=./.git --exclude=./dist --exclude=./coverage -cf - . | tar -C "$work/src" -xf -
# As a container of the daemon image would (in-image.sh: its own writable layer),
# as root, the sources at /src, the host's network, resolver and CA bundle (npm's
# registry behind a TLS-intercepting proxy here).
unit_in_image() {
  local run; run=$(mktemp -d /tmp/accueil-unit-on-image-XXXXXX)
  printf 'PATH=/usr/local/bin:/usr/bin:/bin\nHOME=/root\nCI=1\n' > "$run/env"
  printf '%s /src rw\n/etc/resolv.conf /etc/resolv.conf ro\n%s /etc/ssl/certs/ca-certificates.crt ro\n' \
    "$work/src" "${ACCUEIL_HOST_CA:-/etc/ssl/certs/ca-certificates.crt}" > "$run/mounts"
  bash "$repo/test/images/harness/in-image.sh" "$run/ctr" "$daemon_root" 0:0 0 /src "$run/env" "$run/mounts" -- "$@"
  local status=$?
  rm -rf "$run"
  return $status
}
if [ "$(cat "$work/node_modules.key" 2>/dev/null)" != "$key" ]; then
  say "npm ci with the image's npm (Node $node_version) for the unit suite"
  # The dev dependencies include a native addon (better-sqlite3) and the final image has no
  # compiler (it is built in the Dockerfile's toolchain stage): this throwaway layer gets one.
  unit_in_image bash -c 'command -v make >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 make g++ >/dev/null; } && npm ci --no-audit --no-fund' >&2 \
    || { say "npm ci in the image failed"; exit 1; }
  echo "$key" > "$work/node_modules.key"
fi
say "unit suite on the image's Node $node_version"
rm -f "$work/src/.unit-report.json"
unit_in_image node node_modules/.bin/jest --selectProjects unit --maxWorkers=1 --json --outputFile=/src/.unit-report.json >&2
cp "$work/src/.unit-report.json" "$reports/unit-on-image.json" 2>/dev/null || say "no report from the unit suite on the image's Node"

# --- 2. the call through the images ---------------------------------------------------
# ACCUEIL_E2E_LOCK_HELD=1: the caller holds the lock already (flock … .ci/run).
if [ -z "${ACCUEIL_E2E_LOCK_HELD:-}" ]; then
  say "waiting for the sandbox lock (the call uses the sandbox's SIP/ARI ports)"
  exec 9>/tmp/accueil-e2e.lock
  flock 9
fi
# compose.yaml's ARI address, on the namespace's loopback (nothing leaves it).
ari_address=$(node -e 'const y=require("yaml");const c=y.parse(require("fs").readFileSync("compose.yaml","utf8"));process.stdout.write(c.services.asterisk.environment.ACCUEIL_ARI_BIND_ADDRESS)')
unshare --net bash -c '
  ip link set lo up && ip addr add "$1/32" dev lo && shift && exec "$@"
' net "$ari_address" npx jest --selectProjects images --runInBand --json --outputFile="$reports/call.json" "$@" >&2
[ -n "${ACCUEIL_E2E_LOCK_HELD:-}" ] || exec 9>&-

node -e '
  const fs = require("fs"), path = require("path");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of ["unit-on-image.json", "call.json"]) {
    const file = path.join(process.argv[1], f);
    if (!fs.existsSync(file)) { console.error(`images-test: no ${f} (jest crashed?)`); failed++; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0); skipped += r.numPendingTests;
  }
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
  process.exitCode = failed ? 1 : 0;
' "$reports"
