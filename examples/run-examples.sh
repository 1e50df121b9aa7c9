#!/usr/bin/env bash
# Builds and runs the C# examples from outside this repository, as tests/consumer/consumer.sh runs its
# program: each is copied with examples/shared into a temporary folder (no Directory.Build file of ours
# applies) and references Distill's project by path. They train on a 2,000-row MNIST subset for two
# epochs and write under their working directory. Checked here: own-modules leaves results.json,
# report.html and a student `distill eval --assembly` reads, and refuses a wrong layer path in one
# sentence listing the layers (its last line of output); own-loop logs its named terms; own-method's term reaches metrics.jsonl.
# Used by .ci/run.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "run-examples: $*" >&2; exit 1; }

dotnet build "$repo/src/Distill.Cli" -c Release -v q -nologo
cli="$repo/src/Distill.Cli/bin/Release/net10.0/Distill.Cli.dll"
mnist="${DISTILL_DATA:-$HOME/.cache/distill/data}/mnist"
[[ -f "$mnist/train-labels-idx1-ubyte" ]] || dotnet "$cli" data fetch mnist
python3 "$repo/bench/mnist_subset.py" "$mnist" "$work/mnist-2k" 2000

# Without any build output an in-repository build left there (its obj/ names the repository's paths).
tar -C "$repo/examples" --exclude=bin --exclude=obj -cf - shared own-modules own-loop own-method | tar -C "$work" -xf -
mkdir "$work/out"
for example in own-modules own-loop own-method; do
  dotnet build "$work/$example" -c Release -v q -nologo -p:DistillProject="$repo/src/Distill/Distill.csproj"
done
run() { (cd "$work/out" && dotnet "$work/$1/bin/Release/net10.0/$2.dll" --data "$work/mnist-2k" --epochs 2 "${@:3}"); }

run own-modules OwnModules
for file in results.json report.html distilled/best.bin distilled/best.json teacher/best.bin; do
  [[ -f "$work/out/runs/own-modules/$file" ]] || fail "own-modules wrote no runs/own-modules/$file"
done
grep -q '"moduleType": "Examples.Student' "$work/out/runs/own-modules/distilled/best.json" || fail "the student's card does not name its type"
dotnet "$cli" eval "$work/out/runs/own-modules" --data "$work/mnist-2k" --assembly "$work/own-modules/bin/Release/net10.0/OwnModules.dll" --json > "$work/eval.json"
grep -q '"accuracy"' "$work/eval.json" || fail "distill eval did not read the student of own-modules"

if run own-modules OwnModules --out wrong-layer --student-layer body.act9 2> "$work/refusal.txt"; then fail "a wrong layer path was not refused"; fi
# Progress lines (loading the data) come first; the refusal is the last line, one sentence, no stack trace.
! grep -q "^   at " "$work/refusal.txt" || fail "the wrong layer path ended in a stack trace: $(cat "$work/refusal.txt")"
tail -n 1 "$work/refusal.txt" | grep -q "'body.act9'.*body.act2" || fail "the refusal does not name the wrong path and list the student's layers: $(cat "$work/refusal.txt")"
[[ ! -e "$work/out/wrong-layer" ]] || fail "the refused run left its folder behind"

run own-loop OwnLoop
grep -q '"hint"' "$work/out/runs/own-loop/terms.jsonl" || fail "own-loop logged no FitNets hint term"

run own-method OwnMethod
[[ -f "$work/out/runs/own-method/report.html" ]] || fail "own-method wrote no report"
grep -q '"total_variation"' "$work/out/runs/own-method/metrics.jsonl" || fail "own-method's term is not in metrics.jsonl"
echo "examples ok: own-modules (run folder, report, eval, refusal), own-loop, own-method"
