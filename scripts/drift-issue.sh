#!/usr/bin/env bash
# Keeps one GitHub issue per drifted stack, from the nightly drift check (.github/workflows/drift.yml):
#   drift-issue.sh STACK EXIT_STATUS PREVIEW_OUTPUT
# where EXIT_STATUS and PREVIEW_OUTPUT come from `pulumi preview --refresh --expect-no-changes`.
#  - drift (the preview proposed changes): open the stack's issue with the diff, or update it;
#  - no drift: comment on and close the stack's open issue, if any;
#  - the preview failed for another reason: touch nothing and fail, so the run shows red.
# Uses the GitHub CLI (`gh`, GH_TOKEN with issues: write) on the current repository.
set -euo pipefail

stack="${1:?stack}"
status="${2:?exit status}"
output="${3:?preview output file}"
label="drift"
title="Drift in the ${stack} stack"
run_url="${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY:-}/actions/runs/${GITHUB_RUN_ID:-}"
max_diff=60000

existing() {
  gh issue list --state open --label "$label" --limit 100 --json number,title \
    --jq ".[] | select(.title == \"${title}\") | .number" | head -n 1
}

drifted=false
if [[ "$status" -ne 0 ]]; then
  if grep -Eq 'no changes were expected( for [a-z]+)? but changes were proposed' "$output"; then
    drifted=true
  else
    echo "drift-issue: the ${stack} preview failed (exit ${status}) for another reason than drift; see the log above" >&2
    exit 1
  fi
fi

number="$(existing)"
if [[ "$drifted" == false ]]; then
  if [[ -n "$number" ]]; then
    gh issue comment "$number" --body "No drift in the ${stack} stack any more ([drift check](${run_url}))."
    gh issue close "$number"
    echo "drift-issue: ${stack} is back in line with its code; closed #${number}"
  else
    echo "drift-issue: no drift in ${stack}"
  fi
  exit 0
fi

body="$(mktemp)"
{
  echo "The nightly drift check found that the **${stack}** stack's resources no longer match its last \`pulumi up\`."
  echo "Someone changed them outside Pulumi, or an update did not finish. Re-apply from \`main\` (run the"
  echo "\`deploy\` workflow), or bring the change into the code; this issue closes itself once a check finds no drift."
  echo
  echo "Last checked: $(date -u '+%Y-%m-%d %H:%M UTC') ([run](${run_url}))"
  echo
  echo '<details><summary><code>pulumi preview --refresh --expect-no-changes --diff</code></summary>'
  echo
  echo '```diff'
  head -c "$max_diff" "$output"
  echo
  echo '```'
  echo '</details>'
} >"$body"

gh label create "$label" --color D93F0B --description "A stack differs from its code (nightly drift check)" --force >/dev/null
if [[ -n "$number" ]]; then
  gh issue edit "$number" --body-file "$body"
  echo "drift-issue: ${stack} still drifts; updated #${number}"
else
  gh issue create --title "$title" --label "$label" --body-file "$body"
  echo "drift-issue: ${stack} drifts; opened an issue"
fi
