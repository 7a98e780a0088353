#!/usr/bin/env bash
# Installs the Go-only tools the tests and the deploy need into .tools/bin, built from source with
# `go install module@version` (no prebuilt binaries are downloaded). Idempotent: a tool
# already present at the pinned version is skipped, so `npm test` pays the build once.
#
#   bash scripts/install-tools.sh          # every tool (what `npm test` runs)
#   bash scripts/install-tools.sh sops     # only the named tools (the deploy needs only sops)
set -euo pipefail

# Pinned versions: bump here, nowhere else.
HELM_MODULE="helm.sh/helm/v3/cmd/helm"
HELM_VERSION="v3.19.5"
ACTIONLINT_MODULE="github.com/rhysd/actionlint/cmd/actionlint"
ACTIONLINT_VERSION="v1.7.12"
# SOPS: the program decrypts secrets/<stack>/*.yaml with it at deploy time (src/secrets/).
SOPS_MODULE="github.com/getsops/sops/v3/cmd/sops"
SOPS_VERSION="v3.13.3"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.tools/bin"
mkdir -p "$bin"

if ! command -v go >/dev/null 2>&1; then
  echo "install-tools: Go is required to build helm, actionlint and sops (go install); install Go >= 1.24 first" >&2
  exit 1
fi

install_tool() {
  local name="$1" module="$2" version="$3"
  local stamp="$bin/.$name.version"
  if [[ -x "$bin/$name" && -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
    return 0
  fi
  local started=$SECONDS
  echo "install-tools: building $name $version with go install (first run only, takes a few minutes on 2 cores)..."
  GOBIN="$bin" GOFLAGS="-buildvcs=false" go install "$module@$version"
  echo "$version" >"$stamp"
  echo "install-tools: $name $version ready in $((SECONDS - started))s"
}

wanted=("$@")
[[ ${#wanted[@]} -eq 0 ]] && wanted=(helm actionlint sops)
for tool in "${wanted[@]}"; do
  case "$tool" in
    helm) install_tool helm "$HELM_MODULE" "$HELM_VERSION" ;;
    actionlint) install_tool actionlint "$ACTIONLINT_MODULE" "$ACTIONLINT_VERSION" ;;
    sops) install_tool sops "$SOPS_MODULE" "$SOPS_VERSION" ;;
    *) echo "install-tools: unknown tool \"$tool\" (expected helm, actionlint or sops)" >&2; exit 2 ;;
  esac
done
