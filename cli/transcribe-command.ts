/** `cellscribe transcribe FILE... [--model DIR] [--vocabulary FILE|digits] [--lm FILE] [--beam N] [--format F]` */
import { choiceFlag, decodingFromFlags, DECODING_OPTIONS, parse, UsageError } from './args.ts';
import { bundledLm, modelDirFrom, printJson, startBackend } from './common.ts';
import { TRANSCRIPT_FORMATS, toSrt, toVtt } from '../model/io/subtitles.ts';

const HELP = `Usage: cellscribe transcribe FILE... [options]

Transcribes each audio file (WAV, FLAC, MP3, Ogg, Opus, M4A/AAC, WebM, AIFF, CAF, AMR, WMA;
any rate, resampled to 16 kHz).

Options:
  --model DIR            model folder (default: the bundled base model)
  --vocabulary FILE      restrict output to the words/phrases in FILE (one per line), or "digits"
  --lm FILE              word language model: ARPA (plain or .gz), sphinx .lm.bin, .cslm, or a
                         plain-text file (one sentence a line) to build a trigram from
                         (default: the bundled general English LM, assets/lm/en-us.cslm)
  --no-lm                open-vocabulary CTC without any language model
  --grammar FILE         output exactly one phrase of FILE (one a line), or nothing when unsure
  --lm-weight A          weight of the LM's log-probability (default 0.5 general LM, 1.0 --lm)
  --word-bonus B         score added per word with an LM (default 0.5 general LM, 1.0 --lm)
  --beam N               beam width (default 16 with a vocabulary or LM, else greedy)
  --format F             text (default), json, srt or vtt
  --backend NAME         tfjs-node-gpu, tfjs-node, wasm or cpu
  -h, --help             this help
`;

export async function transcribeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      model: { type: 'string' },
      ...DECODING_OPTIONS,
      format: { type: 'string' },
      backend: { type: 'string' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  // The engine (and tfjs) load only once the arguments are known to be good: --help stays instant.
  const { Recognizer } = await import('../model/engine/recognizer.ts');
  const { resolveDecoding } = await import('../model/ctc/decode-settings.ts');
  if (positionals.length === 0) throw new UsageError('no audio files given');
  const format = choiceFlag(values.format, 'format', TRANSCRIPT_FORMATS, 'text');
  const settings = decodingFromFlags(values, values['no-lm'] || values.vocabulary || values.lm || values.grammar ? undefined : bundledLm());
  const modelDir = modelDirFrom(values.model);
  const backend = await startBackend(values.backend);
  const recognizer = await Recognizer.load(modelDir);
  const decoding = resolveDecoding(settings, recognizer.model.alphabet);
  let failures = 0;
  const results = [];
  for (const file of positionals) {
    try {
      const t = await recognizer.transcribeFile(file, decoding);
      for (const warning of t.warnings) process.stderr.write(`${file}: warning: ${warning}\n`);
      if (t.grammar?.lowConfidence) {
        process.stderr.write(`${file}: low confidence (${t.grammar.confidence.toFixed(3)}): no phrase output (best was "${t.grammar.bestPhrase}")\n`);
      }
      if (format === 'text') process.stdout.write(positionals.length > 1 ? `${file}\t${t.text}\n` : `${t.text}\n`);
      else if (format === 'srt') process.stdout.write(toSrt(t.words));
      else if (format === 'vtt') process.stdout.write(toVtt(t.words));
      results.push({ file, text: t.text, words: t.words, ...(t.grammar ? { grammar: t.grammar } : {}), durationSeconds: t.durationSeconds, rtf: t.rtf, warnings: t.warnings });
    } catch (error) {
      failures += 1;
      process.stderr.write(`cellscribe transcribe: error: ${(error as Error).message}\n`);
      results.push({ file, error: (error as Error).message });
    }
  }
  if (format === 'json') {
    printJson({ model: recognizer.meta.name, modelDir: recognizer.dir, backend: backend.backend, backendDetail: backend.backendDetail, results });
  }
  recognizer.dispose();
  return failures > 0 ? 1 : 0;
}
