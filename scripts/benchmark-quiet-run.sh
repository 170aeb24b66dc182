#!/usr/bin/env bash
# Issue 21's before/after on a quiet machine, everything on 127.0.0.1, every step bounded in time.
#
#   bash scripts/benchmark-quiet-run.sh <log directory>
#
# "Before" is commit 8c43dcf (the build the issue measured), checked out in a temporary worktree
# under /tmp and built -c Release; "after" is this checkout, built -c Release. Then, alternating
# before and after back to back (before, after, before, after, ...), every target of the issue:
#   - the in-process engine against the Bot Framework waterfall, CPU and allocation a turn (peer);
#   - the bare Kestrel ceiling and SMS at saturation, in the same run (ceiling, sms);
#   - SMS at about 1,000 turns/s offered: 200 patients, think time up to 400 ms (sms-paced);
#   - web chat turns/s over Direct Line polling (webchat);
#   - post-to-reply over the WebSocket, directlinejs, 200 patients, think time up to 1 s (websocket).
# The service scenarios of "before" run this checkout's load generator against the old build's
# service dll (with the old checkout's rules and pages): the same generator on both sides, and the
# old generator had neither sms-paced nor websocket. The peer of "before" needs the old engine in
# process, so it runs the old build's own generator (--scenario peer).
# The 10-minute soak is not repeated here (docs/benchmarks.md has it).
#
# Settings (environment): DURATION seconds measured per scenario (30), WARMUP seconds (5),
# PATIENTS (200), PAIRS of before/after runs (2), PEER_CONVERSATIONS (2000), BEFORE_COMMIT (8c43dcf),
# BUDGET_SECONDS (1440: a pair that would not finish inside it is not started).
# With the defaults it takes about 18 minutes: two builds (about 3 minutes), then two pairs of
# about 7.5 minutes each. DURATION=3 WARMUP=1 PAIRS=1 PEER_CONVERSATIONS=50 checks it end to end
# in about 5 minutes.
#
# Output in the log directory: build-*.log, NN-before.log / NN-after.log (each run's full output,
# with the load average before and after it), summary.md (every run's tables, in order).
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: bash scripts/benchmark-quiet-run.sh <log directory>" >&2
  exit 2
fi

repo="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$1"
log="$(cd "$1" && pwd)"
duration="${DURATION:-30}"
warmup="${WARMUP:-5}"
patients="${PATIENTS:-200}"
pairs="${PAIRS:-2}"
peer_conversations="${PEER_CONVERSATIONS:-2000}"
before_commit="${BEFORE_COMMIT:-8c43dcf}"
budget="${BUDGET_SECONDS:-1440}"
for number in "$duration" "$warmup" "$patients" "$pairs" "$peer_conversations" "$budget"; do
  case "$number" in ''|*[!0-9]*) echo "DURATION, WARMUP, PATIENTS, PAIRS, PEER_CONVERSATIONS and BUDGET_SECONDS are whole numbers" >&2; exit 2 ;; esac
done
if [ "$pairs" -lt 1 ] || [ "$pairs" -gt 5 ]; then echo "PAIRS is 1 to 5" >&2; exit 2; fi

started=$SECONDS
before="$(mktemp -d /tmp/patientcontact-before.XXXXXX)"
cleanup() {
  git -C "$repo" worktree remove --force "$before" >/dev/null 2>&1 || rm -rf "$before"
  git -C "$repo" worktree prune >/dev/null 2>&1 || true
}
trap cleanup EXIT

note() { echo "[$(date -u +%H:%M:%S) +$((SECONDS - started))s] $*" | tee -a "$log/progress.log"; }

note "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) (a quiet machine reads well under 1)"
{
  echo "# Issue 21 quiet run, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "before: $(git -C "$repo" log -1 --format='%h %s' "$before_commit" | cut -c1-100)"
  echo "after: $(git -C "$repo" log -1 --format='%h %s' HEAD | cut -c1-100)$(git -C "$repo" diff --quiet HEAD -- . 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "machine: $(nproc) cores, $(uname -sr); settings: $patients patients, warm-up $warmup s, $duration s measured, $pairs pairs"
  echo
} > "$log/summary.md"

# Builds, bounded: 10 minutes each at most.
note "checking out $before_commit in $before"
rmdir "$before"
git -C "$repo" worktree add --detach "$before" "$before_commit" > "$log/build-before.log" 2>&1
# The waterfall peer and the directlinejs client load npm packages from <checkout>/node_modules.
if [ ! -e "$repo/node_modules" ]; then echo "node_modules missing: run bash scripts/install-prerequisites.sh first" >&2; exit 1; fi
ln -s "$(realpath "$repo/node_modules")" "$before/node_modules"
note "building before (-c Release)"
timeout 600 dotnet build "$before/tests/LoadGenerator" -c Release -m:1 >> "$log/build-before.log" 2>&1 \
  || { echo "the before build failed: $log/build-before.log" >&2; exit 1; }
note "building after (-c Release)"
timeout 600 dotnet build "$repo/tests/LoadGenerator" -c Release -m:1 > "$log/build-after.log" 2>&1 \
  || { echo "the after build failed: $log/build-after.log" >&2; exit 1; }

old_service="$before/src/Conversation/bin/Release/net10.0/PatientContact.Conversation.dll"
old_generator="$before/tests/LoadGenerator/bin/Release/net10.0/PatientContact.LoadGenerator.dll"
new_generator="$repo/tests/LoadGenerator/bin/Release/net10.0/PatientContact.LoadGenerator.dll"
for file in "$old_service" "$old_generator" "$new_generator"; do
  [ -f "$file" ] || { echo "missing after the build: $file" >&2; exit 1; }
done

common=(--patients "$patients" --duration "$duration" --warmup "$warmup" --peer-conversations "$peer_conversations")
# One scenario at most: start-up, warm-up, window, and a minute to spare; the peer at most 5 minutes.
service_scenarios=5
run_limit=$(( service_scenarios * (warmup + duration + 60) + 300 ))
pair_estimate=$(( 2 * (service_scenarios * (warmup + duration + 4) + 40) ))

# Runs one generator invocation with a hard limit; SIGINT first, so it stops its child services.
generate() {
  local out="$1"; shift
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out"
  echo "\$ dotnet $*" >> "$out"
  local rc=0
  timeout --signal=INT --kill-after=30 "$run_limit" dotnet "$@" >> "$out" 2>&1 || rc=$?
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out"
  if [ "$rc" -ne 0 ]; then note "exit code $rc (see $out)"; fi
  return 0
}

summarise() {
  local name="$1" out="$2"
  {
    echo "## $name"
    echo
    grep -E '^load average' "$out" | head -1
    echo
    grep -E '^\||less CPU than|of the bare Kestrel|directlinejs clients|^Unhandled|Exception' "$out" || echo "(no tables: see $(basename "$out"))"
    echo
  } >> "$log/summary.md"
}

for pair in $(seq 1 "$pairs"); do
  elapsed=$((SECONDS - started))
  if [ $((elapsed + pair_estimate)) -gt "$budget" ]; then
    note "pair $pair not started: $elapsed s gone, a pair takes about $pair_estimate s, the budget is $budget s"
    break
  fi

  out="$log/$(printf '%02d' "$pair")-before.log"
  note "pair $pair: before ($before_commit)"
  # In the order of --scenario all: the peer first, then the ceiling and the service.
  generate "$out" "$old_generator" --scenario peer --peer-conversations "$peer_conversations"
  generate "$out" "$new_generator" --scenario ceiling,sms,sms-paced,webchat,websocket --service-dll "$old_service" "${common[@]}"
  summarise "pair $pair, before ($before_commit)" "$out"

  out="$log/$(printf '%02d' "$pair")-after.log"
  note "pair $pair: after (this checkout)"
  generate "$out" "$new_generator" --scenario all "${common[@]}"
  summarise "pair $pair, after" "$out"
done

note "done in $((SECONDS - started)) s; tables in $log/summary.md"
