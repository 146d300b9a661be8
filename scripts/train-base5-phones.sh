#!/usr/bin/env bash
# The output-unit lever of the ablation: base-5's stage 1 exactly (same data, network, schedule,
# seed and dev sets), but with the 39 CMUdict phones as output units instead of characters.
# Needs the manifests of train-base5.sh; writes their phone copies to runs/phones first.
# Resumable like the others: rerun the same command after a kill.
#
#   nohup bash scripts/train-base5-phones.sh > runs/base5-phones.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
m=runs/manifests
p=runs/phones/manifests
n=runs/phones/narrowband
OUT=${OUT:-runs/base5-phones}

node --import tsx scripts/make-phone-manifests.ts --out runs/phones \
  $m/libri-train.json $m/so762-train.json $m/an4-train.json $m/pico-train.json $m/fsdd5-train.json \
  runs/narrowband/an4-train.json runs/narrowband/real-eighth.json \
  $m/libri-dev.json $m/so762-dev.json $m/an4-dev-tune.json $m/fsdd5-dev.json

node bin/cellscribe.mjs train \
  --train $p/libri-train.json --train $p/so762-train.json --train $p/an4-train.json \
  --train $p/pico-train.json --train $p/fsdd5-train.json \
  --train $n/an4-train.json --train $n/real-eighth.json \
  --dev $p/libri-dev.json --dev $p/so762-dev.json --dev $p/an4-dev-tune.json \
  --out "$OUT" --units-of phones --arch lstm --layers 3 --units 256 --stack 3 --epochs 12 --patience 4 \
  --seed 1 --checkpoint-every 100 --keep-epochs 3 --spec-augment "$@"
