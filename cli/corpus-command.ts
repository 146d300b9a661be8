/** `cellscribe corpus --out DIR [--seed N] [--hours H] [--jobs N] ...`: builds the synthetic speech corpus. */
import { cpus } from 'node:os';
import { integerFlag, numberFlag, parse, UsageError } from './args.ts';

const HELP = `Usage: cellscribe corpus --out DIR [options]

Synthesises a training corpus with the offline TTS engines of Debian main (flite, festival
kal/slt-hts, espeak-ng), augments it with sox (speed, pitch, reverb, noise, telephone, level) and
writes 16 kHz mono WAVs with NeMo manifests DIR/train.json and DIR/dev.json. The dev manifest
holds one voice that training never hears (festival ked_diphone).
Deterministic for a seed; rerunning resumes (finished utterances are skipped).
Needs: apt-get install espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts sox

Options:
  --out DIR              corpus folder (created; runs/ is a good place, it is not committed)
  --seed N               seed of texts, voices and augmentation (default 1)
  --hours H              training audio to plan, in hours (default 4; estimated from text length)
  --utterances N         exact number of training utterances instead of --hours
  --dev-utterances N     utterances of the held-out dev voice (default 300)
  --jobs N               synthesis processes in parallel (default: number of CPU cores)
  --voices IDS           comma-separated voice ids to use (default: all; see --list-voices)
  --sentences FILE       sentence list, one a line (default: bundled WordNet examples)
  --exclude MANIFEST     keep this manifest's transcripts (two words or more) out of the dev set,
                         e.g. AN4's train_manifest.json
  --list-voices          print the voices with their split and weight, and exit
  -h, --help             this help
`;

export async function corpusCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    out: { type: 'string' },
    seed: { type: 'string' },
    hours: { type: 'string' },
    utterances: { type: 'string' },
    'dev-utterances': { type: 'string' },
    jobs: { type: 'string' },
    voices: { type: 'string' },
    sentences: { type: 'string' },
    exclude: { type: 'string' },
    'list-voices': { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const { VOICES, resolveVoiceIds } = await import('../model/corpus/voices.ts');
  if (values['list-voices']) {
    for (const v of VOICES) process.stdout.write(`${v.id}\t${v.split}\t${v.weight.toFixed(3)}\t${v.aptPackage}\n`);
    return 0;
  }
  if (values.out === undefined) throw new UsageError('--out DIR is required');
  const seed = integerFlag(values.seed, 'seed', 1);
  const trainHours = numberFlag(values.hours, 'hours', 4);
  const trainUtterances = values.utterances === undefined ? undefined : integerFlag(values.utterances, 'utterances', 0);
  const devUtterances = integerFlag(values['dev-utterances'], 'dev-utterances', 300);
  const jobs = integerFlag(values.jobs, 'jobs', cpus().length, 1);
  let voiceIds: string[] | undefined;
  if (values.voices !== undefined) {
    voiceIds = values.voices.split(',').map((s) => s.trim()).filter(Boolean);
    try {
      resolveVoiceIds(voiceIds);
    } catch (error) {
      throw new UsageError(`--voices: ${(error as Error).message}`);
    }
  }
  const { readManifest } = await import('../model/train/manifest.ts');
  const excludeFromDev = values.exclude === undefined ? undefined : new Set(readManifest(values.exclude).map((e) => e.text));
  const { buildCorpus } = await import('../model/corpus/build.ts');
  const result = await buildCorpus({
    out: values.out, seed, trainHours, trainUtterances, devUtterances, jobs, voiceIds, excludeFromDev,
    sentencesFile: values.sentences,
    manifestEveryMs: 5 * 60 * 1000,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  for (const split of ['train', 'dev'] as const) {
    const s = result.manifests[split];
    process.stdout.write(`${s.file}: ${s.utterances} utterances, ${s.hours.toFixed(2)} h\n`);
    for (const [voice, v] of Object.entries(s.byVoice)) process.stdout.write(`  ${voice}: ${v.utterances} utterances, ${v.hours.toFixed(2)} h\n`);
  }
  process.stdout.write(`synthesised ${result.synthesized}, skipped ${result.skipped} (done earlier), rejected ${result.rejected.length}, failed ${result.failed.length}\n`);
  for (const f of result.failed.slice(0, 10)) process.stderr.write(`failed ${f.id}: ${f.error}\n`);
  return result.failed.length > 0 ? 1 : 0;
}
