# Shared by tools/build-image.sh and tools/image-base.sh: buildah with its storage in the per-user
# cache (so layers are reused from run to run) and chroot isolation (no daemon, no user-namespace
# setup; runs as root in a plain VM or CI container).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BUILDAH_DRIVER="${CAPSTAN_BUILDAH_DRIVER:-overlay}"
[[ "$BUILDAH_DRIVER" == overlay || "$BUILDAH_DRIVER" == vfs ]] || die "CAPSTAN_BUILDAH_DRIVER=$BUILDAH_DRIVER: use overlay or vfs"
# One storage per driver: containers/storage refuses to open a store with another driver.
IMAGE_CACHE="$CAPSTAN_CACHE/buildah/$BUILDAH_DRIVER"
mkdir -p "$IMAGE_CACHE"

if ! command -v buildah >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing buildah and debootstrap from Debian's archive (first time only)"
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -q buildah debootstrap \
      || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q buildah debootstrap; }; } >&2 \
      || die "apt-get install buildah debootstrap failed (its output is above)"
  fi
  require buildah "to build the container image" "Install it with 'apt-get install -y buildah debootstrap' (Debian 12 ships 1.28)."
fi

BUILDAH=(buildah --root "$IMAGE_CACHE/storage" --runroot "$IMAGE_CACHE/run" --storage-driver "$BUILDAH_DRIVER")
buildah_() { "${BUILDAH[@]}" "$@"; }
