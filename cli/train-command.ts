/** `cellscribe train --train FILE --dev FILE --out DIR [--from DIR] [--arch …] …` */
import { DEFAULT_FEATURES, DEFAULT_MODEL, type FeatureConfig, type RecurrentKind } from '../model/config.ts';
import { PHONE_ALPHABET } from '../model/text/phones.ts';
import { DEFAULT_SPEC_AUGMENT } from '../model/train/spec-augment.ts';
import { DEFAULT_SPEED_FACTORS } from '../model/train/speed-perturb.ts';
import { FINE_TUNE_DEFAULTS } from '../model/train/fine-tune-defaults.ts';
import { TRAIN_DEFAULTS, trainRecipe } from '../model/train/recipe.ts';
import type { TrainEvent } from '../model/train/train-loop.ts';
import { choiceFlag, integerFlag, numberFlag, parse, UsageError } from './args.ts';
import { printJson, startBackend } from './common.ts';
import { formatDuration, ProgressBar } from './progress.ts';
import { basename, join } from 'node:path';
import { readManifest, formatManifest } from '../model/train/manifest.ts';
import { writeFileAtomic } from '../model/io/atomic.ts';
import { heldOutFlags } from '../model/train/held-out.ts';
import { defaultWorkers } from '../model/train/data-parallel.ts';

/** runs/finetune-<model folder>-<manifest name>: the same command resumes into the same folder. */
function defaultFineTuneOut(from: string, manifest: string): string {
  const clean = (s: string) => basename(s.replace(/[\\/]+(model)?[\\/]*$/, '')).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_-]+/g, '-');
  return join('runs', `finetune-${clean(from)}-${clean(manifest)}`);
}

/**
 * Splits the training manifests into train and held-out manifests in `dir`: each utterance's side
 * comes from a hash of its audio path (about 20% held out; at least one when there are 3 or more),
 * so a rerun (or a resume) gets the same split.
 */
export function writeAutomaticSplit(manifests: string[], dir: string): { train: string; heldOut: string; trainCount: number; heldOutCount: number } {
  const entries = manifests.flatMap((m) => readManifest(m));
  if (entries.length < 3) throw new UsageError(`--train has ${entries.length} utterance(s): at least 3 are needed to hold some out, or pass --dev FILE`);
  const held = heldOutFlags(entries.map((e) => e.audioPath));
  const rows = (side: boolean) => entries.filter((_, i) => held[i] === side).map((e) => ({ audio_filepath: e.audioPath, duration: e.durationSeconds, text: e.text }));
  const train = join(dir, 'train.json');
  const heldOut = join(dir, 'heldout.json');
  writeFileAtomic(train, formatManifest(rows(false)));
  writeFileAtomic(heldOut, formatManifest(rows(true)));
  return { train, heldOut, trainCount: rows(false).length, heldOutCount: rows(true).length };
}


const HELP = `Usage: cellscribe train --train FILE [--dev FILE] --out DIR [options]
       cellscribe train --from MODEL --train FILE [--out DIR]

Trains an acoustic model with CTC (or fine-tunes one with --from). Manifests are NeMo-style JSON
lines: {"audio_filepath": ..., "duration": ..., "text": ...}. Run the same command again after a
crash or kill and it resumes from the last checkpoint in DIR/checkpoints. The best model (by dev
CER) is written to DIR/model, which --model DIR accepts.

Fine-tuning (--from) needs only --train: without --dev, about 20% of the training manifest
(at least one utterance, chosen by a hash of each audio path, so the same every run) is held
out for the per-epoch CER and early stopping; --out defaults to runs/finetune-<model>-<manifest>.

Options:
  --train FILE           training manifest (repeat for several)
  --dev FILE             development manifest, for CER/WER each epoch and early stopping (repeatable;
                         with --from it may be left out: then part of --train is held out)
  --out DIR              output folder
  --from DIR             fine-tune this model (its architecture and front end are kept)
  --freeze N             with --from: keep the first N recurrent layers fixed (default 0)
  --head KIND            with --from: replace the top recurrent layer by a fresh lstm, peephole or gru
  --arch A               lstm (default), peephole or gru
  --layers N             recurrent layers (default ${DEFAULT_MODEL.layers})
  --units N              units per layer (default ${DEFAULT_MODEL.units})
  --stack N              frames stacked per network step (default ${DEFAULT_MODEL.stack})
  --units-of U           output units: characters (default) or phones (the 39 CMUdict phones;
                         ordinary transcripts are said with CMUdict, or eSpeak NG when installed,
                         and utterances with words neither knows are listed in skipped-*.jsonl;
                         a new model only: --from keeps the model's own units, so a phone model
                         fine-tunes on ordinary text too; transcribe and eval turn phones into
                         words with CMUdict and the word list or LM)
  --epochs N             most epochs (default ${TRAIN_DEFAULTS.epochs}; ${FINE_TUNE_DEFAULTS.epochs} with --from)
  --batch-size N         utterances per batch (default ${TRAIN_DEFAULTS.batchSize}; ${FINE_TUNE_DEFAULTS.batchSize} with --from)
  --lr X                 peak learning rate (default ${TRAIN_DEFAULTS.learningRate}; ${FINE_TUNE_DEFAULTS.learningRate} with --from)
  --warmup N             warm-up steps (default ${TRAIN_DEFAULTS.warmupSteps}; ${FINE_TUNE_DEFAULTS.warmupSteps} with --from)
  --clip X               gradient-norm limit (default 10)
  --patience N           stop after N epochs without a better dev CER (default ${TRAIN_DEFAULTS.patience}; ${FINE_TUNE_DEFAULTS.patience} with --from)
  --checkpoint-every N   checkpoint every N steps (default 50)
  --keep-epochs N        also keep the model of each of the last N epochs in DIR/epochs, to average
                         them afterwards (scripts/average-checkpoints.ts); default 0
  --seed N               random seed (default 1)
  --spec-augment         mask random time spans and feature bands of training utterances
                         (2 × up to 5 % of the frames, 2 × up to 4 dimensions), against overfitting
  --cmn SECONDS          sliding cepstral mean normalisation over the last SECONDS of audio (e.g. 3):
                         steadier across microphones and phone lines (a new front end: from scratch only)
  --speed-perturb        also hear each training utterance at 0.9× and 1.1× speed (one speed per
                         utterance per epoch; pitch and rate move like another speaker's)
  --dev-vocabulary V     decode the dev set with this vocabulary (file or "digits") for the metrics
  --workers N            threads sharing each batch (default: one per core, here ${defaultWorkers()});
                         1 on tfjs-node, which cannot run in several threads
  --cache DIR            feature cache (default ~/.cache/cellscribe/features or $CELLSCRIBE_CACHE)
  --json                 print the result as JSON on stdout
  --backend NAME         tfjs-node-gpu, tfjs-node, wasm or cpu
`;

export async function trainCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    train: { type: 'string', multiple: true },
    dev: { type: 'string', multiple: true },
    out: { type: 'string' },
    from: { type: 'string' },
    freeze: { type: 'string' },
    head: { type: 'string' },
    arch: { type: 'string' },
    layers: { type: 'string' },
    units: { type: 'string' },
    'units-of': { type: 'string' },
    stack: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    warmup: { type: 'string' },
    clip: { type: 'string' },
    patience: { type: 'string' },
    'checkpoint-every': { type: 'string' },
    seed: { type: 'string' },
    'dev-vocabulary': { type: 'string' },
    'spec-augment': { type: 'boolean' },
    'speed-perturb': { type: 'boolean' },
    'keep-epochs': { type: 'string' },
    cmn: { type: 'string' },
    cache: { type: 'string' },
    workers: { type: 'string' },
    json: { type: 'boolean' },
    backend: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const { train } = await import('../model/train/train-loop.ts');
  const { resolveDecoding } = await import('../model/ctc/decode-settings.ts');
  const { Alphabet } = await import('../model/text/alphabet.ts');
  if (!values.train?.length) throw new UsageError('--train FILE is required');
  const fineTune = values.from !== undefined;
  if (!fineTune && !values.dev?.length) throw new UsageError('--dev FILE is required (only fine-tuning with --from can hold out part of --train instead)');
  if (!fineTune && !values.out) throw new UsageError('--out DIR is required');
  if (!fineTune && values.freeze !== undefined) throw new UsageError('--freeze only applies with --from');
  if (!fineTune && values.head !== undefined) throw new UsageError('--head only applies with --from');
  const out = values.out ?? defaultFineTuneOut(values.from!, values.train[0]);
  const head = values.head === undefined ? undefined : choiceFlag<RecurrentKind>(values.head, 'head', ['lstm', 'peephole', 'gru'], 'lstm');
  let trainManifests = values.train;
  let devManifests = values.dev ?? [];
  if (devManifests.length === 0) {
    const split = writeAutomaticSplit(values.train, join(out, 'auto-split'));
    trainManifests = [split.train];
    devManifests = [split.heldOut];
    process.stderr.write(`no --dev: held out ${split.heldOutCount} of ${split.heldOutCount + split.trainCount} utterances of --train (${split.heldOut})\n`);
  }
  const defaults = fineTune ? FINE_TUNE_DEFAULTS : TRAIN_DEFAULTS;
  const cmnFeatures = (seconds: string | undefined, fromParent: boolean): FeatureConfig | undefined => {
    if (seconds === undefined) return undefined;
    // A fine-tuned model keeps its parent's front end; a new one would not match its weights.
    if (fromParent) throw new UsageError('--cmn changes the front end, so it applies to training from scratch, not with --from');
    const window = Math.round(numberFlag(seconds, 'cmn', 0, 0.01) * (DEFAULT_FEATURES.sampleRate / DEFAULT_FEATURES.hopLength));
    return { ...DEFAULT_FEATURES, cmnWindow: window };
  };
  const features = cmnFeatures(values.cmn, fineTune); // checked before the engine loads
  function outputAlphabet(units: string | undefined, fromParent: boolean): string {
    const kind = choiceFlag(units, 'units-of', ['characters', 'phones'], 'characters');
    // A fine-tuned model keeps its parent's output layer and so its units.
    if (units !== undefined && fromParent) throw new UsageError('--units-of applies to training from scratch, not with --from');
    return kind === 'phones' ? PHONE_ALPHABET : DEFAULT_MODEL.alphabet;
  }
  const model = {
    arch: choiceFlag<RecurrentKind>(values.arch, 'arch', ['lstm', 'peephole', 'gru'], DEFAULT_MODEL.arch),
    layers: integerFlag(values.layers, 'layers', DEFAULT_MODEL.layers, 1),
    units: integerFlag(values.units, 'units', DEFAULT_MODEL.units, 1),
    stack: integerFlag(values.stack, 'stack', DEFAULT_MODEL.stack, 1),
    alphabet: outputAlphabet(values['units-of'], fineTune),
  };
  const backend = await startBackend(values.backend);
  const devDecode = values['dev-vocabulary'] ? resolveDecoding({ vocabulary: values['dev-vocabulary'] }, new Alphabet(model.alphabet)) : undefined;

  const progress = new ProgressBar();
  const controller = new AbortController();
  const onSignal = () => {
    progress.log('stopping: saving a checkpoint (press Ctrl-C again to quit at once)');
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const onEvent = (e: TrainEvent) => {
    switch (e.type) {
      case 'features':
        progress.update(e.done / Math.max(1, e.total), `features (${e.split}) ${e.done}/${e.total}`);
        break;
      case 'data':
        progress.log(`${e.split}: ${e.utterances} utterances, ${(e.audioSeconds / 60).toFixed(1)} min of audio${e.skipped.length ? `, ${e.skipped.length} skipped` : ''}`);
        for (const s of e.skipped.slice(0, 10)) progress.log(`  skipped ${s.audioPath}: ${s.reason}`);
        if (e.skipped.length > 10) progress.log(`  … and ${e.skipped.length - 10} more`);
        break;
      case 'model':
        progress.log(`model: ${e.parameters.toLocaleString('en')} weights${e.fineTuning ? `, fine-tuning (${e.frozenLayers} layers frozen)` : ''}`);
        break;
      case 'resume':
        progress.log(`resuming from step ${e.step} (epoch ${e.epoch + 1}, batch ${e.batch}) from ${e.checkpoint}`);
        break;
      case 'warning':
        progress.log(`warning: ${e.message}`);
        break;
      case 'step':
        progress.update(
          e.step / e.totalSteps,
          `epoch ${e.epoch + 1}/${e.epochs} step ${e.step}/${e.totalSteps} loss ${e.loss.toFixed(3)} ` +
            `${e.utterancesPerSecond.toFixed(1)} utt/s ETA ${formatDuration(e.etaSeconds)}`,
        );
        break;
      case 'epoch':
        progress.log(
          `epoch ${e.epoch + 1}: train loss ${e.trainLoss.toFixed(3)}, dev CER ${(e.devCer * 100).toFixed(2)}%, ` +
            `WER ${(e.devWer * 100).toFixed(2)}%${e.improved ? ' (best so far, saved)' : ''} [${formatDuration(e.seconds)}]`,
        );
        break;
      case 'stopped':
        progress.done();
        if (e.reason === 'early-stopping') progress.log('early stopping: no better dev CER for --patience epochs');
        if (e.reason === 'cancelled') progress.log('cancelled; run the same command again to resume');
        break;
      case 'skipped':
        progress.log(`${e.split}: ${e.count} of ${e.of} utterances left out; each one with its reason in ${e.file}`);
        break;
      case 'checkpoint':
        break;
    }
  };
  const result = await train(
    trainRecipe({
      trainManifests,
      devManifests,
      out,
      from: values.from,
      frozenLayers: integerFlag(values.freeze, 'freeze', 0, 0),
      newHead: head,
      model,
      epochs: integerFlag(values.epochs, 'epochs', defaults.epochs, 1),
      batchSize: integerFlag(values['batch-size'], 'batch-size', defaults.batchSize, 1),
      learningRate: numberFlag(values.lr, 'lr', defaults.learningRate, 0),
      warmupSteps: integerFlag(values.warmup, 'warmup', defaults.warmupSteps, 0),
      clipNorm: numberFlag(values.clip, 'clip', defaults.clipNorm, 0),
      patience: integerFlag(values.patience, 'patience', defaults.patience, 1),
      checkpointEvery: integerFlag(values['checkpoint-every'], 'checkpoint-every', 50, 1),
      keepEpochs: integerFlag(values['keep-epochs'], 'keep-epochs', 0, 0),
      seed: integerFlag(values.seed, 'seed', 1, 0),
      devDecode,
      specAugment: values['spec-augment'] ? DEFAULT_SPEC_AUGMENT : undefined,
      speedPerturb: values['speed-perturb'] ? DEFAULT_SPEED_FACTORS : undefined,
      features,
      cacheDir: values.cache,
      workers: integerFlag(values.workers, 'workers', defaultWorkers(), 1),
      command: ['cellscribe', 'train', ...argv].join(' '),
      backend: backend.backend,
    }),
    { onEvent, signal: controller.signal },
  );
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  progress.done();
  if (result.stoppedBy === 'already-done') process.stderr.write(`training in ${out} is already complete\n`);
  const summary = { ...result, backend: backend.backend };
  if (values.json) printJson(summary);
  else if (result.bestCer !== null) process.stderr.write(`best dev CER ${(result.bestCer * 100).toFixed(2)}% at epoch ${(result.bestEpoch ?? 0) + 1}; model in ${result.modelDir}\n`);
  return result.stoppedBy === 'cancelled' ? 130 : 0;
}
