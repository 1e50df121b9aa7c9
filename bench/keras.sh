#!/usr/bin/env bash
# Study 3: the Keras "Knowledge Distillation" example. Teacher Conv256(s2)-LeakyReLU(0.2)-
# MaxPool(2, s1)-Conv512(s2)-Dense10 ("same" padding), student the same with 16/32 filters;
# Adam 1e-3, batch 32 (Keras' fit default), teacher 5 epochs, students 3 epochs, T = 10,
# weight 0.1 on the label loss and 0.9 on the T^2-scaled KL. Published ~97.6% teacher,
# ~97.6% scratch, ~98.1% distilled; target distilled >= 98.1%.
# The teacher costs ~15 min per run here, so by default it is trained with the first seed only
# and reused (REUSE_TEACHER=1); REUSE_TEACHER=0 trains one per seed. TEACHER_EPOCHS and
# STUDENT_EPOCHS override the 5 and 3 epochs.
# WARMUP: kd's temperature warm-up in epochs; 0 (default here) keeps the fixed T its recorded results used.
export REUSE_TEACHER="${REUSE_TEACHER:-1}"
exec "$(dirname "$0")/study.sh" "${STUDY:-keras}" "${SEEDS:-1 2 3}" \
  --teacher-spec cnn:c256s2-lrelu0.2-mp2s1-c512s2 --student-spec cnn:c16s2-lrelu0.2-mp2s1-c32s2 \
  --teacher-epochs "${TEACHER_EPOCHS:-5}" --student-epochs "${STUDENT_EPOCHS:-3}" --teacher-batch-size 32 --student-batch-size 32 \
  -T 10 --hard-weight 0.1 --soft-weight 0.9 --temperature-warmup "${WARMUP:-0}" "$@"
