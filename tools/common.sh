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
