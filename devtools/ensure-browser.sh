#!/bin/sh
# Makes sure Debian's Chromium is at /usr/bin/chromium before the browser tests
# start, so that `make test` on a fresh machine needs no step of its own.
# Installs it with apt-get as root, or through sudo when that needs no password;
# otherwise stops with the one command a person has to run, and exits non-zero.
set -eu
CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root="sudo -n"
else
  as_root="none"
fi
if [ "$as_root" = none ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "make test needs Debian's Chromium at $CHROMIUM; install it with: sudo apt-get update && sudo apt-get install -y chromium" >&2
  exit 1
fi

echo "Installing Debian's chromium for the browser tests (once; about a minute)..."
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
[ -x "$CHROMIUM" ] || { echo "apt-get ran but $CHROMIUM is still missing" >&2; exit 1; }
