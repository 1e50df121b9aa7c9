#!/usr/bin/env bash
# The Slurm test (docs/scale.md): a one-node Slurm cluster on this machine runs an experiment as a
# teacher job, an array of 3 shards (2 at a time) after it and a merge after them; one array task is
# killed inside a point (scancel) and put back in the queue (scontrol requeue); the merged results
# must equal the same experiment run in one process, number for number and weight file for weight
# file. Needs root; installs slurm-wlm and munge when missing; stops the daemons it started.
#   bash tests/slurm/slurm-test.sh [WORK_DIR]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(realpath -m "${1:-$(mktemp -d /tmp/distill-slurm-test.XXXXXX)}")"
mkdir -p "$work"
# mktemp makes the folder for root alone; munged runs as the munge user and must reach its state under it.
chmod 755 "$work"
say() { echo "slurm-test: $*"; }

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
distill="$repo/src/Distill.Cli/bin/Release/net10.0/Distill.Cli"
[ -x "$distill" ] || (cd "$repo" && dotnet build -c Release src/Distill.Cli -v q -nologo >/dev/null)
export DISTILL="$distill"

python3 "$repo/tests/slurm/tiny_idx.py" "$work/data" 3000 500
# Three temperatures over two seeds: six points and each seed's shared scratch baseline, eight units
# (shards of 3, 3 and 2); students long enough to be killed inside one.
cat > "$work/experiment.json" <<JSON
{
  "name": "slurm-test",
  "dataDirectory": "$work/data",
  "validationCount": 500,
  "teacherSpec": "mlp:64",
  "studentSpec": "mlp:16",
  "seeds": [1, 2],
  "teacherTraining": { "epochs": 2, "batchSize": 50 },
  "studentTraining": { "epochs": 8, "batchSize": 25 },
  "sweep": { "parameters": { "distillation.temperature": [2, 4, 8] } }
}
JSON

state="$work/slurm"
trap 'bash "$repo/deploy/slurm/cluster.sh" stop "$state"' EXIT
eval "$(bash "$repo/deploy/slurm/cluster.sh" start "$state")"
say "cluster up: $(sinfo -h -o '%P %t %N')"

start=$(date +%s)
read -r teacher points merge < <(THREADS=1 bash "$repo/deploy/slurm/submit.sh" "$work/experiment.json" "$work/sharded" 3 2)
say "submitted teacher $teacher, array $points (0-2%2, afterok:$teacher), merge $merge (afterany:$points)"

state_of() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2; }
# Kill array task 1 inside its first point (units 1, 4, 7 of 3 shards: its baseline seed-2/scratch
# runs first, then seed-1/points/p1), once that student has a checkpoint and no outcome yet.
victim="${points}_1"
inside="$work/sharded/seed-1/points/p1/distilled"
for _ in $(seq 3000); do
  [ -f "$inside/training-state.bin" ] && [ ! -f "$inside/outcome.json" ] && break
  sleep 0.2
done
scancel "$victim"
[ -f "$inside/training-state.bin" ] && [ ! -f "$inside/outcome.json" ] || { say "FAIL: the kill did not land inside seed-1/points/p1"; exit 1; }
for _ in $(seq 60); do [ "$(state_of "$victim")" = CANCELLED ] && break; sleep 0.5; done
say "killed $victim with scancel inside seed-1/points/p1 (epochs done: $(grep -c . "$work/sharded/seed-1/points/p1/metrics.jsonl" || true)): $(state_of "$victim")"
scontrol requeue "$victim"
# Slurm holds a requeued job back for a while (Reason=BeginTime); the test lets it start at once.
scontrol update JobId="$victim" StartTime=now
say "requeued $victim: $(state_of "$victim")"

for _ in $(seq 1200); do
  s=$(state_of "$merge")
  case "$s" in COMPLETED) break ;; FAILED|CANCELLED|TIMEOUT|NODE_FAIL) say "FAIL: the merge job ended $s"; cat "$work"/distill-merge-*.out; exit 1 ;; esac
  sleep 1
done
[ "$(state_of "$merge")" = COMPLETED ] || { say "FAIL: the merge job did not finish in 20 minutes"; exit 1; }
sharded_seconds=$(( $(date +%s) - start ))
say "merge job completed after ${sharded_seconds}s; the requeued task's log:"
grep -h "^Shard" "$work"/distill-points-"${points}"_1.out | sed 's/^/  /'
grep -q "Shard 1/3: ran 2, already finished 1" "$work"/distill-points-"${points}"_1.out || { say "FAIL: the requeued task did not resume its killed point and run its other one"; exit 1; }

start=$(date +%s)
OMP_NUM_THREADS=1 "$distill" run "$work/experiment.json" --out "$work/whole" >/dev/null 2>"$work/whole.log"
say "one-process run took $(( $(date +%s) - start ))s"
python3 "$repo/tests/slurm/compare_runs.py" "$work/whole" "$work/sharded"
say "PASS"
