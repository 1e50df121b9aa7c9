#!/bin/bash
# dab.sh DLL LABEL: 5-epoch distill from the A-1 teacher, prints the sum of epoch seconds
rm -rf /tmp/dab-$2
dotnet $1 distill --teacher /tmp/ab/A-1 --student-spec mlp:128-32 --epochs 5 --out /tmp/dab-$2 2>&1 | grep "^distilled epoch" | sed 's/.*(\(.*\) s).*/\1/' | paste -sd+ | bc | sed "s/^/$2 /"
