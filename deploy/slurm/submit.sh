#!/usr/bin/env bash
# Submits an experiment as three dependent Slurm jobs: the teacher, an array of shards after it, and
# the merge once every shard has ended (docs/scale.md). Prints the three job ids.
#   bash deploy/slurm/submit.sh EXPERIMENT.json RUN_DIR SHARDS [AT_ONCE]
# RUN_DIR must be on storage every node sees; AT_ONCE limits how many shards run at a time (%N).
# DISTILL names the distill command when it is not on PATH; THREADS sets libtorch's threads per task.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
experiment="$(realpath "${1:?experiment file}")"
run_dir="$(realpath -m "${2:?run folder}")"
shards="${3:?number of shards}"
at_once="${4:-$shards}"
export EXPERIMENT="$experiment" RUN_DIR="$run_dir" OMP_NUM_THREADS="${THREADS:-1}"
mkdir -p "$(dirname "$run_dir")"
cd "$(dirname "$run_dir")"
teacher=$(sbatch --parsable --export=ALL "$here/teacher.sbatch")
points=$(sbatch --parsable --export=ALL --array="0-$((shards - 1))%$at_once" --dependency="afterok:$teacher" "$here/points.sbatch")
# afterany, not afterok: Slurm (22.05) marks afterok on an array failed for good once a task was
# cancelled, even after that task is requeued and succeeds; the merge checks every point itself and
# fails naming the missing ones.
merge=$(sbatch --parsable --export=ALL --dependency="afterany:$points" "$here/merge.sbatch")
echo "$teacher $points $merge"
