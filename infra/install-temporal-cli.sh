#!/usr/bin/env bash
# Installs the Temporal CLI (dev server + Web UI) into .tools/bin from its Go module, when missing.
# v1.5.1 is the newest tag `go install` accepts: later tags carry a `replace` directive.
set -euo pipefail
VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/bin"

if [ -x "$BIN/temporal" ]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "error: Go is not installed, and the Temporal CLI is built from its Go module." >&2
  echo "Install Go 1.23+ (https://go.dev/doc/install), or set TEMPORAL_CLI to an existing temporal binary." >&2
  exit 1
fi
echo "Installing the Temporal CLI $VERSION into $BIN (first run only, a few minutes)..."
mkdir -p "$BIN"
if ! GOBIN="$BIN" go install "github.com/temporalio/cli/cmd/temporal@$VERSION"; then
  echo "error: 'go install github.com/temporalio/cli/cmd/temporal@$VERSION' failed (output above)." >&2
  echo "Check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY))." >&2
  exit 1
fi
"$BIN/temporal" --version
