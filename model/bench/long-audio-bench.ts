/**
 * Long recordings (part of `npm run bench`; `npm run bench:long -- --minutes 10` runs only this,
 * for the lengths given): peak resident memory of the CLI and of the engine worker's file path at 10
 * and 60 minutes, offline real-time factor against the former
 * whole-file pass on the same minute of audio, and a soak: an hour of live recording fed from a
 * file, whose per-minute RTF must stay below 1 and whose memory must stop growing after the
 * first minute. The long audio is the committed samples looped with sox (never in unit tests).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../io/bundled-model.ts';

/**
 * Keys per length M in minutes (10 and 60 in `npm run bench`): peak_rss_mb_cli_Mmin,
 * peak_rss_mb_engine_Mmin; cli_rtf_Mmin for the longest; soak_* for a live recording as long as
 * the longest; offline_rtf_1min beside offline_rtf_whole_pass_1min.
 */
export type LongAudioResult = Record<string, number>;

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

export async function benchLongAudio(modelDir: string, log: (line: string) => void, minutes: number[] = [10, 60]): Promise<LongAudioResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cellscribe-long-'));
  try {
    const result: LongAudioResult = {};
    const one = makeLongWav(dir, 60);
    const whole = child('whole', one, modelDir);
    const chunked = child('chunked', one, modelDir);
    log(`offline, 1 min: RTF ${chunked.rtf.toFixed(4)} chunked and segmented, ${whole.rtf.toFixed(4)} as one whole-file pass (peak ${chunked.peakMb.toFixed(0)} vs ${whole.peakMb.toFixed(0)} MB)`);
    result.offline_rtf_1min = Number(chunked.rtf.toFixed(4));
    result.offline_rtf_whole_pass_1min = Number(whole.rtf.toFixed(4));
    const files = new Map(minutes.map((m) => [m, makeLongWav(dir, m * 60)]));
    const longest = Math.max(...minutes);
    for (const [m, file] of files) {
      const c = cli(file, modelDir);
      log(`CLI transcribe, ${m} min: peak RSS ${c.peakMb.toFixed(0)} MB, RTF ${(c.seconds / (m * 60)).toFixed(4)} with start-up`);
      result[`peak_rss_mb_cli_${m}min`] = Math.round(c.peakMb);
      if (m === longest) result[`cli_rtf_${m}min`] = Number((c.seconds / (m * 60)).toFixed(4));
    }
    for (const [m, file] of files) {
      const e = child('engine', file, modelDir);
      log(`engine worker file path, ${m} min (decodeAudio + transcribe in 5 s chunks with progress, inspection of the first ${e.inspectedSeconds.toFixed(0)} s): peak RSS ${e.peakMb.toFixed(0)} MB, RTF ${e.rtf.toFixed(4)}`);
      result[`peak_rss_mb_engine_${m}min`] = Math.round(e.peakMb);
    }
    const soak = child('soak', files.get(longest)!, modelDir);
    log(`soak, ${longest} min live in 0.5 s chunks with inspection: worst minute RTF ${soak.maxMinuteRtf.toFixed(4)}, RSS ${soak.rssAfterFirstMinuteMb.toFixed(0)} MB after the first minute, ${soak.rssEndMb.toFixed(0)} MB at the end (${soak.growthPercent.toFixed(1)} %)`);
    Object.assign(result, {
      soak_minutes: longest,
      soak_max_minute_rtf: Number(soak.maxMinuteRtf.toFixed(4)),
      soak_rss_after_1min_mb: Math.round(soak.rssAfterFirstMinuteMb),
      soak_rss_end_mb: Math.round(soak.rssEndMb),
      soak_rss_growth_percent: Number(soak.growthPercent.toFixed(2)),
    });
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
