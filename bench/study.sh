#!/usr/bin/env bash
# Shared driver of the reproduction scripts: runs `distill compare` once per seed, keeps each
# run folder under bench/runs/<study>/seed-N, and appends a mean ± spread table to
# bench/results/<study>.md. Usage: study.sh STUDY "SEEDS" compare-flags...
# REUSE_TEACHER=1 trains the teacher with the first seed only and distils the later seeds from it
# (--teacher), for studies whose teacher costs more than the time allows three times.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
study="$1"; seeds="$2"; shift 2
cd "$root"
export DISTILL_DATA="${DISTILL_DATA:-/tmp/distill-data}"
cli="$root/src/Distill.Cli/bin/Release/net10.0/Distill.Cli.dll"
[[ -f "$cli" && "${SKIP_BUILD:-0}" == 1 ]] || dotnet build "$root" -c Release -v q -nologo >&2
if [[ "${SMOKE:-0}" == 1 ]]; then
  dotnet "$cli" compare --help >/dev/null && echo "$study: compare starts" && exit 0
fi
mkdir -p "$here/results" "$here/runs/$study"
folders=()
for seed in $seeds; do
  out="$here/runs/$study/seed-$seed"
  echo "== $study seed $seed: distill compare $* --seed $seed" >&2
  extra=()
  [[ "${REUSE_TEACHER:-0}" == 1 && ${#folders[@]} -gt 0 ]] && extra=(--teacher "${folders[0]}/teacher/best.bin")
  dotnet "$cli" compare "$@" "${extra[@]}" --seed "$seed" --json --force -o "$out" > "$out.json"
  folders+=("$out")
done
{
  echo "### $study ($(date -u '+%Y-%m-%d %H:%M UTC'), $(hostname))"
  echo
  echo '```'
  echo "distill compare $* --seed {$(echo $seeds | tr ' ' ,)}"
  [[ "${REUSE_TEACHER:-0}" == 1 ]] && echo "# seeds after the first: --teacher <first seed's teacher/best.bin>"
  echo '```'
  echo
  /usr/bin/python3 "$here/summarize.py" "$study" "${folders[@]#$root/}"
} | tee -a "$here/results/$study.md"
