#!/usr/bin/env bash
# The cellscribe-base-5 recipe: all the real speech in ../shared/data, whole speakers held out
# (scripts/make-base5-manifests.ts), 8 kHz copies of AN4 and of an eighth of the rest so telephone
# and headset audio (and FSDD's 8 kHz digits) are read too. Trained from scratch: no earlier base
# is used, because those heard the FSDD speakers held out here.
#
# Long (hours on two cores): run it in the background. Rerun the same command after a crash, a kill
# or the end of a session: manifests and copies are regenerated identically (existing copies kept)
# and training resumes from its last checkpoint.
#
#   nohup bash scripts/train-base5.sh > runs/base5.log 2>&1 &
#   node --import tsx scripts/evaluate-base5.ts --model runs/base5/model
set -euo pipefail
cd "$(dirname "$0")/.."
m=runs/manifests
OUT=${OUT:-runs/base5}

node --import tsx scripts/make-an4-manifests.ts
node --import tsx scripts/make-base5-manifests.ts --wav runs/wav16
node --import tsx scripts/make-narrowband-copies.ts --manifest $m/an4-train.json --out runs/narrowband --name an4-train
node --import tsx scripts/make-narrowband-copies.ts --manifest $m/libri-train.json --manifest $m/so762-train.json \
  --manifest $m/pico-train.json --fraction 0.12 --out runs/narrowband --name real-eighth

# Model selection on held-out speakers of three corpora together (sentences, AN4, digits).
node bin/cellscribe.mjs train \
  --train $m/libri-train.json --train $m/so762-train.json --train $m/an4-train.json \
  --train $m/pico-train.json --train $m/fsdd5-train.json \
  --train runs/narrowband/an4-train.json --train runs/narrowband/real-eighth.json \
  --dev $m/libri-dev.json --dev $m/so762-dev.json --dev $m/an4-dev-tune.json \
  --out "$OUT" --arch lstm --layers 3 --units 256 --stack 3 --epochs 12 --patience 4 \
  --seed 1 --checkpoint-every 100 --spec-augment "$@"
