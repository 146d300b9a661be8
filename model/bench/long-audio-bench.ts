/**
 * Long recordings (part of `npm run bench`): peak resident memory of the CLI and of the engine
 * worker's file path at 10 and 60 minutes, offline real-time factor against the former
 * whole-file pass on the same minute of audio, and a soak: an hour of live recording fed from a
 * file, whose per-minute RTF must stay below 1 and whose memory must stop growing after the
 * first minute. The long audio is the committed samples looped with sox (never in unit tests).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../io/bundled-model.ts';

export interface LongAudioResult {
  peak_rss_mb_cli_10min: number;
  peak_rss_mb_cli_60min: number;
  peak_rss_mb_engine_10min: number;
  peak_rss_mb_engine_60min: number;
  offline_rtf_1min: number;
  offline_rtf_whole_pass_1min: number;
  cli_rtf_60min: number;
  soak_max_minute_rtf: number;
  soak_rss_after_1min_mb: number;
  soak_rss_end_mb: number;
  soak_rss_growth_percent: number;
}

function run(command: string, args: string[]): { stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: PACKAGE_ROOT, maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr.slice(-2000)}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

/** The committed samples, 0.3 s apart, looped to `seconds` of 16 kHz mono WAV with sox. */
function makeLongWav(dir: string, seconds: number): string {
  const samples = join(PACKAGE_ROOT, 'assets', 'samples');
  const silence = join(dir, 'silence.wav');
  const seven = join(dir, 'seven16k.wav');
  const unit = join(dir, 'unit.wav');
  run('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', silence, 'trim', '0', '0.3']);
  run('sox', [join(samples, 'fsdd-jackson-seven.wav'), '-r', '16000', '-c', '1', '-b', '16', seven]);
  run('sox', [join(samples, 'an4-mskh-one-five-two-three-two.wav'), silence, join(samples, 'an4-mskh-enter-seventy-one.wav'), silence, seven, silence, unit]);
  const out = join(dir, `long-${seconds}s.wav`);
  const unitSeconds = Number(run('soxi', ['-D', unit]).stdout.trim());
  run('sox', [unit, out, 'repeat', String(Math.ceil(seconds / unitSeconds)), 'trim', '0', String(seconds)]);
  return out;
}

function child(mode: string, file: string, modelDir: string): Record<string, number> {
  const { stdout } = run(process.execPath, ['--expose-gc', '--import', 'tsx', join(PACKAGE_ROOT, 'scripts', 'bench', 'long-audio-child.ts'), mode, file, modelDir]);
  return JSON.parse(stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop()!);
}

/** The real CLI under GNU time: peak resident memory (MB) and wall seconds. */
function cli(file: string, modelDir: string): { peakMb: number; seconds: number } {
  const { stderr } = run('/usr/bin/time', ['-f', 'TIME %M %e', process.execPath, join(PACKAGE_ROOT, 'bin', 'cellscribe.mjs'), 'transcribe', file, '--model', modelDir, '--backend', 'wasm']);
  const [, kb, seconds] = stderr.trim().split('\n').filter((l) => l.startsWith('TIME ')).pop()!.split(' ');
  return { peakMb: Number(kb) / 1024, seconds: Number(seconds) };
}

export async function benchLongAudio(modelDir: string, log: (line: string) => void): Promise<LongAudioResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cellscribe-long-'));
  try {
    const one = makeLongWav(dir, 60);
    const ten = makeLongWav(dir, 600);
    const hour = makeLongWav(dir, 3600);
    const whole = child('whole', one, modelDir);
    const chunked = child('chunked', one, modelDir);
    log(`offline, 1 min: RTF ${chunked.rtf.toFixed(4)} chunked and segmented, ${whole.rtf.toFixed(4)} as one whole-file pass (peak ${chunked.peakMb.toFixed(0)} vs ${whole.peakMb.toFixed(0)} MB)`);
    const cli10 = cli(ten, modelDir);
    const cli60 = cli(hour, modelDir);
    log(`CLI transcribe: peak RSS ${cli10.peakMb.toFixed(0)} MB at 10 min, ${cli60.peakMb.toFixed(0)} MB at 60 min (RTF ${(cli60.seconds / 3600).toFixed(4)} with start-up)`);
    const engine10 = child('engine', ten, modelDir);
    const engine60 = child('engine', hour, modelDir);
    log(`engine worker file path (decodeAudio + transcribe with inspection): peak RSS ${engine10.peakMb.toFixed(0)} MB at 10 min, ${engine60.peakMb.toFixed(0)} MB at 60 min`);
    const soak = child('soak', hour, modelDir);
    log(`soak, 60 min live in 0.5 s chunks with inspection: worst minute RTF ${soak.maxMinuteRtf.toFixed(4)}, RSS ${soak.rssAfterFirstMinuteMb.toFixed(0)} MB after the first minute, ${soak.rssEndMb.toFixed(0)} MB at the end (${soak.growthPercent.toFixed(1)} %)`);
    return {
      peak_rss_mb_cli_10min: Math.round(cli10.peakMb),
      peak_rss_mb_cli_60min: Math.round(cli60.peakMb),
      peak_rss_mb_engine_10min: Math.round(engine10.peakMb),
      peak_rss_mb_engine_60min: Math.round(engine60.peakMb),
      offline_rtf_1min: Number(chunked.rtf.toFixed(4)),
      offline_rtf_whole_pass_1min: Number(whole.rtf.toFixed(4)),
      cli_rtf_60min: Number((cli60.seconds / 3600).toFixed(4)),
      soak_max_minute_rtf: Number(soak.maxMinuteRtf.toFixed(4)),
      soak_rss_after_1min_mb: Math.round(soak.rssAfterFirstMinuteMb),
      soak_rss_end_mb: Math.round(soak.rssEndMb),
      soak_rss_growth_percent: Number(soak.growthPercent.toFixed(2)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
