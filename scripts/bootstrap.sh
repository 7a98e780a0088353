#!/usr/bin/env bash
# `npm run bootstrap -- <pulumi command> [args]`: runs the bootstrap program (bootstrap/, README
# "Bootstrap") with Pulumi's local backend in bootstrap/.state, before any state bucket exists.
# Needs the Pulumi CLI, and administrator credentials of the management account (AWS_PROFILE).
# Examples: npm run bootstrap -- preview --diff; npm run bootstrap -- up; npm run bootstrap -- stack output
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [[ $# -eq 0 ]]; then
  echo "usage: npm run bootstrap -- <preview|up|stack output|...> [pulumi args]" >&2
  exit 2
fi
if ! command -v pulumi >/dev/null 2>&1; then
  echo "bootstrap: the Pulumi CLI is required (version in .pulumi-version)" >&2
  exit 1
fi

echo "bootstrap: checking Pulumi.management.yaml and planning offline..." >&2
npm run --silent plan -- --stack bootstrap >/dev/null

# Local state until the bucket exists (README "Bootstrap" moves it into the bucket afterwards).
# The program holds no secrets, so the passphrase provider gets an empty passphrase by default.
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$root/bootstrap/.state}"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-}"
mkdir -p "$root/bootstrap/.state"
cd "$root/bootstrap"
echo "bootstrap: backend $PULUMI_BACKEND_URL, stack bootstrap" >&2
pulumi stack select --create --secrets-provider passphrase bootstrap >/dev/null
exec pulumi "$@" --stack bootstrap
