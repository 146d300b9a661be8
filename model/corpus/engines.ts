/**
 * The TTS engines and sox as child processes: finding them, telling the user how to install a
 * missing one, and the command lines that turn text into a WAV at the engine's own rate.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Engine, Voice } from './voices.ts';

/** Every apt package the full voice list needs (Debian main). */
export const APT_PACKAGES = ['espeak-ng', 'flite', 'festival', 'festvox-kallpc16k', 'festvox-kdlpc16k', 'festvox-us-slt-hts', 'sox'];
export const INSTALL_HINT = `apt-get install ${APT_PACKAGES.join(' ')}`;

/** Folders where Debian's festival looks for voices. */
const FESTIVAL_VOICE_DIRS = ['/usr/share/festival/voices/english', '/usr/share/festival/voices/us'];

export class MissingEngineError extends Error {
  constructor(readonly missing: string[]) {
    super(`missing TTS tools: ${missing.join('; ')}. Install them with: ${INSTALL_HINT}`);
    this.name = 'MissingEngineError';
  }
}

/** Full path of executable `name` on `pathEnv` (a PATH string), or undefined. */
export function findExecutable(name: string, pathEnv: string | undefined): string | undefined {
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch { /* not here */ }
  }
  return undefined;
}

/**
 * Checks that sox and every engine and voice in `voices` are installed; throws
 * MissingEngineError naming each missing piece and the apt-get line otherwise.
 */
export function checkEngines(voices: readonly Voice[], env: NodeJS.ProcessEnv = process.env): void {
  const missing: string[] = [];
  if (!findExecutable('sox', env.PATH)) missing.push('sox (package sox)');
  const engines = new Set<Engine>(voices.map((v) => v.engine));
  for (const engine of engines) {
    if (!findExecutable(engine, env.PATH)) missing.push(`${engine} (package ${engine})`);
  }
  if (engines.has('flite') && findExecutable('flite', env.PATH)) {
    const listed = spawnSync('flite', ['-lv'], { env, encoding: 'utf8' }).stdout ?? '';
    const have = new Set(listed.replace(/^.*:/, '').trim().split(/\s+/));
    for (const v of voices.filter((x) => x.engine === 'flite' && !have.has(x.name))) missing.push(`flite voice ${v.name} (package ${v.aptPackage})`);
  }
  if (engines.has('festival') && findExecutable('festival', env.PATH)) {
    for (const v of voices.filter((x) => x.engine === 'festival')) {
      if (!FESTIVAL_VOICE_DIRS.some((dir) => existsSync(join(dir, v.name)))) missing.push(`festival voice ${v.name} (package ${v.aptPackage})`);
    }
  }
  if (missing.length > 0) throw new MissingEngineError(missing);
}

/** Runs a command; resolves with its stdout, rejects with its stderr tail when it fails. */
export function runCommand(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (error) => reject(new Error(`${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.slice(0, 6).join(' ')}… exited with ${signal ?? code}: ${stderr.trim().slice(-400)}`));
    });
  });
}

/** Engine-level prosody: rate and pitch factors, 1 = the voice's default. */
export interface Prosody {
  rate: number;
  pitch: number;
}

/** Command line for one utterance with espeak-ng or flite, writing `out` (a WAV at the engine's rate). */
export function singleCommand(voice: Voice, text: string, prosody: Prosody, out: string): { command: string; args: string[] } {
  if (voice.engine === 'espeak-ng') {
    // -a 70: the default amplitude of 100 clips with the +klatt variants (tts.md §3).
    const speed = Math.round(175 * prosody.rate);
    const pitch = Math.max(0, Math.min(99, Math.round(50 + 100 * (prosody.pitch - 1))));
    return { command: 'espeak-ng', args: ['-a', '70', '-v', voice.name, '-s', String(speed), '-p', String(pitch), '-w', out, '--', text] };
  }
  if (voice.engine === 'flite') {
    const args = ['-voice', voice.name, '--setf', `duration_stretch=${(1 / prosody.rate).toFixed(3)}`];
    if (voice.enginePitch) args.push('--setf', `f0_shift=${prosody.pitch.toFixed(3)}`);
    args.push('-t', text, '-o', out);
    return { command: 'flite', args };
  }
  throw new Error(`singleCommand: festival runs in batches (festivalScript), got voice ${voice.id}`);
}

function schemeString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * A festival script that loads `voice` once and synthesises every item (10–20× faster than one
 * text2wave per sentence, tts.md §1). A failing item prints `cellscribe-failed OUT` and the
 * script carries on.
 */
export function festivalScript(voice: Voice, items: ReadonlyArray<{ text: string; rate: number; out: string }>): string {
  // Each item is spelled out with its literal string: festival's Utterance does not evaluate
  // its text argument, so a helper function taking the text as a parameter would say its name.
  const lines = [`(voice_${voice.name})`];
  for (const item of items) {
    const stretch = voice.engineRate ? 1 / item.rate : 1;
    lines.push(`(unwind-protect (begin (Parameter.set 'Duration_Stretch ${stretch.toFixed(3)}) ` +
      `(utt.save.wave (utt.synth (Utterance Text ${schemeString(item.text)})) ${schemeString(item.out)} 'riff)) ` +
      `(format t "cellscribe-failed %s\\n" ${schemeString(item.out)}))`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs a festival batch; resolves once festival exits. Items whose WAV is missing afterwards failed. */
export async function runFestivalBatch(voice: Voice, items: ReadonlyArray<{ text: string; rate: number; out: string }>, scriptPath: string, env: NodeJS.ProcessEnv): Promise<void> {
  writeFileSync(scriptPath, festivalScript(voice, items));
  await runCommand('festival', ['-b', scriptPath], env);
}
