#!/usr/bin/env bash
# Builds kube-apiserver and etcd from the Go module proxy, envtest-style, into the per-user
# cache keyed by version, then links them into .tools/kube. Idempotent: a cached build is reused.
# Prints the folder holding both binaries (usable as KUBEBUILDER_ASSETS).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

dest="$CAPSTAN_CACHE/kube/$KUBERNETES_VERSION-etcd-$ETCD_VERSION"
link="$TOOLS_HOME/kube"
if [[ -x "$dest/kube-apiserver" && -x "$dest/etcd" ]]; then
  mkdir -p "$TOOLS_HOME" && ln -sfn "$dest" "$link"
  echo "$dest"; exit 0
fi

require go "to build kube-apiserver and etcd" "Install Go 1.24+ (https://go.dev/doc/install or 'apt-get install golang'), or set KUBEBUILDER_ASSETS to a folder with prebuilt kube-apiserver and etcd."
export GOMODCACHE="$CAPSTAN_CACHE/go/mod" GOCACHE="$CAPSTAN_CACHE/go/build" GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
work="$CAPSTAN_CACHE/kube/.build-$$"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/apiserver" "$work/etcd" "$dest.tmp"

log "building etcd $ETCD_VERSION (first time only; a few minutes)"
(
  cd "$work/etcd"
  go mod init capstan.local/etcd-build >/dev/null 2>&1
  go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2
  go build -trimpath -o "$dest.tmp/etcd" go.etcd.io/etcd/server/v3 >&2
)

log "building kube-apiserver $KUBERNETES_VERSION (first time only; several minutes)"
(
  cd "$work/apiserver"
  go mod init capstan.local/kube-apiserver-build >/dev/null 2>&1
  # k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with local
  # folders; outside its repo each must be pointed at the published v0.<minor>.<patch> tag.
  kmod="$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/^\s*"GoMod": "\(.*\)",$/\1/p')"
  [[ -f "$kmod" ]] || die "could not download k8s.io/kubernetes@$KUBERNETES_VERSION from the Go module proxy"
  staging_version="v0.${KUBERNETES_VERSION#v1.}"
  sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$kmod" | while read -r mod; do
    go mod edit -replace "$mod=$mod@$staging_version"
  done
  go get "k8s.io/kubernetes/cmd/kube-apiserver@$KUBERNETES_VERSION" >&2
  minor="${KUBERNETES_VERSION#v1.}"; minor="${minor%%.*}"
  pkg=k8s.io/component-base/version
  go build -trimpath -o "$dest.tmp/kube-apiserver" \
    -ldflags "-s -w -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean" \
    k8s.io/kubernetes/cmd/kube-apiserver >&2
)

rm -rf "$dest" && mv "$dest.tmp" "$dest"
mkdir -p "$TOOLS_HOME" && ln -sfn "$dest" "$link"
log "built $("$dest/kube-apiserver" --version) and etcd $("$dest/etcd" --version | head -n1)"
echo "$dest"
