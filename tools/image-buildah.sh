#!/usr/bin/env bash
# buildah on the storage tools/build-image.sh builds into: `tools/image-buildah.sh images`,
# `… from <image id>`, `… run <container> -- node dist/workers/main.js`, `… rm <container>`.
source "$(dirname "${BASH_SOURCE[0]}")/image-common.sh"
# exec: the caller's process is buildah itself, so its signals and exit status are buildah's.
exec "${BUILDAH[@]}" "$@"
