#!/bin/sh
# Registers Capstan's namespace (with retention) and its custom search attributes.
# Safe to run again: an existing namespace only gets its retention updated, and search
# attributes that already exist with the same type are left alone.
set -eu

: "${TEMPORAL_ADDRESS:=temporal:7233}"
: "${NAMESPACE:=default}"
: "${NAMESPACE_RETENTION:=720h}"

host=${TEMPORAL_ADDRESS%:*}
port=${TEMPORAL_ADDRESS##*:}
# The frontend listens on 0.0.0.0 (IPv4 only): dial an IPv4 address in case the
# service name also resolves to IPv6 on this network.
ipv4=$(getent ahosts "$host" 2>/dev/null | awk '$1 ~ /^[0-9.]+$/ { print $1; exit }')
ADDR="${ipv4:-$host}:$port"

# $1 what, $2 max attempts, $3 seconds between attempts, then the command to retry
retry() {
  what=$1 max=$2 pause=$3
  shift 3
  n=1
  until "$@"; do
    if [ "$n" -ge "$max" ]; then
      echo "Giving up: $what" >&2
      exit 1
    fi
    echo "Not yet: $what (attempt $n/$max)"
    n=$((n + 1))
    sleep "$pause"
  done
}

echo "Waiting for the Temporal frontend at $ADDR..."
retry "cluster health" 30 2 temporal operator cluster health --address "$ADDR"

if temporal operator namespace describe --namespace "$NAMESPACE" --address "$ADDR" >/dev/null 2>&1; then
  echo "Namespace '$NAMESPACE' exists; setting retention to $NAMESPACE_RETENTION"
  temporal operator namespace update --namespace "$NAMESPACE" --retention "$NAMESPACE_RETENTION" --address "$ADDR"
else
  echo "Creating namespace '$NAMESPACE' with retention $NAMESPACE_RETENTION"
  temporal operator namespace create --namespace "$NAMESPACE" --retention "$NAMESPACE_RETENTION" --address "$ADDR"
fi

# A new namespace can take a few seconds to reach every service, hence the retries.
retry "search attributes" 12 5 temporal operator search-attribute create \
  --namespace "$NAMESPACE" --address "$ADDR" \
  --name CapstanCluster --type Keyword \
  --name CapstanPhase --type Keyword \
  --name CapstanOperation --type Keyword

temporal operator search-attribute list --namespace "$NAMESPACE" --address "$ADDR"
echo "Namespace '$NAMESPACE' is ready for Capstan"
