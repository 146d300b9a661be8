#!/usr/bin/env bash
# Every dev-set result the base model's card reports, each with the command that produced it.
#   bash scripts/evaluate-base-model.sh [MODEL_DIR]   (default assets/models/base)
# Needs the manifests (scripts/make-an4-manifests.ts, scripts/make-fsdd-manifests.ts) and the
# synthetic dev voice (cellscribe corpus, runs/corpus-v1/dev.json); the 8 kHz copy of AN4 dev comes
# from scripts/make-narrowband-copies.ts (scripts/train-base-model.sh step 5 makes it).
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-assets/models/base}
m=runs/manifests
vocab=assets/vocabularies/an4.txt
lm=$m/an4-train.txt
run() {
  echo "\$ $*"
  "$@" 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(JSON.stringify({wer:+(r.wer*100).toFixed(2),cer:+(r.cer*100).toFixed(2),sentenceAccuracy:+(r.sentenceAccuracy*100).toFixed(2),utterances:r.utterances,S:r.substitutions,D:r.deletions,I:r.insertions,rtf:+r.rtf.toFixed(4),backend:r.backend}))})'
}
for set in an4-dev an4-dev-report; do
  run node bin/cellscribe.mjs eval --model "$MODEL" --manifest $m/$set.json --json
  run node bin/cellscribe.mjs eval --model "$MODEL" --manifest $m/$set.json --vocabulary $vocab --json
  run node bin/cellscribe.mjs eval --model "$MODEL" --manifest $m/$set.json --vocabulary $vocab --lm $lm --json
done
# The same AN4 held-out speakers at 8 kHz (telephone / Bluetooth-headset bandwidth).
run node bin/cellscribe.mjs eval --model "$MODEL" --manifest runs/narrowband/an4-dev.json --json
run node bin/cellscribe.mjs eval --model "$MODEL" --manifest runs/narrowband/an4-dev.json --vocabulary $vocab --lm $lm --json
run node bin/cellscribe.mjs eval --model "$MODEL" --manifest $m/fsdd-dev.json --vocabulary digits --json
run node bin/cellscribe.mjs eval --model "$MODEL" --manifest runs/corpus-v1/dev.json --json
# The held-out voice by text kind and by clean vs degraded audio (the card's breakdown): split the
# dev manifest on its `category` and `augment` fields into runs/corpus-v1/dev-<part>.json.
node -e '
const fs = require("fs"); const dir = "runs/corpus-v1"; const parts = {};
for (const line of fs.readFileSync(dir + "/dev.json", "utf8").split("\n").filter(Boolean)) {
  const u = JSON.parse(line); const a = u.augment ?? {};
  const degraded = a.noise || a.reverb || a.telephone ? "degraded" : "clean";
  for (const part of [u.category, degraded]) (parts[part] ??= []).push(line);
}
for (const [part, lines] of Object.entries(parts)) fs.writeFileSync(`${dir}/dev-${part}.json`, lines.join("\n") + "\n");'
for part in digits numbers commands letters sentences clean degraded; do
  run node bin/cellscribe.mjs eval --model "$MODEL" --manifest runs/corpus-v1/dev-$part.json --json
done
