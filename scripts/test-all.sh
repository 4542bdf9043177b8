#!/usr/bin/env bash
# The whole test suite: installs what a fresh Debian machine lacks, starts the
# sandbox Asterisk, runs the unit and end-to-end tests, stops Asterisk, and
# prints one last line "N passed, N failed" from jest's JSON summary.
#   npm test                 (as root on Debian; see README)
#   npm test -- -t fallback  (extra arguments go to jest)
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

# The offline voices and sox/ffmpeg (text announcements, sound import): docs/sounds.md.
bash scripts/install-voices.sh >&2 || { echo "test: the offline voices could not be installed (see above)" >&2; exit 1; }
[ -d node_modules ] || npm ci --no-audit --no-fund >&2 || { echo "test: npm ci failed" >&2; exit 1; }

# Stop at the end only the Asterisk this run started (a developer's may be up already).
bash scripts/asterisk-sandbox.sh status >/dev/null 2>&1 || started_here=1
settings=$(bash scripts/asterisk-sandbox.sh up) || { echo "test: the sandbox Asterisk did not start (see above)" >&2; exit 1; }
eval "$settings"
cleanup() { [ -n "${started_here:-}" ] && [ -z "${ACCUEIL_KEEP_SANDBOX:-}" ] && bash scripts/asterisk-sandbox.sh down >&2; }
trap cleanup EXIT

report=$(mktemp /tmp/accueil-jest-XXXXXX.json)
npx tsc --noEmit -p tsconfig.json >&2; typecheck=$?
npx jest --runInBand --json --outputFile="$report" "$@" >&2; jest_status=$?
cleanup; started_here=   # stop Asterisk now, so the summary stays the last line

node -e '
  const r = require(process.argv[1]);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' "$report" || { echo "test: no jest report (jest crashed?)"; exit 1; }
rm -f "$report"
[ $typecheck -eq 0 ] || { echo "test: type check failed" >&2; exit 1; }
exit $jest_status
