/**
 * Microphone input files for the fake capture device: recordings joined with short gaps, made
 * 16-bit mono 16 kHz, with 0.5 s of leading and 1.5 s of trailing silence (with %noloop Chromium
 * repeats the last 10 ms forever, so the end must be silence).
 *
 * The "silence" is a faint noise floor (−70 dBFS), as a real microphone gives: stretches of exact
 * digital zeros send the MFCC front end to its log floor, far outside anything the model was trained
 * on, and the FSDD digits model then misrecognises (padded "seven" came out as "one").
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function sox(args: string[]): void {
  const result = spawnSync('sox', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`sox ${args.join(' ')} failed: ${result.stderr}`);
}

/** Joins `inputs` with `gapSeconds` of silence between them and pads the ends; returns the path. */
export function makeMicrophoneWav(inputs: readonly string[], gapSeconds = 0.3, noiseFloor = 0.0003): string {
  const dir = mkdtempSync(join(tmpdir(), 'cellscribe-mic-'));
  const parts: string[] = [];
  inputs.forEach((input, index) => {
    const part = join(dir, `part${index}.wav`);
    const padAfter = index < inputs.length - 1 ? gapSeconds : 0;
    sox([input, '-r', '16000', '-c', '1', '-b', '16', part, 'pad', '0', String(padAfter)]);
    parts.push(part);
  });
  const joined = join(dir, 'joined.wav');
  if (parts.length === 1) sox([parts[0], joined]);
  else sox([...parts, joined]);
  const padded = join(dir, 'padded.wav');
  sox([joined, padded, 'pad', '0.5', '1.5']);
  const noise = join(dir, 'noise.wav');
  sox(['-R', '-n', '-r', '16000', '-c', '1', '-b', '16', noise, 'synth', String(wavSeconds(padded)), 'whitenoise', 'vol', String(noiseFloor)]);
  const out = join(dir, 'microphone.wav');
  sox(['-m', padded, noise, '-b', '16', out]);
  return out;
}

/** Seconds of audio in a WAV (from sox's header reading). */
export function wavSeconds(path: string): number {
  const result = spawnSync('soxi', ['-D', path], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`soxi -D ${path} failed: ${result.stderr}`);
  return Number(result.stdout.trim());
}
