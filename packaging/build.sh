#!/usr/bin/env bash
# Build the one-folder app (build/dist/readinglist/) from a clean clone, then check it starts.
#
#   packaging/build.sh            build and smoke-test
#   packaging/build.sh --no-test  build only
#
# Uses its own virtualenv (build/venv), so the development .venv is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-python3}
VENV=$ROOT/build/venv
DIST=$ROOT/build/dist
APP=$DIST/readinglist/readinglist

if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating $VENV ..."
    "$PYTHON" -m venv "$VENV"
fi
echo "Installing readinglist and PyInstaller into $VENV ..."
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "$ROOT" "pyinstaller>=6.3"

echo "Running PyInstaller ..."
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$ROOT/build/pyinstaller" \
    "$ROOT/packaging/readinglist.spec"
echo "Built $DIST/readinglist/"

if [ "${1:-}" != "--no-test" ]; then
    "$ROOT/packaging/smoke_test.sh" "$APP"
fi
