#!/usr/bin/env bash
# Study 2: the tutorial's small MLPs. Teacher 784-256-64-10 (218,058 parameters, the nearest
# round-width 3-layer MLP to the tutorial's ~219k), student 784-64-16-10 (51,450), 5 epochs
# each, Adam 1e-3, batch 128. Published: teacher 97.76%, scratch 95.88%, distilled 96.73%;
# target distilled >= 97.5%. Extra flags are passed on to `distill compare` (they apply to
# both students alike); STUDY names the results file (default: tutorial). SEEDS default "1 2 3".
# WARMUP: kd's temperature warm-up in epochs; 0 (default here) keeps the fixed T its recorded results used.
exec "$(dirname "$0")/study.sh" "${STUDY:-tutorial}" "${SEEDS:-1 2 3}" \
  --teacher-spec mlp:256-64 --student-spec mlp:64-16 --teacher-epochs 5 --student-epochs 5 \
  -T 4 --hard-weight 0.1 --soft-weight 0.9 --temperature-warmup "${WARMUP:-0}" "$@"
