#!/usr/bin/env bash
# Builds Capstan's container image from the Dockerfile with buildah (Debian's package: no daemon,
# chroot isolation), its storage in the per-user cache so unchanged steps are reused from run to
# run. Prints the image ID.
#   CAPSTAN_IMAGE            tag to give the image (default localhost/capstan:dev)
#   NODE_IMAGE               base image (the Dockerfile's default is docker.io/library/node:20-bookworm-slim);
#                            unset here, a local stand-in is built (tools/image-base.sh) because CI has no
#                            container registry
#   CAPSTAN_BUILDAH_DRIVER   overlay (default; needs root and kernel overlayfs) or vfs (works anywhere,
#                            but copies the whole tree per step: no step cache then, to bound the disk)
source "$(dirname "${BASH_SOURCE[0]}")/image-common.sh"

tag="${CAPSTAN_IMAGE:-localhost/capstan:dev}"
base="${NODE_IMAGE:-$(bash "$TOOLS_DIR/image-base.sh")}"

args=(--isolation chroot --build-arg "NODE_IMAGE=$base" --tag "$tag")
if [[ "$BUILDAH_DRIVER" == overlay ]]; then
  args+=(--layers)
else
  args+=(--layers=false)
fi
# Behind a TLS-intercepting proxy the host trusts its CA; `npm ci` inside the build must too.
ca="${NODE_EXTRA_CA_CERTS:-}"
[[ -n "$ca" ]] || ca="$(npm config get cafile 2>/dev/null || true)"
# Its folder goes on /mnt, a folder every Debian image has, so no empty mount point is left in a layer.
if [[ -f "$ca" ]]; then
  args+=(--volume "$(dirname "$ca"):/mnt:ro" --build-arg "NODE_EXTRA_CA_CERTS=/mnt/$(basename "$ca")")
fi

iidfile="$(mktemp)"
trap 'rm -f "$iidfile"' EXIT
started=$SECONDS
# --force-rm: a failed step leaves no working container behind in the shared storage.
buildah_ bud "${args[@]}" --force-rm --iidfile "$iidfile" --file "$PROJECT_DIR/Dockerfile" "$PROJECT_DIR" >&2 \
  || die "buildah bud failed (its output is above)"
log "built $tag in $((SECONDS - started)) s"
# Without a step cache, earlier builds are only disk: keep the ones still tagged.
[[ "$BUILDAH_DRIVER" == overlay ]] || buildah_ rmi --prune >/dev/null 2>&1 || true
cat "$iidfile"; echo
