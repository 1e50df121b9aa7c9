#!/usr/bin/env bash
# bench/ stores run data (results.json, metrics.jsonl, predictions, configs), not pictures: this
# rebuilds the reports of a few committed runs (a study, a seed of the quickstart, two sweeps) in a
# scratch copy with `distill report` and fails if a report or its figures are missing.
# Usage: bench/reports.sh [RUN_DIR ...]   (relative to bench/runs; default: the four below)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(keras/seed-1 quickstart-seeds-e15/epochs-15/threads-1/seed-1 report-sweep tutorial-sweep)
[ -n "${SKIP_BUILD:-}" ] || dotnet build "$repo/src/Distill.Cli" -c Release -v q -nologo >/dev/null
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for run in "${runs[@]}"; do
  copy="$scratch/$(echo "$run" | tr / _)"
  cp -r "$here/runs/$run" "$copy"
  find "$copy" \( -name '*.png' -o -name '*.html' \) -delete
  dotnet "$repo/src/Distill.Cli/bin/Release/net10.0/Distill.Cli.dll" report "$copy" >"$scratch/log" 2>&1 \
    || { cat "$scratch/log"; echo "reports.sh: distill report failed on bench/runs/$run"; exit 1; }
  for file in report.html summary.md; do
    [ -s "$copy/$file" ] || { echo "reports.sh: bench/runs/$run has no $file after distill report"; exit 1; }
  done
  figures=$(find "$copy" -name '*.png' | wc -l)
  [ "$figures" -gt 0 ] || { echo "reports.sh: no figures rebuilt for bench/runs/$run"; exit 1; }
  echo "reports.sh: bench/runs/$run rebuilt (report.html, summary.md, $figures figures)"
done
