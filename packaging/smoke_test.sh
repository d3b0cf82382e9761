#!/usr/bin/env bash
# Check a built readinglist binary: --version, a command on a fresh library, and the main
# window opening and painting offscreen (the hidden `gui --smoke-test`).
#
#   packaging/smoke_test.sh build/dist/readinglist/readinglist
set -euo pipefail
APP=${1:?usage: smoke_test.sh PATH/TO/readinglist}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export QT_QPA_PLATFORM=offscreen READINGLIST_HOME="$TMP/library"
export XDG_CONFIG_HOME="$TMP/config" XDG_DATA_HOME="$TMP/data"

echo "--- $APP --version"
"$APP" --version
# The sample digest from the bundle itself: proves resources/ was bundled.
SAMPLE=$(find "$(dirname "$APP")" -path '*resources/sample/sample-digest.txt' -print -quit)
[ -n "$SAMPLE" ] || { echo "no resources/sample/sample-digest.txt in the bundle" >&2; exit 1; }
LICENSE_FILE=$(find "$(dirname "$APP")" -name LICENSE -print -quit)
[ -n "$LICENSE_FILE" ] && grep -q "GNU GENERAL PUBLIC LICENSE" "$LICENSE_FILE" ||
    { echo "no LICENSE (the GPL's text) in the bundle" >&2; exit 1; }
echo "--- import the bundled sample digest (migrations, parser, index)"
"$APP" import "$SAMPLE"
"$APP" stats --json >"$TMP/stats.json"
grep -q '"papers": 6' "$TMP/stats.json"
echo "--- open the main window offscreen"
timeout 60 "$APP" gui --smoke-test
echo "smoke test passed"
