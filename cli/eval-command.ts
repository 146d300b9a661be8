/** `cellscribe eval --manifest FILE [--model DIR] [--vocabulary FILE|digits] [--lm FILE] [--beam N] [--json]` */
import { DECODING_HELP, decodingFromFlags, DECODING_OPTIONS, parse, UsageError } from './args.ts';
import { bundledLm, modelDirFrom, printJson, startBackend } from './common.ts';
import { etaLabel, ProgressBar } from './progress.ts';
import { checkFiles, checkModelDir } from './preflight.ts';

const HELP = `Usage: cellscribe eval --manifest FILE [options]

Transcribes every utterance of a NeMo-style manifest and reports word and character error rates
(with substitutions, deletions and insertions) and the real-time factor. Files that cannot be
transcribed are listed and left out of the rates, and the command exits 1 (the rates describe
only part of the manifest), unless --allow-failures is given.

Options:
  --manifest FILE        manifest to evaluate (repeatable)
  --model DIR            model folder (default: the bundled base model)
  --vocabulary FILE      restrict output to the words/phrases in FILE, or "digits"
${DECODING_HELP}  --json                 print one JSON object on stdout
  --errors               also list the utterances with errors
  --allow-failures       exit 0 even when some files fail (the summary still counts them)
  --backend NAME         tfjs-node-gpu, tfjs-node, wasm or cpu
`;

export async function evalCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    manifest: { type: 'string', multiple: true },
    model: { type: 'string' },
    ...DECODING_OPTIONS,
    json: { type: 'boolean' },
    errors: { type: 'boolean' },
    'allow-failures': { type: 'boolean' },
    backend: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!values.manifest?.length) throw new UsageError('--manifest FILE is required');
  const settings = decodingFromFlags(values, values['no-lm'] || values.vocabulary || values.lm || values.grammar ? undefined : bundledLm(values.json));
  // Files first, the engine after: loading tfjs and the model takes seconds.
  checkFiles(values.manifest, 'manifest');
  checkFiles([settings.vocabulary, settings.lm, settings.grammar].filter((f): f is string => f !== undefined && f !== 'digits'), 'decoding file');
  const modelDir = modelDirFrom(values.model);
  checkModelDir(modelDir);
  const { readManifest } = await import('../model/train/manifest.ts');
  const entries = values.manifest.flatMap((m) => readManifest(m));
  if (entries.length === 0) throw new Error(`${values.manifest.join(', ')}: no utterances to evaluate`);
  const { normalizeTranscript } = await import('../model/text/alphabet.ts');
  const { Recognizer } = await import('../model/engine/recognizer.ts');
  const { resolveDecoding } = await import('../model/ctc/decode-settings.ts');
  const { ErrorRateAccumulator } = await import('../model/eval/metrics.ts');
  const backend = await startBackend(values.backend, values.json);
  const recognizer = await Recognizer.load(modelDir);
  const decoding = resolveDecoding(settings, recognizer.model.alphabet);
  // A phone model decoded to words (LM, word list or grammar) is scored against the words of the
  // manifest; decoded greedily it outputs phones, scored against a phone manifest
  // (scripts/make-phone-manifests.ts).
  const { Alphabet } = await import('../model/text/alphabet.ts');
  const { DEFAULT_MODEL } = await import('../model/config.ts');
  const referenceAlphabet = decoding.phoneWords || decoding.grammar ? new Alphabet(DEFAULT_MODEL.alphabet) : recognizer.model.alphabet;
  const accumulator = new ErrorRateAccumulator();
  // Progress by audio processed (manifest durations), drawn only on a terminal.
  const progress = new ProgressBar(process.stderr, { ttyOnly: true });
  const totalSeconds = entries.reduce((n, e) => n + (e.durationSeconds), 0);
  const started = Date.now();
  let doneSeconds = 0;
  const failed: { file: string; error: string }[] = [];
  const errors: { file: string; reference: string; hypothesis: string }[] = [];
  let audioSeconds = 0;
  let processingSeconds = 0;
  let lowConfidence = 0;
  for (const [i, entry] of entries.entries()) {
    const fraction = totalSeconds > 0 ? doneSeconds / totalSeconds : i / entries.length;
    progress.update(fraction, `${i}/${entries.length} ${etaLabel(started, fraction)}`.trimEnd());
    doneSeconds += entries[i].durationSeconds;
    try {
      const t = await recognizer.transcribeFile(entry.audioPath, decoding);
      const reference = normalizeTranscript(entry.text, referenceAlphabet);
      if (t.grammar?.lowConfidence) lowConfidence++;
      const { words } = accumulator.add(reference, t.text);
      if (words.hits !== words.refLength || words.insertions > 0) errors.push({ file: entry.audioPath, reference, hypothesis: t.text });
      audioSeconds += t.durationSeconds;
      processingSeconds += t.processingSeconds;
    } catch (error) {
      failed.push({ file: entry.audioPath, error: (error as Error).message });
    }
  }
  progress.done();
  const summary = accumulator.summary();
  const report = {
    wer: summary.wer,
    cer: summary.cer,
    utterances: summary.utterances,
    substitutions: summary.words.substitutions,
    deletions: summary.words.deletions,
    insertions: summary.words.insertions,
    referenceWords: summary.words.refLength,
    chars: summary.chars,
    sentenceAccuracy: summary.utterances ? 1 - errors.length / summary.utterances : 0,
    rtf: processingSeconds / Math.max(audioSeconds, 1e-9),
    audioSeconds,
    failed: failed.length,
    files: entries.length,
    failedFiles: failed,
    model: recognizer.meta.name,
    modelDir: recognizer.dir,
    decoding: {
      vocabulary: settings.vocabulary ?? null, lm: settings.lm ?? settings.generalLm ?? null, grammar: settings.grammar ?? null,
      beam: decoding.beam ?? null, lmWeight: decoding.lm ? decoding.alpha ?? null : null, wordBonus: decoding.lm ? decoding.beta ?? null : null,
    },
    ...(decoding.grammar ? { lowConfidence } : {}),
    backend: backend.backend,
    ...(values.errors ? { errors } : {}),
  };
  for (const f of failed) process.stderr.write(`cellscribe eval: could not transcribe ${f.file}: ${f.error}\n`);
  if (values.json) printJson(report);
  else {
    process.stdout.write(
      `utterances ${report.utterances}  WER ${(report.wer * 100).toFixed(2)}% (S ${report.substitutions}, D ${report.deletions}, I ${report.insertions} of ${report.referenceWords} words)  ` +
        `CER ${(report.cer * 100).toFixed(2)}%  sentence accuracy ${(report.sentenceAccuracy * 100).toFixed(2)}%  RTF ${report.rtf.toFixed(4)}  backend ${report.backend}\n`,
    );
    if (failed.length > 0) {
      process.stdout.write(`${failed.length} of ${entries.length} files could not be transcribed and are not in these rates (listed on stderr)\n`);
    }
    if (values.errors) for (const e of errors) process.stdout.write(`${e.file}\n  ref: ${e.reference}\n  hyp: ${e.hypothesis}\n`);
  }
  recognizer.dispose();
  if (failed.length > 0) {
    const all = summary.utterances === 0;
    process.stderr.write(`cellscribe eval: ${failed.length} of ${entries.length} files failed${all ? ': nothing was evaluated' : values['allow-failures'] ? ' (--allow-failures: exit 0)' : '; the rates cover the other ' + summary.utterances + ' (pass --allow-failures to exit 0 anyway)'}\n`);
    return all || !values['allow-failures'] ? 1 : 0;
  }
  return 0;
}
