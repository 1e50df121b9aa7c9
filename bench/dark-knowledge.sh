#!/usr/bin/env bash
# Hinton, Vinyals & Dean 2015, §3, "dark knowledge": an MNIST student distilled on a transfer set
# with every 3 removed (--exclude-classes 3; the teacher is trained on all ten digits), T = 20, soft
# targets only (--hard-weight 0 --soft-weight 1); then the class-3 bias raised by 3.5 as in the paper
# (`distill eval --class-bias 3=+3.5`) and chosen automatically (`--class-bias auto`). Then the
# paper's transfer set of only 7s and 8s, from the same teacher, with the automatic bias.
# Paper: 206 errors (133 of them on the 1,010 test 3s), 109 (14 on 3s) after the bias; 7s and 8s
# only: 47.3 % error, 13.2 % after the bias.
# Env: TEACHER_EPOCHS (20), STUDENT_EPOCHS (20), SEED (1), OUT (bench/runs/dark-knowledge).
# Writes each run folder, the eval JSON of each bias, and summary.txt (bench/dark_knowledge_summary.py).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"
cli="$root/src/Distill.Cli/bin/Release/net10.0/Distill.Cli.dll"
[[ -f "$cli" && "${SKIP_BUILD:-0}" == 1 ]] || dotnet build "$root" -c Release -v q -nologo >&2
if [[ "${SMOKE:-0}" == 1 ]]; then
  dotnet "$cli" eval --help | grep -q -- --class-bias && echo "dark-knowledge: eval --class-bias starts" && exit 0
fi
out="${OUT:-$here/runs/dark-knowledge}"
seed="${SEED:-1}"
mkdir -p "$out"
common=(--dataset mnist --student-spec mlp:800-800 --student-epochs "${STUDENT_EPOCHS:-20}" --student-schedule cosine
        -T 20 --hard-weight 0 --soft-weight 1 --temperature-warmup 0 --seed "$seed" --json --force)
echo "== omitted 3: teacher on all digits, students without a 3" >&2
dotnet "$cli" compare "${common[@]}" --teacher-spec "mlp:1200-1200,dropout=0.5,input-dropout=0.2" --teacher-jitter 2 \
  --teacher-epochs "${TEACHER_EPOCHS:-20}" --teacher-schedule cosine --exclude-classes 3 -o "$out/omit-3" > "$out/omit-3.json"
dotnet "$cli" eval "$out/omit-3" --class-bias 3=+3.5 --json > "$out/omit-3-bias-3.5.json"
dotnet "$cli" eval "$out/omit-3" --class-bias auto --json > "$out/omit-3-bias-auto.json"
echo "== only 7s and 8s: the same teacher" >&2
dotnet "$cli" compare "${common[@]}" --teacher "$out/omit-3/teacher/best.bin" --exclude-classes 0,1,2,3,4,5,6,9 -o "$out/only-7-8" > "$out/only-7-8.json"
dotnet "$cli" eval "$out/only-7-8" --class-bias auto --json > "$out/only-7-8-bias-auto.json"
/usr/bin/python3 "$here/dark_knowledge_summary.py" "$out" | tee "$out/summary.txt"
