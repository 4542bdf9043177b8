#!/usr/bin/env bash
# Entrypoint of the Asterisk image: renders the site-specific parts of the
# production configuration from the environment, then runs Asterisk.
# Asterisk's .conf files cannot read the environment, and secrets must not be
# baked into the image: they are written into /etc/asterisk at each start.
#
#   ARI_USERNAME (default accueil), ARI_PASSWORD           the daemon's ARI user
#   ACCUEIL_PHONES="secretariat dr-martin"                 phones that register (names = plan endpoints)
#   ACCUEIL_PHONE_PASSWORD_<NAME>                          one per phone; NAME upper-cased, '-' as '_'
#   ACCUEIL_PHONE_MAILBOXES_<NAME>="dr-martin"             optional: the voicemail boxes whose lamp this phone shows
#   ACCUEIL_TRUNK_HOST, ACCUEIL_TRUNK_USERNAME,
#   ACCUEIL_TRUNK_PASSWORD, ACCUEIL_TRUNK_NUMBER           the operator's trunk (optional; template trunk.conf.in)
#   ACCUEIL_TRUNK_MATCH                                    where the operator's calls come from (default: the host)
#   ACCUEIL_SIP_EXTERNAL_ADDRESS, ACCUEIL_SIP_LOCAL_NET    NAT: the address peers see, the networks that are local
#   ACCUEIL_ARI_BIND_ADDRESS                               where ARI listens (default 0.0.0.0, the container's networks)
# Every secret may come from a file instead (Docker secrets): set NAME_FILE.
# Values must not contain spaces, ';' or '@' (they are written into Asterisk's config).
#
#   accueil-asterisk-entrypoint --render-only    render and exit (tests, checks)
# ACCUEIL_ASTERISK_ETC / ACCUEIL_ASTERISK_RECIPE move /etc/asterisk and /opt/accueil/asterisk (tests).
set -euo pipefail
# Rendered files hold passwords: readable by the asterisk user and group only.
umask 0027
etc=${ACCUEIL_ASTERISK_ETC:-/etc/asterisk}
recipe=${ACCUEIL_ASTERISK_RECIPE:-/opt/accueil/asterisk}
missing=()
bad=()

say() { echo "accueil-asterisk: $*" >&2; }

# The value of a setting into $REPLY: NAME, or the content of the file NAME_FILE.
# (Not printed: a $(subshell) would lose what it records in missing/bad.)
value_of() {
  local name=$1 file_var="${1}_FILE"
  REPLY=
  if [ -n "${!file_var:-}" ]; then
    [ -r "${!file_var}" ] || { bad+=("$file_var: cannot read ${!file_var}"); return 1; }
    REPLY=$(cat "${!file_var}")
  elif [ -n "${!name:-}" ]; then
    REPLY=${!name}
  else
    missing+=("$name"); return 1
  fi
  case "$REPLY" in *[[:space:]\;@]*) bad+=("$name must not contain spaces, ';' or '@'"); REPLY=; return 1;; esac
  return 0
}

# Copies a template, replacing @NAME@ by the setting NAME (comment lines untouched).
render() {
  local template=$1 out=$2 line name
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ ! $line =~ ^[[:space:]]*\; ]]; then
      while [[ $line =~ @([A-Z][A-Z0-9_]*)@ ]]; do
        name=${BASH_REMATCH[1]}
        value_of "$name" || REPLY="unset-$name"
        line=${line//"@$name@"/$REPLY}
      done
    fi
    printf '%s\n' "$line"
  done < "$template" > "$out"
}

render_ari() {
  value_of ARI_PASSWORD || return 0
  ARI_USERNAME=${ARI_USERNAME:-accueil} ARI_PASSWORD=$REPLY render "$recipe/conf/ari.conf.template" "$etc/ari.conf"
}

render_phones() {
  local out="$etc/pjsip_phones.conf" phone var password box list mailboxes
  echo "; Rendered at start from ACCUEIL_PHONES by accueil-asterisk-entrypoint: do not edit." > "$out"
  [ -n "${ACCUEIL_PHONES:-}" ] || { say "warning: ACCUEIL_PHONES is empty: no phone can register"; return 0; }
  for phone in ${ACCUEIL_PHONES//,/ }; do
    [[ $phone =~ ^[a-z0-9][a-z0-9-]*$ ]] || { bad+=("phone name '$phone': lower-case letters, digits and '-' only"); continue; }
    var="ACCUEIL_PHONE_PASSWORD_$(echo "${phone//-/_}" | tr '[:lower:]' '[:upper:]')"
    value_of "$var" || continue
    password=$REPLY
    # Phones face the network: short passwords are guessed by SIP scanners within hours.
    [ ${#password} -ge 12 ] || { bad+=("$var is shorter than 12 characters"); continue; }
    # Accueil's boxes are mailboxes <box>@accueil (the daemon sets their message counts).
    var="ACCUEIL_PHONE_MAILBOXES_$(echo "${phone//-/_}" | tr '[:lower:]' '[:upper:]')"
    mailboxes="" list=${!var:-}
    for box in ${list//,/ }; do
      [[ $box =~ ^[a-z0-9][a-z0-9-]*$ ]] || { bad+=("$var: box '$box': lower-case letters, digits and '-' only"); continue; }
      mailboxes="${mailboxes:+$mailboxes,}$box@accueil"
    done
    cat >> "$out" <<CONF

[$phone](phone)
auth = $phone
aors = $phone
CONF
    # Unsolicited NOTIFYs light the lamp; a phone that subscribes itself replaces them.
    [ -z "$mailboxes" ] || printf 'mailboxes = %s\nmwi_subscribe_replaces_unsolicited = yes\n' "$mailboxes" >> "$out"
    cat >> "$out" <<CONF

[$phone]
type = auth
auth_type = userpass
username = $phone
password = $password

[$phone]
type = aor
; One phone per line: a new registration replaces the old one.
max_contacts = 1
remove_existing = yes
qualify_frequency = 30
CONF
    [ -z "$mailboxes" ] || printf 'mailboxes = %s\n' "$mailboxes" >> "$out"
  done
}

render_trunk() {
  local out="$etc/pjsip_trunk.conf"
  if [ -z "${ACCUEIL_TRUNK_HOST:-}" ]; then
    echo "; No trunk: ACCUEIL_TRUNK_HOST is not set (see docs/operations.md)." > "$out"
    say "warning: no SIP trunk configured (ACCUEIL_TRUNK_HOST is not set)"
    return 0
  fi
  : "${ACCUEIL_TRUNK_MATCH:=$ACCUEIL_TRUNK_HOST}"
  export ACCUEIL_TRUNK_MATCH
  render "${ACCUEIL_TRUNK_TEMPLATE:-$recipe/production/trunk.conf.in}" "$out"
}

render_site() {
  local out="$etc/pjsip_site.conf" net
  echo "; Rendered at start by accueil-asterisk-entrypoint: NAT settings of the transport." > "$out"
  [ -n "${ACCUEIL_SIP_EXTERNAL_ADDRESS:-}" ] || return 0
  {
    echo "[transport-udp](+)"
    echo "external_media_address = $ACCUEIL_SIP_EXTERNAL_ADDRESS"
    echo "external_signaling_address = $ACCUEIL_SIP_EXTERNAL_ADDRESS"
    for net in ${ACCUEIL_SIP_LOCAL_NET//,/ }; do echo "local_net = $net"; done
  } >> "$out"
}

render_http() {
  echo "; Rendered at start: ARI listens on the container's network only (never published)." > "$etc/http_bind.conf"
  echo "bindaddr = ${ACCUEIL_ARI_BIND_ADDRESS:-0.0.0.0}" >> "$etc/http_bind.conf"
}

render_ari
render_phones
render_trunk
render_site
render_http

if [ ${#missing[@]} -gt 0 ] || [ ${#bad[@]} -gt 0 ]; then
  for m in "${missing[@]}"; do say "error: $m is not set (nor ${m}_FILE)"; done
  for b in "${bad[@]}"; do say "error: $b"; done
  exit 2
fi
say "configuration rendered in $etc"

[ "${1:-}" = "--render-only" ] && exit 0

# Recordings are shared with the daemon's container (same group): it reads and removes them.
recordings=/var/spool/asterisk/recording
[ -d "$recordings" ] && { chmod 2775 "$recordings" 2>/dev/null || say "warning: cannot make $recordings group-writable"; }
umask 0007
exec "$@"
