cd /work/main
f=/tmp/distill-images/mnist-rgb-224-1000
out=/tmp/ab224; mkdir -p $out
export OMP_NUM_THREADS=1
for r in 1 2; do
  for v in before after; do
    if [ $v = before ]; then p=/tmp/profile-before/Profile; else p=bench/Profile/bin/Release/net10.0/Profile; fi
    $p pipeline $f 224 crop:4,hflip 64 2 true 2 > $out/$v-streamed-$r.json
    $p pipeline $f 224 crop:4,hflip 64 2 false 2 > $out/$v-inmem-$r.json
  done
  /usr/bin/python3 bench/image_pipeline_peer.py $f 224 4 64 2 2 > $out/peer-$r.json
done
for x in $out/*.json; do python3 -c "import json,sys; d=json.load(open('$x')); print('$x'.split('/')[-1], round(d['imagesPerSecond'],1), round(d.get('peakRssMiB',0)))"; done
