#!/usr/bin/env bash
# Study 1: Hinton, Vinyals & Dean 2015, §3 (MNIST). Teacher 784-1200-1200-10 ReLU, dropout 0.5
# on hidden units and 0.2 on inputs, training images jittered by up to 2 pixels (so the
# teacher's inputs change every epoch: no logit cache while it trains). Student 784-800-800-10
# without regularisation, from scratch and distilled at T = 20 (the student's inputs are not
# jittered, so its teacher logits are cached). Paper: 67 / 146 / 74 test errors.
# The paper trains for hundreds of epochs; TEACHER_EPOCHS and STUDENT_EPOCHS (defaults: what
# fitted the time box of the recorded run) set the budget. SEEDS default "1".
# WARMUP: kd's temperature warm-up in epochs; 0 (default here) keeps the fixed T its recorded results used.
exec "$(dirname "$0")/study.sh" "${STUDY:-hinton}" "${SEEDS:-1}" \
  --teacher-spec "mlp:1200-1200,dropout=0.5,input-dropout=0.2" --student-spec mlp:800-800 \
  --teacher-epochs "${TEACHER_EPOCHS:-20}" --student-epochs "${STUDENT_EPOCHS:-20}" \
  --teacher-jitter 2 --teacher-schedule cosine --student-schedule cosine \
  -T 20 --hard-weight 0.1 --soft-weight 0.9 --temperature-warmup "${WARMUP:-0}" "$@"
