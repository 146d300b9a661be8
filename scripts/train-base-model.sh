#!/usr/bin/env bash
# Rebuilds the bundled base model (assets/models/base) the way cellscribe-base-4 was made. Long: run it in
# the background; rerun the same command after a crash, a kill or the end of a session and every
# step resumes (manifests are regenerated identically, the corpus skips finished utterances,
# training resumes from its last checkpoint).
#
#   bash scripts/train-base-model.sh && bash scripts/evaluate-base-model.sh runs/base-nb/model
set -euo pipefail
cd "$(dirname "$0")/.."
m=runs/manifests

# 1. Real speech, whole speakers / takes held out for development.
node --import tsx scripts/make-an4-manifests.ts
node --import tsx scripts/make-fsdd-manifests.ts

# 2. Synthetic speech (Debian main voices; festival ked_diphone held out as the dev voice):
#    5,600 training utterances (3.9 h) and 300 dev utterances for seed 1.
node bin/cellscribe.mjs corpus --out runs/corpus-v1 --seed 1 --hours 4 --dev-utterances 300 \
  --exclude ../shared/data/an4/train_manifest.json

# 3. Train; early stopping and model selection on the AN4 held-out speakers. (base-2 was stopped
#    by hand after epoch 19 (Ctrl-C saves a checkpoint); its best epoch was 14. Left to run, it goes
#    on to early stopping or epoch 40, and step 4 starts from whatever epoch is best then.)
node bin/cellscribe.mjs train \
  --train $m/an4-train.json --train $m/fsdd-train.json --train runs/corpus-v1/train.json \
  --dev $m/an4-dev.json --out runs/base-b \
  --arch lstm --layers 2 --units 256 --stack 3 --epochs 40 --patience 8 --seed 1 --checkpoint-every 100 --spec-augment

# 4. cellscribe-base-3: a short low-learning-rate pass over the same data from that best epoch, with
#    model selection on the AN4 and FSDD held-out sets together (base-2 chose on AN4 alone, and its
#    digits had slipped to 97.5 %). Best of 5 epochs: epoch 2.
node bin/cellscribe.mjs train --from runs/base-b/model \
  --train $m/an4-train.json --train $m/fsdd-train.json --train runs/corpus-v1/train.json \
  --dev $m/an4-dev.json --dev $m/fsdd-dev.json --out runs/base-polish \
  --epochs 5 --batch-size 32 --lr 0.0003 --patience 3 --seed 1 --checkpoint-every 100 --spec-augment

# 5. cellscribe-base-4: the same pass with 8 kHz copies of the AN4 training speakers and of a
#    quarter of the synthetic corpus added, so telephone and Bluetooth-headset audio (nothing above
#    4 kHz) is read as well; model selection on AN4 dev, its 8 kHz copy and FSDD dev together.
#    Best of 4 epochs: epoch 3.
node --import tsx scripts/make-narrowband-copies.ts --manifest $m/an4-train.json --out runs/narrowband --name an4-train
node --import tsx scripts/make-narrowband-copies.ts --manifest runs/corpus-v1/train.json --fraction 0.25 --out runs/narrowband --name corpus-v1-quarter
node --import tsx scripts/make-narrowband-copies.ts --manifest $m/an4-dev.json --out runs/narrowband --name an4-dev
node bin/cellscribe.mjs train --from runs/base-polish/model \
  --train $m/an4-train.json --train runs/corpus-v1/train.json --train runs/narrowband/an4-train.json \
  --train runs/narrowband/corpus-v1-quarter.json --train $m/fsdd-train.json \
  --dev $m/an4-dev.json --dev runs/narrowband/an4-dev.json --dev $m/fsdd-dev.json --out runs/base-nb \
  --epochs 4 --batch-size 32 --lr 0.0005 --patience 2 --seed 1 --checkpoint-every 100 --spec-augment
