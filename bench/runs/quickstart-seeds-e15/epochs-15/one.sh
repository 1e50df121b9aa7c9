#!/usr/bin/env bash
# one.sh THREADS SEED EPOCHS [extra...]: quickstart with the confirmation run's teacher of that seed/threads
# (THREADS: 1 or default). The teachers are /tmp/qsconfirm/threads-T/seed-S, the OUT of the 10-epoch run
# (../epochs-10/with-10-student-epochs.sh); their weights are not committed, so rerun that first.
# The CLI is /tmp/qs-bin/Distill.Cli (dotnet publish src/Distill.Cli -c Release -o /tmp/qs-bin).
t=$1; s=$2; e=$3; shift 3
tag=$t-$s-e$e${1:+-x}
out=/tmp/q15/$tag
if [[ $t == 1 ]]; then export OMP_NUM_THREADS=1; else unset OMP_NUM_THREADS; fi
/tmp/qs-bin/Distill.Cli quickstart --seed $s --teacher /tmp/qsconfirm/threads-$t/seed-$s --student-epochs $e --out $out --force --json "$@" > $out.json 2> $out.err
python3 -c "
import json; r=json.load(open('$out.json')); e={m['role']:m['testErrors'] for m in r['models']}
print('$tag $*', e['teacher'], e['scratch'], e['distilled'], e['scratch']-e['distilled'])" >> /tmp/q15/log.txt
