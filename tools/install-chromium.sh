#!/usr/bin/env bash
# Finds the headless Chromium the Web UI browser test drives (test/browser), installing Debian's
# package when run as root on a machine without it: a browser build downloaded by a test library
# is neither pinned by Debian's security updates nor reachable from every machine.
# Idempotent. Prints the binary's path (usable as CHROMIUM_PATH).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

how="Install Debian's chromium package ('sudo apt-get install chromium'), or set CHROMIUM_PATH to a Chromium or Chrome binary."

found() {
  local candidate
  for candidate in /usr/bin/chromium /usr/bin/chromium-browser; do
    [[ -x "$candidate" ]] && { echo "$candidate"; return; }
  done
  echo ""
}

bin="$(found)"
if [[ -z "$bin" ]]; then
  apt_install chromium "$how"
  bin="$(found)"
  [[ -n "$bin" ]] || die "Chromium is required for the Web UI browser test but was not found. $how"
fi
echo "$bin"
