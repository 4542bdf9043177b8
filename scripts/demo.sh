#!/usr/bin/env bash
# The demo: sandbox Asterisk + the daemon on demo/plan.yaml, a SIPp secretariat
# phone, and one scripted call to Dr Martin's number whose journey shows in the
# log: greeting, secretariat rings with "[Dr Martin] 06 12 34 56 78", answers,
# bridged, caller hangs up. Run as root on Debian: `npm run demo`.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
[ -d node_modules ] || npm ci --no-audit --no-fund >&2
# Stop at the end only the Asterisk the demo started.
bash scripts/asterisk-sandbox.sh status >/dev/null 2>&1 || started_here=1
eval "$(bash scripts/asterisk-sandbox.sh up)"

work=$(mktemp -d /tmp/accueil-demo-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${started_here:-}" ]; then bash scripts/asterisk-sandbox.sh down >&2; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The secretariat's phone: rings 2 s, answers, talks until the caller hangs up.
sed -e 's/{{ring_ms}}/2000/' -e 's/{{hold_ms}}/60000/' test/e2e/sipp/phone.xml > "$work/phone.xml"
sipp -sf "$work/phone.xml" -i 127.0.0.1 -p 5081 -mp 16000 -nostdin -trace_msg -message_file "$work/secretariat.msg" >/dev/null 2>&1 &
pids+=($!)

echo "── starting the daemon (accueil run --plan demo/plan.yaml)" >&2
ACCUEIL_LOG_FORMAT=${ACCUEIL_LOG_FORMAT:-pretty} node bin/accueil run --plan demo/plan.yaml --sounds sounds &
daemon=$!
pids+=($daemon)
sleep 3

echo "── a patient (06 12 34 56 78) calls Dr Martin's number, 01 42 00 00 01, and talks 6 s" >&2
sed -e 's/{{hold_ms}}/6000/' -e 's/{{audio_after_ms}}/1/' -e 's/{{audio}}/g711a/' test/e2e/sipp/caller.xml > "$work/caller.xml"
if sipp 127.0.0.1:5060 -sf "$work/caller.xml" -s 0142000001 -i 127.0.0.1 -p 5090 -mp 16100 \
    -key caller 0612345678 -m 1 -nostdin >/dev/null 2>&1; then
  echo "── the call was answered and ended normally" >&2
else
  echo "── the call failed (see the log above)" >&2
fi
sleep 1
echo "── what the secretariat's phone saw:" >&2
grep -m1 '^From:' "$work/secretariat.msg" >&2 || echo "   (no INVITE reached the secretariat)" >&2
kill -TERM "$daemon"; wait "$daemon" || true
