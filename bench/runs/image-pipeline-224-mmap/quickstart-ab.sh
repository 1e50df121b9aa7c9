for v in before after before after; do
  if [ $v = before ]; then c=/tmp/cli-before/Distill.Cli; else c=/work/main/src/Distill.Cli/bin/Release/net10.0/Distill.Cli; fi
  rm -rf /tmp/qs-$v
  /usr/bin/time -f "$v %e s wall %U user %M KB" $c quickstart --out /tmp/qs-$v > /tmp/qs-$v.log 2>/tmp/qs-$v.time; tail -1 /tmp/qs-$v.time
  grep -E "saved|errors" /tmp/qs-$v.log | tail -2
done
