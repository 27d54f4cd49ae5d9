#!/usr/bin/env bash
# Builds kube-apiserver, etcd, etcdutl and kubectl from the Go module proxy, envtest-style, into
# the per-user cache keyed by version, then links them into .tools/kube. etcdutl (same version as
# etcd) restores the simulator's etcd snapshots and judges them in the tests. Idempotent: a binary already
# in the cache is reused, a missing one is built. Prints the folder (usable as KUBEBUILDER_ASSETS).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

dest="$CAPSTAN_CACHE/kube/$KUBERNETES_VERSION-etcd-$ETCD_VERSION"
link="$TOOLS_HOME/kube"
have() { [[ -x "$dest/$1" ]]; }
if have kube-apiserver && have etcd && have etcdutl && have kubectl; then
  mkdir -p "$TOOLS_HOME" && ln -sfn "$dest" "$link"
  echo "$dest"; exit 0
fi

require go "to build kube-apiserver, etcd, etcdutl and kubectl" "Install Go 1.24+ (https://go.dev/doc/install or 'apt-get install golang'), or set KUBEBUILDER_ASSETS to a folder with prebuilt kube-apiserver, etcd, etcdutl and kubectl."
export GOMODCACHE="$CAPSTAN_CACHE/go/mod" GOCACHE="$CAPSTAN_CACHE/go/build" GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
work="$CAPSTAN_CACHE/kube/.build-$$"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/apiserver" "$work/etcd" "$work/etcdutl" "$dest"

# Each binary is built beside its final name and renamed, so a cut-short build leaves nothing half-made.
have etcd || {
  log "building etcd $ETCD_VERSION (first time only; a few minutes)"
  (
    cd "$work/etcd"
    go mod init capstan.local/etcd-build >/dev/null 2>&1
    go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2
    go build -trimpath -o "$dest/etcd.tmp" go.etcd.io/etcd/server/v3 >&2
  ) && mv "$dest/etcd.tmp" "$dest/etcd"
}

# etcdutl is its own module (the offline snapshot status/restore tool), pinned to etcd's version.
have etcdutl || {
  log "building etcdutl $ETCD_VERSION (first time only; a minute or two)"
  (
    cd "$work/etcdutl"
    go mod init capstan.local/etcdutl-build >/dev/null 2>&1
    go get "go.etcd.io/etcd/etcdutl/v3@$ETCD_VERSION" >&2
    go build -trimpath -o "$dest/etcdutl.tmp" go.etcd.io/etcd/etcdutl/v3 >&2
  ) && mv "$dest/etcdutl.tmp" "$dest/etcdutl"
}

have kube-apiserver && have kubectl || {
  log "building kube-apiserver and kubectl $KUBERNETES_VERSION (first time only; several minutes)"
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
  ldflags="-s -w -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  if ! have kube-apiserver; then
    go build -trimpath -o "$dest/kube-apiserver.tmp" -ldflags "$ldflags" k8s.io/kubernetes/cmd/kube-apiserver >&2
    mv "$dest/kube-apiserver.tmp" "$dest/kube-apiserver"
  fi
  if ! have kubectl; then
    go get "k8s.io/kubernetes/cmd/kubectl@$KUBERNETES_VERSION" >&2
    go build -trimpath -o "$dest/kubectl.tmp" -ldflags "$ldflags" k8s.io/kubernetes/cmd/kubectl >&2
    mv "$dest/kubectl.tmp" "$dest/kubectl"
  fi
  )
}

have etcd && have etcdutl && have kube-apiserver && have kubectl || die "the build did not produce every binary; see the messages above"
mkdir -p "$TOOLS_HOME" && ln -sfn "$dest" "$link"
log "built $("$dest/kube-apiserver" --version), $("$dest/kubectl" version --client 2>/dev/null | head -n1) etcd $("$dest/etcd" --version | head -n1) and etcdutl $("$dest/etcdutl" version | head -n1)"
echo "$dest"
