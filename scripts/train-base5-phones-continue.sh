#!/usr/bin/env bash
# The phone model's counterpart of train-base5-continue.sh: base-5's phone stage 1
# (train-base5-phones.sh) trained a few more epochs from its final weights, with speed
# perturbation and the synthetic short items, on the phone copies of the same speaker-disjoint
# data and dev sets, so the two output units are compared after the same recipe.
# Resumable like the others: rerun the same command after a kill.
#
#   nohup bash scripts/train-base5-phones-continue.sh > runs/base5-phones-c.log 2>&1 &
#   node --import tsx scripts/average-checkpoints.ts --out runs/base5-phones-c-avg3 runs/base5-phones-c/epochs/epoch-00{4,5,6}
#   node --import tsx scripts/evaluate-base5.ts --model runs/base5-phones-c-avg3
set -euo pipefail
cd "$(dirname "$0")/.."
m=runs/manifests
p=runs/phones/manifests
n=runs/phones/narrowband
FROM=${FROM:-runs/base5-phones/model}
OUT=${OUT:-runs/base5-phones-c}

node --import tsx scripts/make-phone-manifests.ts --out runs/phones \
  $m/synth-short.json runs/narrowband/synth-short-third.json $m/fsdd5-dev.json

node bin/cellscribe.mjs train --from "$FROM" \
  --train $p/libri-train.json --train $p/so762-train.json --train $p/an4-train.json \
  --train $p/pico-train.json --train $p/fsdd5-train.json \
  --train $n/an4-train.json --train $n/real-eighth.json \
  --train $p/synth-short.json --train $n/synth-short-third.json \
  --dev $p/libri-dev.json --dev $p/so762-dev.json --dev $p/an4-dev-tune.json --dev $p/fsdd5-dev.json \
  --out "$OUT" --epochs 6 --batch-size 32 --lr 0.001 --patience 3 --seed 3 --checkpoint-every 100 \
  --spec-augment --speed-perturb --keep-epochs 3 "$@"
