#!/usr/bin/env bash
# Hinton et al. 2015 §3 with a stronger teacher and consistent teaching: a CNN teacher trained with
# 2-pixel jitter (TEACHER_EPOCHS, default 20, bfloat16), then bench/hinton-consistent.json (scratch and
# distilled 800-800 students with the same jitter, the teacher on the student's very view, 3 seeds).
# Usage: bench/hinton-consistent.sh DISTILL_BINARY OUT
set -euo pipefail
bin=${1:?the Distill.Cli binary}; out=${2:?an output folder}
here="$(cd "$(dirname "$0")" && pwd)"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
teacher="cnn:c32-relu-c32-relu-mp2-c64-relu-c64-relu-mp2-fc128-relu-drop0.3"
[ -f "$out/teacher/teacher/best.bin" ] || /usr/bin/time -f "%e s wall %U s user" "$bin" train -m "$teacher" \
  --epochs "${TEACHER_EPOCHS:-20}" --jitter 2 --schedule cosine --precision bfloat16 --seed 1 -o "$out/teacher"
/usr/bin/time -f "%e s wall %U s user" "$bin" run "$here/hinton-consistent.json" \
  --set "teacherPath=\"$out/teacher/teacher/best.bin\"" --out "$out/students" ${RESUME:+--resume}
