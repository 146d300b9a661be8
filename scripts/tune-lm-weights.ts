/**
 * Grid over LM weight α, word bonus β (and beam) for one decoding set-up on a dev manifest:
 * the acoustic model runs once per utterance, then every grid point only re-decodes.
 *
 *   node --import tsx scripts/tune-lm-weights.ts --manifest runs/manifests/an4-dev-tune.json \
 *     [--model DIR] [--lm FILE | --general] [--vocabulary FILE] [--alphas 0.3,0.5,1] [--betas 0,1,2] [--beams 16]
 * Prints one line per grid point (WER, CER, S/D/I, decode seconds) and the best by WER.
 */
import { parseArgs } from 'node:util';
import { Recognizer } from '../model/engine/recognizer.ts';
import { BUNDLED_GENERAL_LM, resolveDecoding } from '../model/ctc/decode-settings.ts';
import { selectBackend } from '../model/engine/backend.ts';
import { readManifest } from '../model/train/manifest.ts';
import { Alphabet, normalizeTranscript } from '../model/text/alphabet.ts';
import { PHONE_ALPHABET } from '../model/text/phones.ts';
import { DEFAULT_MODEL } from '../model/config.ts';
import { ErrorRateAccumulator } from '../model/eval/metrics.ts';
import { loadAudioFile } from '../model/audio/load-audio.ts';

const { values } = parseArgs({
  options: {
    manifest: { type: 'string' }, model: { type: 'string', default: 'assets/models/base' },
    lm: { type: 'string' }, general: { type: 'boolean' }, vocabulary: { type: 'string' },
    grammar: { type: 'string' }, 'min-confidences': { type: 'string', default: '0,0.02,0.05,0.1,0.2,0.3' },
    alphas: { type: 'string', default: '0.3,0.5,0.8,1' }, betas: { type: 'string', default: '0,1,2,3' }, beams: { type: 'string', default: '16' },
  },
});
if (!values.manifest) throw new Error('--manifest is required');
await selectBackend(undefined);
const recognizer = await Recognizer.load(values.model!);
const alphabet = recognizer.model.alphabet;
// A phone model decodes to words here, so its references are the manifest's words.
const referenceAlphabet = alphabet.chars === PHONE_ALPHABET ? new Alphabet(DEFAULT_MODEL.alphabet) : alphabet;
const entries = readManifest(values.manifest);
const utterances: { logProbs: Float32Array; reference: string }[] = [];
for (const entry of entries) {
  const audio = await loadAudioFile(entry.audioPath);
  const t = recognizer.transcribeSamples(audio.samples, {});
  utterances.push({ logProbs: t.logProbs, reference: normalizeTranscript(entry.text, referenceAlphabet) });
}
const list = (s: string) => s.split(',').map(Number);
if (values.grammar) {
  // Grammar mode: accuracy and rejections per minimum confidence (one decode per utterance).
  const decoding = resolveDecoding({ grammar: values.grammar, grammarMinConfidence: 0 }, alphabet);
  const decoded = utterances.map((u) => ({ ...recognizer.decodeLogProbs(u.logProbs, decoding), reference: u.reference }));
  for (const min of list(values['min-confidences']!)) {
    const right = decoded.filter((d) => d.grammar!.confidence >= min && d.text === d.reference).length;
    const wrong = decoded.filter((d) => d.grammar!.confidence >= min && d.text !== d.reference).length;
    console.log(`min confidence ${min}: accuracy ${(100 * right / decoded.length).toFixed(2)} % (${right}/${decoded.length}), wrong ${wrong}, rejected ${decoded.length - right - wrong}`);
  }
  const wrong = decoded.filter((d) => d.text !== d.reference).map((d) => `${d.reference}→${d.text} ${d.grammar!.confidence.toFixed(3)}`);
  console.log(`errors at 0: ${wrong.join(', ')}`);
  process.exit(0);
}
const results: { alpha: number; beta: number; beam: number; wer: number; line: string }[] = [];
for (const beam of list(values.beams!)) {
  for (const alpha of list(values.alphas!)) {
    for (const beta of list(values.betas!)) {
      const decoding = resolveDecoding({
        lm: values.lm, vocabulary: values.vocabulary, generalLm: values.general ? BUNDLED_GENERAL_LM : undefined, alpha, beta, beam,
      }, alphabet);
      const acc = new ErrorRateAccumulator();
      const started = performance.now();
      for (const u of utterances) acc.add(u.reference, recognizer.decodeLogProbs(u.logProbs, decoding).text);
      const seconds = (performance.now() - started) / 1000;
      const w = acc.words;
      const line = `beam ${beam} alpha ${alpha} beta ${beta}: WER ${(acc.wer * 100).toFixed(2)} % CER ${(acc.cer * 100).toFixed(2)} % (S ${w.substitutions} D ${w.deletions} I ${w.insertions} of ${w.refLength}) decode ${seconds.toFixed(1)} s`;
      console.log(line);
      results.push({ alpha, beta, beam, wer: acc.wer, line });
    }
  }
}
results.sort((a, b) => a.wer - b.wer);
console.log(`best: ${results[0].line}  (${utterances.length} utterances of ${values.manifest})`);
recognizer.dispose();
