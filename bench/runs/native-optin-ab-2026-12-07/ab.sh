#!/bin/bash
# Alternating quickstarts: before the native layer moved (A) and after (B), data cached.
out=/tmp/ab; rm -rf $out; mkdir -p $out
for i in 1 2; do
  for v in A B; do
    if [ $v = A ]; then dll=/tmp/before-e/src/Distill.Cli/bin/Release/net10.0/Distill.Cli.dll; else dll=/tmp/fresh2/src/Distill.Cli/bin/Release/net10.0/Distill.Cli.dll; fi
    /usr/bin/time -v dotnet $dll quickstart --out $out/$v-$i > $out/$v-$i.log 2>&1
    python3 -c "
import json,sys
r=json.load(open('$out/$v-$i/results.json'))
print('$v-$i', ' '.join(f\"{m['role']}={m['trainingSeconds']:.1f}s/{m['testErrors']}\" for m in r['models']))" >> $out/summary.txt
    grep -E "Elapsed|Maximum resident" $out/$v-$i.log | sed "s/^/$v-$i /" >> $out/summary.txt
  done
done
echo done >> $out/summary.txt
