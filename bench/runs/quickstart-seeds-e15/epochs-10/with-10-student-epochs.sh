#!/usr/bin/env bash
# The DISTILL command of the 10-epoch runs: the published CLI with 10 student epochs added, so that
# bench/quickstart-seeds.sh ran the full quickstart (teacher trained per seed and thread count):
#   OUT=bench/runs/quickstart-seeds-e15/epochs-10 DISTILL=bench/runs/quickstart-seeds-e15/epochs-10/with-10-student-epochs.sh \
#     DISTILL_DATA=/tmp/distill-data bench/quickstart-seeds.sh
# (run as /tmp/qs10 with the CLI published by `dotnet publish src/Distill.Cli -c Release -o /tmp/qs-bin`).
exec "${CLI:-/tmp/qs-bin/Distill.Cli}" "$@" --student-epochs 10
