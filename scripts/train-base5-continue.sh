#!/usr/bin/env bash
# Longer training for cellscribe-base-5 (the "longer training" lever of the ablation): stage 1
# underfits (greedy CER 31.6 % on its own training speakers against 39.9 % on held-out ones), so
# this restarts a cosine schedule from its final weights at half the peak rate for a few more
# epochs, with speed perturbation (0.9× / 1.1×) and the synthetic short items (digits, numbers,
# letters, commands) mixed in from the start, on the same speaker-disjoint data and dev sets.
# Resumable like the others: rerun the same command after a kill.
#
#   nohup bash scripts/train-base5-continue.sh > runs/base5c.log 2>&1 &
#   node --import tsx scripts/average-checkpoints.ts --out runs/base5c-avg3 runs/base5c/epochs/epoch-00{4,5,6}
#   node --import tsx scripts/evaluate-base5.ts --model runs/base5c-avg3
set -euo pipefail
cd "$(dirname "$0")/.."
m=runs/manifests
FROM=${FROM:-runs/base5}
OUT=${OUT:-runs/base5c}

node bin/cellscribe.mjs train --from "$FROM/model" \
  --train $m/libri-train.json --train $m/so762-train.json --train $m/an4-train.json \
  --train $m/pico-train.json --train $m/fsdd5-train.json \
  --train runs/narrowband/an4-train.json --train runs/narrowband/real-eighth.json \
  --train $m/synth-short.json --train runs/narrowband/synth-short-third.json \
  --dev $m/libri-dev.json --dev $m/so762-dev.json --dev $m/an4-dev-tune.json --dev $m/fsdd5-dev.json \
  --out "$OUT" --epochs 6 --batch-size 32 --lr 0.001 --patience 3 --seed 3 --checkpoint-every 100 \
  --spec-augment --speed-perturb --keep-epochs 3 "$@"
