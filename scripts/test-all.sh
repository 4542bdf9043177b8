#!/usr/bin/env bash
# The whole test suite: installs what a fresh Debian machine lacks, starts the
# sandbox Asterisk, runs the unit and end-to-end tests, stops Asterisk, and
# prints one last line "N passed, N failed" from jest's JSON summary.
#   npm test                 (as root on Debian; see README)
#   npm test -- -t fallback  (extra arguments go to jest)
#   ACCUEIL_TEST_IMAGES=1 npm test   also builds both images (scripts/images.sh, cached)
#                            and runs what they contain (test/images/run.sh); the
#                            last line then counts those tests too (.ci/run does this)
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

# The browser tests of the manager's page drive Debian's Chromium (never a downloaded one).
command -v chromium >/dev/null 2>&1 || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2; } || { echo "test: could not install chromium (apt-get install chromium)" >&2; exit 1; }

# The offline voices and sox/ffmpeg (text announcements, sound import): docs/sounds.md.
bash scripts/install-voices.sh >&2 || { echo "test: the offline voices could not be installed (see above)" >&2; exit 1; }
[ -d node_modules ] || npm ci --no-audit --no-fund >&2 || { echo "test: npm ci failed" >&2; exit 1; }
# Kamailio for the scale lab (test/e2e/scale.test.ts), Debian's package without its service.
bash scripts/scale-lab.sh install >&2 || { echo "test: kamailio could not be installed (apt-get install kamailio)" >&2; exit 1; }

# Stop at the end only the Asterisk this run started (a developer's may be up already).
bash scripts/asterisk-sandbox.sh status >/dev/null 2>&1 || started_here=1
settings=$(bash scripts/asterisk-sandbox.sh up) || { echo "test: the sandbox Asterisk did not start (see above)" >&2; exit 1; }
eval "$settings"
cleanup() { [ -n "${started_here:-}" ] && [ -z "${ACCUEIL_KEEP_SANDBOX:-}" ] && bash scripts/asterisk-sandbox.sh down >&2; }
trap cleanup EXIT

report=$(mktemp /tmp/accueil-jest-XXXXXX.json)
npx tsc --noEmit -p tsconfig.json >&2; typecheck=$?
# Bounded: a test that leaves something running must fail the run, never hang it
# (the e2e harness stops what a test left, test/e2e/harness/leftovers.ts; a handle
# left open after the last test does not hold the run: --forceExit).
timeout --kill-after=30 "${ACCUEIL_TEST_TIMEOUT_S:-3000}" \
  npx jest --selectProjects unit e2e --runInBand --forceExit --json --outputFile="$report" "$@" >&2; jest_status=$?
[ $jest_status -eq 124 ] && echo "test: jest ran past ${ACCUEIL_TEST_TIMEOUT_S:-3000} s and was stopped" >&2
# SIPp processes of this run's harness (their files live in /tmp/accueil-sipp-*) left behind by a killed jest.
pkill -f 'sipp .*/accueil-sipp-' 2>/dev/null
# The scale lab's namespaces, mounts and processes, should a killed jest have left them.
bash scripts/scale-lab.sh down >/dev/null 2>&1
cleanup; started_here=   # stop Asterisk now, so the summary stays the last line

# The images' tests bind the sandbox's ports: only once the sandbox is down.
reports=("$report")
images_status=0
if [ -n "${ACCUEIL_TEST_IMAGES:-}" ]; then
  images_reports=$(mktemp -d /tmp/accueil-images-reports-XXXXXX)
  ACCUEIL_IMAGES_REPORTS=$images_reports bash scripts/images.sh test >&2; images_status=$?
  reports+=("$images_reports/unit-on-image.json" "$images_reports/call.json")
fi

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const file of process.argv.slice(1)) {
    if (!fs.existsSync(file)) { console.error(`test: no jest report ${file} (jest crashed?)`); failed++; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests;
  }
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "${reports[@]}" || { echo "test: no jest report (jest crashed?)"; exit 1; }
rm -f "$report"; [ -n "${images_reports:-}" ] && rm -rf "$images_reports"
[ $typecheck -eq 0 ] || { echo "test: type check failed" >&2; exit 1; }
[ $jest_status -eq 0 ] || exit $jest_status
exit $images_status
