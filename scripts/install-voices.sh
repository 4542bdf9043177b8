#!/usr/bin/env bash
# The offline voices and audio tools the daemon runs (docs/sounds.md): SVOX Pico
# (pico2wave, Debian non-free), espeak-ng (fallback), sox (normalise, measure),
# ffmpeg (import MP3/M4A). Installs what is missing, on Debian, as root; enables
# the non-free component in a file of its own when libttspico-utils needs it.
#   scripts/install-voices.sh        (called by scripts/test-all.sh and scripts/demo.sh)
set -euo pipefail
say() { echo "install-voices: $*" >&2; }
missing=()
command -v pico2wave >/dev/null || missing+=(libttspico-utils)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v sox >/dev/null || missing+=(sox)
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" = 0 ] || { say "missing ${missing[*]}; run me as root to install them (apt-get)"; exit 1; }
[ -r /etc/debian_version ] || { say "missing ${missing[*]}: install them with your system's package manager"; exit 1; }
if [[ " ${missing[*]} " == *" libttspico-utils "* ]] && ! apt-cache policy libttspico-utils 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  say "enabling Debian's non-free component for SVOX Pico (/etc/apt/sources.list.d/accueil-non-free.sources)"
  cat > /etc/apt/sources.list.d/accueil-non-free.sources <<SRC
Types: deb
URIs: ${DEBIAN_MIRROR:-http://deb.debian.org/debian}
Suites: $codename
Components: non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
say "installing ${missing[*]} from Debian's archive"
{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2 \
  || { say "could not install ${missing[*]} (no network to the Debian archive?)"; exit 1; }
