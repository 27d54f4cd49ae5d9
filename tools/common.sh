# Shared shell helpers for the tool scripts: pinned versions, cache locations, prerequisites.
set -euo pipefail
TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_DIR="$(dirname "$TOOLS_DIR")"
# shellcheck source=versions.env
source "$TOOLS_DIR/versions.env"
CAPSTAN_CACHE="${CAPSTAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/capstan}"
# Project-local installs (the venv, links to cached builds); CAPSTAN_TOOLS moves them.
TOOLS_HOME="${CAPSTAN_TOOLS:-$PROJECT_DIR/.tools}"

log() { printf '[capstan tools] %s\n' "$*" >&2; }
die() { printf '[capstan tools] error: %s\n' "$*" >&2; exit 1; }

# require CMD "what it is for" "how to get it"
require() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' is required $2 but was not found on PATH. $3"
}

# apt_install PACKAGE "how to get it otherwise": installs a Debian package when running as root on
# a system with apt-get (refreshing the package lists only when the first try fails); otherwise
# does nothing and the caller looks again and names how to get it.
apt_install() {
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian's $1 package (first time only)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends "$1" >&2 \
      || { apt-get update >&2 && apt-get install -y --no-install-recommends "$1" >&2; } \
      || die "apt-get could not install $1. $2"
  fi
}
