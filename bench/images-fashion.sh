#!/usr/bin/env bash
# The image-folder study end to end: Fashion-MNIST written out as PNG folders (the form users keep
# their pictures in), read back resized to 32x32 RGB, augmented, a ResNet-8 teacher from the zoo and
# a plaincnn:2 student, scratch vs distilled, three seeds (the teacher of seed 1 is reused for the
# others). Reduced for a shared 2-core machine: the first 5,000 training and 5,000 test images, 20
# teacher and 12 student epochs. STUDY, AUGMENT, TEACHER_EPOCHS, STUDENT_EPOCHS override. Usage: bench/images-fashion.sh [SEEDS]   (DISTILL_BIN: a published binary)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
bin="${DISTILL_BIN:-$root/src/Distill.Cli/bin/Release/net10.0/Distill.Cli}"
seeds="${1:-1 2 3}"
data="${IMAGES_DATA:-/tmp/distill-images/fashion-png-5000}"
study="${STUDY:-images-fashion}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
cd "$root"
[[ -d "$data" ]] || "$bin" data export-images "$data" --dataset fashion-mnist --limit 5000
augment="${AUGMENT:-crop:2,hflip,rotate:5,zoom:0.05,brightness:0.1}"
flags=(--data "$data" --image-size 32 --channels 3
  --teacher-spec resnet:8 --student-spec plaincnn:2
  --teacher-epochs "${TEACHER_EPOCHS:-20}" --student-epochs "${STUDENT_EPOCHS:-12}" --teacher-batch-size 64 --student-batch-size 64
  --teacher-optimizer adam --teacher-lr 0.002 --student-optimizer adam --student-lr 0.002
  --teacher-augment "$augment" --student-augment "$augment" -T 4 --temperature-warmup 0)
mkdir -p "$here/runs/$study" "$here/results"
folders=()
for seed in $seeds; do
  out="$here/runs/$study/seed-$seed"
  extra=()
  [[ ${#folders[@]} -gt 0 ]] && extra=(--teacher "${folders[0]}/teacher/best.bin")
  echo "== $study seed $seed: distill compare ${flags[*]} ${extra[*]} --seed $seed" >&2
  /usr/bin/time -v "$bin" compare "${flags[@]}" "${extra[@]}" --seed "$seed" --json --force -o "$out" > "$out.json" 2> "$out.log"
  rm -f "$out"/*/training-state.bin
  folders+=("$out")
done
{
  echo "### $study ($(date -u '+%Y-%m-%d %H:%M UTC'), $(hostname), load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo '```'
  echo "distill data export-images $data --dataset fashion-mnist --limit 5000"
  echo "distill compare ${flags[*]} --seed {$(echo $seeds | tr ' ' ,)}"
  echo "# seeds after the first: --teacher <first seed's teacher/best.bin>"
  echo '```'
  echo
  /usr/bin/python3 "$here/summarize.py" "$study" "${folders[@]#$root/}"
} | tee -a "$here/results/$study.md"
