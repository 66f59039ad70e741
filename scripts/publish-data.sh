#!/usr/bin/env bash
# One round of the scheduled runner, published: runs `mcp-status probe` into the `data/`
# folder of the data branch (created when missing) and pushes it. When another run pushed
# first, it rebases onto it and tries again: appended history lines of both runs are kept
# (`*.ndjson merge=union`), the generated files (summary, badges, the alerting desk) are this
# run's, the newest. Nothing is lost when runs overlap.
#
#   scripts/publish-data.sh [BRANCH]        (default mcp-status-data)
#
# Environment: MCP_STATUS (the binary, default `mcp-status` on PATH), CONFIG (default
# status.json, relative to where it is run), REMOTE (default origin), and the alerting
# section's secrets (`url_env`, `routing_key_env`).
set -euo pipefail

branch=${1:-mcp-status-data}
remote=${REMOTE:-origin}
config=$(realpath "${CONFIG:-status.json}")
binary=${MCP_STATUS:-mcp-status}
git_as_runner=(git -c user.name="${GIT_AUTHOR_NAME:-mcp-status runner}" -c user.email="${GIT_AUTHOR_EMAIL:-mcp-status-runner@users.noreply.github.com}")

work=$(mktemp -d)
cleanup() { git worktree remove --force "$work" >/dev/null 2>&1 || rm -rf "$work"; }
trap cleanup EXIT

if git ls-remote --exit-code --heads "$remote" "$branch" >/dev/null 2>&1; then
  git fetch -q "$remote" "$branch"
  git worktree add -q --detach "$work" FETCH_HEAD
else
  git worktree add -q --detach "$work"
  (cd "$work" && git checkout -q --orphan "runner-$$" && git rm -rfq --ignore-unmatch . && git clean -fdxq)
fi

cd "$work"
printf '# Two runs append to the same month file: keep both sets of lines.\n*.ndjson merge=union\n' > .gitattributes
"$binary" probe --config "$config" --data data
"${git_as_runner[@]}" add -A
"${git_as_runner[@]}" commit -qm "Probe round $(date -u +%Y-%m-%dT%H:%MZ)"

for attempt in 1 2 3 4 5 6; do
  if git push -q "$remote" "HEAD:refs/heads/$branch" 2>/dev/null; then
    exit 0
  fi
  echo "publish-data: $branch moved on (attempt $attempt): rebasing onto it" >&2
  git fetch -q "$remote" "$branch"
  # -X theirs: in a rebase, "theirs" is this run's commit: its generated files win.
  "${git_as_runner[@]}" rebase -q -X theirs FETCH_HEAD
  sleep $((attempt))
done
echo "publish-data: could not push to $branch" >&2
exit 1
