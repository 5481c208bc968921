#!/usr/bin/env bash
# Builds np-guard's netpol-analyzer (the `k8snetpolicy` command) from the Go module proxy at the
# pinned version into a cache outside the work tree, and prints the binary's path. A second run finds
# the binary and only prints its path. test/cluster/network-flows.test.ts runs it; .ci/run calls this
# script before the tests.
#
# Pinned version: v1.4.4, the newest tag the module proxy serves (it lists no versions for this module;
# exact tags were asked one by one with `go list -m -json github.com/np-guard/netpol-analyzer@vX.Y.Z`:
# v1.4.4 is served; v1.3.0, v1.3.2-v1.3.5, v1.4.0, v1.4.1, v1.4.3, v1.4.5-v1.4.10, v1.5.0-v1.5.4,
# v1.6.0 and v1.6.1 are not). Its go.mod has no replace directives.
set -euo pipefail

VERSION="v1.4.4"
MODULE="github.com/np-guard/netpol-analyzer"
CACHE="${AGENT_PLATFORM_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agent-platform-tools}"
BIN_DIR="$CACHE/netpol-analyzer-$VERSION"
BIN="$BIN_DIR/k8snetpolicy"

if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "go not found: install Go (>= 1.23) to build $MODULE@$VERSION" >&2
  exit 1
fi
mkdir -p "$BIN_DIR"
tmp="$(mktemp -d "$BIN_DIR/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# A wrapper module that requires the pinned version, built with `go build`: `go install
# module@version` also asks the proxy for the module's version list (to report deprecations), and
# the proxy refuses that list for this module. The wrapper adds no requirement of its own, so the
# dependency versions are exactly the analyzer's go.mod. The module's main package is cmd/netpolicy;
# the command it documents is k8snetpolicy.
cat >"$tmp/go.mod" <<GOMOD
module agent-platform/netpol-analyzer-build

go 1.23.0

require $MODULE $VERSION
GOMOD
(
  cd "$tmp"
  export GOFLAGS="-mod=mod -trimpath" GOTOOLCHAIN=local
  go mod download "$MODULE" >&2
  # The analyzer's own go.sum pins every dependency's hash (the checksum database does not know
  # some of them, e.g. github.com/np-guard/models), so the build verifies against what upstream released.
  cat "$(go mod download -json "$MODULE@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')/go.sum" >>go.sum
  go build -o "$tmp/k8snetpolicy" "$MODULE/cmd/netpolicy" >&2
)
mv "$tmp/k8snetpolicy" "$BIN"
echo "$BIN"
