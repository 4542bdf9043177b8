#!/usr/bin/env bash
# Installs Accueil's Asterisk configuration into a root filesystem.
#   asterisk/install-config.sh ROOT OVERLAY
# ROOT: "/" in the Docker image, the sandbox's root filesystem otherwise.
# OVERLAY: "sandbox" or "production" (where SIP/HTTP listen, how phones are reached).
# ARI_USERNAME / ARI_PASSWORD come from the environment; the password is never
# written anywhere but ROOT/etc/asterisk/ari.conf (mode 0640, owner asterisk).
# Shared by scripts/asterisk-sandbox.sh and docker/asterisk.Dockerfile: one recipe.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${1:?usage: install-config.sh ROOT sandbox|production}
overlay=${2:?usage: install-config.sh ROOT sandbox|production}
[ -d "$here/$overlay" ] || { echo "install-config: no overlay '$overlay' in $here" >&2; exit 2; }
: "${ARI_USERNAME:=accueil}"
if [ -z "${ARI_PASSWORD:-}" ]; then echo "install-config: ARI_PASSWORD is not set" >&2; exit 2; fi
case "$ARI_PASSWORD$ARI_USERNAME" in *[[:space:]\;@]*) echo "install-config: ARI_USERNAME/ARI_PASSWORD must not contain spaces, ';' or '@'" >&2; exit 2;; esac

etc="$root/etc/asterisk"
mkdir -p "$etc"
# Debian's sample files would be read by modules we do not load, or confuse a
# reader: the configuration is exactly ours.
find "$etc" -maxdepth 1 -type f \( -name '*.conf' -o -name '*.ael' -o -name '*.lua' -o -name '*.adsi' \) -delete
install -m 0644 "$here"/conf/*.conf "$etc/"
install -m 0644 "$here/$overlay"/*.conf "$etc/"
sed -e "s;@ARI_USERNAME@;$ARI_USERNAME;" -e "s;@ARI_PASSWORD@;$ARI_PASSWORD;" "$here/conf/ari.conf.template" > "$etc/ari.conf"
chmod 0640 "$etc/ari.conf"
# The asterisk user (uid from the root filesystem's own passwd) owns what it writes.
uid=$(awk -F: '$1=="asterisk"{print $3}' "$root/etc/passwd")
gid=$(awk -F: '$1=="asterisk"{print $4}' "$root/etc/passwd")
[ -n "$uid" ] || { echo "install-config: no asterisk user in $root/etc/passwd" >&2; exit 2; }
chown "$uid:$gid" "$etc/ari.conf"
# run/, not var/run/: in Debian the latter is an absolute symlink that would lead out of ROOT.
for d in var/lib/asterisk var/spool/asterisk var/spool/asterisk/recording var/log/asterisk run/asterisk var/cache/asterisk; do
  mkdir -p "$root/$d"; chown -R "$uid:$gid" "$root/$d"
done
