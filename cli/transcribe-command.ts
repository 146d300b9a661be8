/** `cellscribe transcribe FILE|-... [--model DIR] [--vocabulary FILE|digits] [--lm FILE] [--beam N] [--format F] [-o DIR]` */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { choiceFlag, DECODING_HELP, decodingFromFlags, DECODING_OPTIONS, parse, UsageError } from './args.ts';
import { bundledLm, modelDirFrom, printJson, startBackend } from './common.ts';
import { checkFiles, checkModelDir, outputNames } from './preflight.ts';
import { etaLabel, formatDuration, ProgressBar } from './progress.ts';
import { TRANSCRIPT_FORMATS, toSrt, toText, toVtt, type TranscriptFormat } from '../model/io/subtitles.ts';

const HELP = `Usage: cellscribe transcribe FILE... [options]

Transcribes each audio file (WAV, FLAC, MP3, Ogg, Opus, M4A/AAC, WebM, AIFF, CAF, AMR, WMA;
any rate, resampled to 16 kHz). FILE - reads the audio from standard input. Long recordings are
processed in pieces (memory stays flat) and decoded between pauses.

Options:
  --model DIR            model folder (default: the bundled base model)
  --vocabulary FILE      restrict output to the words/phrases in FILE (one per line), or "digits"
${DECODING_HELP}  --format F             text (default), json, srt or vtt
  -o, --output-dir DIR   write NAME.txt|json|srt|vtt per input into DIR (atomically) instead of stdout
  --backend NAME         tfjs-node-gpu, tfjs-node, wasm or cpu
  -h, --help             this help

A progress bar with the time left is drawn on stderr when it is a terminal.
`;

const EXTENSION: Record<TranscriptFormat, string> = { text: 'txt', json: 'json', srt: 'srt', vtt: 'vtt' };

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function transcribeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      model: { type: 'string' },
      ...DECODING_OPTIONS,
      format: { type: 'string' },
      'output-dir': { type: 'string', short: 'o' },
      backend: { type: 'string' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  // Everything that can be checked without the engine is checked first: tfjs and the model take seconds to load.
  if (positionals.length === 0) throw new UsageError('no audio files given');
  if (positionals.filter((p) => p === '-').length > 1) throw new UsageError('standard input (-) can be read only once');
  const format = choiceFlag(values.format, 'format', TRANSCRIPT_FORMATS, 'text');
  const outputDir = values['output-dir'];
  if ((format === 'srt' || format === 'vtt') && positionals.length > 1 && outputDir === undefined) {
    throw new UsageError(`--format ${format} with several files needs --output-dir DIR (one subtitle document per file)`);
  }
  const settings = decodingFromFlags(values, values['no-lm'] || values.vocabulary || values.lm || values.grammar ? undefined : bundledLm());
  checkFiles(positionals, 'audio file');
  checkFiles([settings.vocabulary, settings.lm, settings.grammar].filter((f): f is string => f !== undefined && f !== 'digits'), 'decoding file');
  const modelDir = modelDirFrom(values.model);
  checkModelDir(modelDir);
  const names = outputDir === undefined ? [] : outputNames(positionals, EXTENSION[format]);
  if (outputDir !== undefined) mkdirSync(outputDir, { recursive: true });

  const { Recognizer } = await import('../model/engine/recognizer.ts');
  const { resolveDecoding } = await import('../model/ctc/decode-settings.ts');
  const { openAudioBytes, openAudioStream } = await import('../model/audio/load-audio.ts');
  const { writeFileAtomic } = await import('../model/io/atomic.ts');
  const backend = await startBackend(values.backend);
  const recognizer = await Recognizer.load(modelDir);
  const decoding = resolveDecoding(settings, recognizer.model.alphabet);
  // A phone model decoded without words (--no-lm) prints its phones as ARPAbet ("S EH V AH N",
  // words split by " | "), not the one-symbol-per-phone letters it computes with.
  const { PHONE_ALPHABET, symbolsToArpabet } = await import('../model/text/phones.ts');
  const spokenAsArpabet = recognizer.model.alphabet.chars === PHONE_ALPHABET && !decoding.phoneWords && !decoding.grammar;
  const inArpabet = <T extends { text: string; words: { word: string }[]; segments: { text: string }[] }>(t: T): T => ({
    ...t,
    text: symbolsToArpabet(t.text),
    words: t.words.map((w) => ({ ...w, word: symbolsToArpabet(w.word) })),
    segments: t.segments.map((s) => ({ ...s, text: symbolsToArpabet(s.text) })),
  });
  const progress = new ProgressBar(process.stderr, { ttyOnly: true });
  let failures = 0;
  const results = [];
  for (const [index, file] of positionals.entries()) {
    const label = file === '-' ? 'stdin' : file;
    try {
      const stream = file === '-' ? await openAudioBytes(await readStdin(), 'stdin') : await openAudioStream(file);
      const started = Date.now();
      const prefix = positionals.length > 1 ? `${index + 1}/${positionals.length} ${label} ` : '';
      const heard = await recognizer.transcribeAudioStream(stream, decoding, {
        onProgress: (done, total) => {
          const fraction = total ? Math.min(1, done / total) : 0;
          progress.update(fraction, `${prefix}${formatDuration(done)}${total ? ` of ${formatDuration(total)}` : ''} ${etaLabel(started, fraction)}`.trimEnd());
        },
      });
      progress.done();
      const t = spokenAsArpabet ? inArpabet(heard) : heard;
      for (const warning of t.warnings) process.stderr.write(`warning: ${warning}\n`);
      if (t.grammar?.lowConfidence) {
        process.stderr.write(`${label}: low confidence (${t.grammar.confidence.toFixed(3)}): no phrase output (best was "${t.grammar.bestPhrase}")\n`);
      }
      const result = { file: label, text: t.text, words: t.words, ...(t.grammar ? { grammar: t.grammar } : {}), segments: t.segments, durationSeconds: t.durationSeconds, rtf: t.rtf, warnings: t.warnings };
      results.push(result);
      if (outputDir !== undefined) {
        const body = format === 'text' ? toText(t.words)
          : format === 'srt' ? toSrt(t.words)
          : format === 'vtt' ? toVtt(t.words)
          : `${JSON.stringify({ model: recognizer.meta.name, backend: backend.backend, ...result }, null, 2)}\n`;
        const path = join(outputDir, names[index]);
        writeFileAtomic(path, body);
        process.stderr.write(`wrote ${path}\n`);
      } else if (format === 'text') process.stdout.write(positionals.length > 1 ? `${label}\t${t.text}\n` : `${t.text}\n`);
      else if (format === 'srt') process.stdout.write(toSrt(t.words));
      else if (format === 'vtt') process.stdout.write(toVtt(t.words));
    } catch (error) {
      progress.done();
      failures += 1;
      // Every failure names its file, even when the error comes from deep in the decoder
      // (a resampler's rate limit) and does not know the file's name.
      const raw = (error as Error).message;
      const message = raw.includes(label) ? raw : `${label}: ${raw}`;
      process.stderr.write(`cellscribe transcribe: error: ${message}\n`);
      results.push({ file: label, error: message });
    }
  }
  if (format === 'json' && outputDir === undefined) {
    printJson({ model: recognizer.meta.name, modelDir: recognizer.dir, backend: backend.backend, backendDetail: backend.backendDetail, results });
  }
  recognizer.dispose();
  return failures > 0 ? 1 : 0;
}
