#!/usr/bin/env bash
# Installs zebkb for development on a fresh Debian/Ubuntu machine: the system
# libraries Qt needs (when run as root or with sudo), a virtualenv in .venv,
# and zebkb with its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Qt's offscreen needs (tests), its xcb window plugin's (the desktop window on X11),
# a Japanese font, and zip/unzip (the bundle benchmark compares against them).
QT_PACKAGES="libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libgl1 libglib2.0-0 fonts-noto-cjk fonts-ipaexfont-gothic zip unzip"
QT_PACKAGES="$QT_PACKAGES libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1"
QT_PACKAGES="$QT_PACKAGES libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1"
# Team mode's tests start a throwaway PostgreSQL server of their own (tests/zebkb_pg_kit.py).
QT_PACKAGES="$QT_PACKAGES postgresql"
# The Office search tests also read .docx/.xlsx/.pptx files LibreOffice writes
# (tests/search/test_search_office_libreoffice.py); headless, without a desktop.
QT_PACKAGES="$QT_PACKAGES libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui"
if command -v apt-get >/dev/null 2>&1; then
  missing=""
  for p in $QT_PACKAGES; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else SUDO="no"; fi
    if [ "$SUDO" = "no" ]; then
      echo "install these system packages first:$missing" >&2
    else
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
    fi
  fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
echo "zebkb installed in .venv: run .venv/bin/zebkb"
