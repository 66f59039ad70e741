#!/usr/bin/env bash
# The scheduled runner's round, published on the data branch (default mcp-status-data):
# `data/` (public: the Pages site serves it) and `runner/` (the runner's own state, the
# alerting desk: never in the Pages artifact).
#
# Publishing and delivery agree: a round is pushed *before* its alerts are sent. `prepare`
# probes and claims the alerts that are due for this round (`--alerts queue`); `push`
# publishes; only then does `deliver` send what the round claimed, and a second `push` records
# it. A push that fails sends nothing (the next round starts from the published desk and takes
# the same alerts again); a record that fails to land leaves claims the next rounds settle as
# "perhaps sent", never sent twice.
#
#   scripts/publish-data.sh               all of it, from a checkout of the site's repository:
#                                         a worktree of the branch, prepare, push, deliver, push
#   scripts/publish-data.sh prepare DIR   DIR: a checkout of the data branch, or a new folder
#                                         (an orphan branch is started); one round probed into
#                                         DIR/data and DIR/runner, committed ("Round: ID"
#                                         trailer), and DIR.bundle written (the new commits)
#   scripts/publish-data.sh push DIR      git only: DIR's HEAD pushed to the branch; when the
#                                         branch moved meanwhile, rebased onto it (month files
#                                         keep both rounds' lines, other files take the
#                                         branch's) and pushed again
#   scripts/publish-data.sh deliver DIR   what DIR's round claimed, sent (`mcp-status deliver`)
#                                         and committed; DIR.bundle written when there is a
#                                         commit to push
#
# Environment: MCP_STATUS (the binary, default `mcp-status` on PATH), CONFIG (default
# status.json, relative to where it is run), REMOTE (default origin), BRANCH, PUSH_ATTEMPTS
# (default 6), for prepare ACKNOWLEDGE (open alerts to acknowledge first: all, a server's
# name or an alert's key; the Runner workflow's input) and ACKNOWLEDGED_BY, and for prepare and
# deliver the alerting section's secrets (`url_env`, `routing_key_env`).
set -euo pipefail

branch=${BRANCH:-mcp-status-data}
remote=${REMOTE:-origin}
binary=${MCP_STATUS:-mcp-status}
attempts=${PUSH_ATTEMPTS:-6}
config=$(realpath "${CONFIG:-status.json}")
as_runner=(git -c user.name="${GIT_AUTHOR_NAME:-mcp-status runner}" -c user.email="${GIT_AUTHOR_EMAIL:-mcp-status-runner@users.noreply.github.com}")

say() { echo "publish-data: $*" >&2; }

# The commits DIR made since its branch's base, for the next job (or the whole history of a
# new branch).
bundle() {
  local dir=$1 base
  base=$(git -C "$dir" rev-parse -q --verify refs/worktree/mcp-status-base || true)
  rm -f "$dir.bundle"
  if [ -n "$base" ] && [ "$base" != "$(git -C "$dir" rev-parse HEAD)" ]; then
    git -C "$dir" bundle create -q "$(realpath "$dir").bundle" "$base..HEAD"
  else
    git -C "$dir" bundle create -q "$(realpath "$dir").bundle" HEAD
  fi
}

round_of() {
  git -C "$1" log -1 --format='%(trailers:key=Round,valueonly)' | head -n1 | tr -d '[:space:]'
}

prepare() {
  local dir=$1 round
  mkdir -p "$dir"
  # DIR itself a repository's top (not a folder inside the site's checkout)?
  if [ "$(git -C "$dir" rev-parse --show-toplevel 2>/dev/null)" != "$(realpath "$dir")" ]; then
    # A first round: a new branch, with nothing before it.
    git -C "$dir" init -q
  elif git -C "$dir" rev-parse -q --verify HEAD >/dev/null; then
    # Where this round starts: the bundle carries what comes after it.
    git -C "$dir" update-ref refs/worktree/mcp-status-base HEAD
  fi
  round="${ROUND:-$(date -u +%Y%m%dT%H%M%SZ)-$$}"
  (
    cd "$dir"
    printf '# Two rounds append to the same month file: keep both sets of lines.\n*.ndjson merge=union\n' > .gitattributes
    acknowledge=()
    if [ -n "${ACKNOWLEDGE:-}" ]; then
      acknowledge=(--acknowledge "$ACKNOWLEDGE" --by "${ACKNOWLEDGED_BY:-the Runner workflow}")
    fi
    "$binary" probe --config "$config" --data data --state runner --alerts queue --round "$round" "${acknowledge[@]}"
    "${as_runner[@]}" add -A
    "${as_runner[@]}" commit -qm "Probe round $round" -m "Round: $round"
  )
  bundle "$dir"
}

push() {
  local dir=$1 attempt error
  for ((attempt = 1; attempt <= attempts; attempt++)); do
    if error=$(git -C "$dir" push -q "$remote" "HEAD:refs/heads/$branch" 2>&1); then
      [ -n "$error" ] && echo "$error" >&2
      return 0
    fi
    say "push to $branch failed (attempt $attempt of $attempts):"
    echo "$error" | sed 's/^/  /' >&2
    if ! error=$(git -C "$dir" fetch -q "$remote" "$branch" 2>&1); then
      echo "$error" | sed 's/^/  /' >&2
    elif ! git -C "$dir" merge-base --is-ancestor FETCH_HEAD HEAD; then
      say "$branch moved on: rebasing onto it (month files keep every line; the other files are the branch's until the next round)"
      # -X ours: in a rebase, "ours" is the branch being rebased onto: its summary, badges
      # and desk win over this round's (whose claims then send nothing: the next round
      # takes those alerts), and the month files merge as a union (.gitattributes).
      if ! "${as_runner[@]}" -C "$dir" rebase -q -X ours FETCH_HEAD >&2; then
        git -C "$dir" rebase --abort || true
        say "could not rebase onto $branch: this round is not published (nothing was sent; the next round probes again)"
        return 1
      fi
    fi
    [ "$attempt" -lt "$attempts" ] && sleep "$attempt"
  done
  say "could not push to $branch: this round is not published"
  return 1
}

deliver() {
  local dir=$1 round
  round=$(round_of "$dir")
  if [ -z "$round" ]; then
    say "$dir: HEAD has no Round: trailer: nothing to deliver"
    return 1
  fi
  git -C "$dir" update-ref refs/worktree/mcp-status-base HEAD
  rm -f "$dir.bundle"
  (
    cd "$dir"
    "$binary" deliver --config "$config" --state runner --round "$round"
    "${as_runner[@]}" add -A
    if ! git diff --cached --quiet; then
      "${as_runner[@]}" commit -qm "Deliveries of round $round" -m "Round: $round"
    fi
  )
  # A bundle only when there is a record to push (the workflow reads it so).
  if [ "$(git -C "$dir" rev-parse HEAD)" != "$(git -C "$dir" rev-parse refs/worktree/mcp-status-base)" ]; then
    bundle "$dir"
  fi
}

case "${1:-all}" in
  prepare) prepare "$2" ;;
  push) push "$2" ;;
  deliver) deliver "$2" ;;
  all)
    work=$(mktemp -d)
    cleanup() { git worktree remove --force "$work" >/dev/null 2>&1 || rm -rf "$work"; rm -f "$work.bundle"; }
    trap cleanup EXIT
    if git ls-remote --exit-code --heads "$remote" "$branch" >/dev/null 2>&1; then
      git fetch -q "$remote" "$branch"
      git worktree add -q --detach "$work" FETCH_HEAD
    else
      git worktree add -q --detach "$work"
      (cd "$work" && git checkout -q --orphan "runner-$$" && git rm -rfq --ignore-unmatch . && git clean -fdxq)
    fi
    prepare "$work"
    push "$work" || { say "not published: no alert was sent"; exit 1; }
    deliver "$work"
    push "$work" || { say "the deliveries were sent, but their record is not published: the next rounds will not send them again"; exit 1; }
    ;;
  *)
    echo "usage: scripts/publish-data.sh [prepare DIR | push DIR | deliver DIR]" >&2
    exit 2
    ;;
esac
