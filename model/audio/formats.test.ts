/**
 * Every container/codec the decoder reads, from files ffmpeg (and sox, for AMR) made out of one
 * committed real recording (scripts/make-format-fixtures.sh): each loads as mono 16 kHz, the
 * streaming reader (audio-stream.ts) gives exactly the samples of the whole-file loader, lossless
 * ones equal the WAV, and every one lasts as long as the WAV. (The bundled model transcribing
 * each like the WAV is model/engine/formats-transcribe.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AudioError, decodeAudioBytes, loadAudioFile, openAudioStream } from './load-audio.ts';

const FORMATS = fileURLToPath(new URL('./fixtures/formats/', import.meta.url));
const WAV = fileURLToPath(new URL('../../assets/samples/an4-mskh-one-five-two-three-two.wav', import.meta.url));

/** File extension → the format name the reader reports. */
export const FORMAT_FIXTURES: Record<string, string> = {
  m4a: 'M4A/AAC', aac: 'AAC (ADTS)', webm: 'WebM', opus: 'Ogg Opus', ogg: 'Ogg Vorbis', aiff: 'AIFF', caf: 'CAF',
  amr: 'AMR', wma: 'WMA', flac: 'FLAC', mp3: 'MP3',
};

async function streamAll(path: string, readBytes: number): Promise<{ samples: Float32Array; format: string; warnings: string[] }> {
  const stream = await openAudioStream(path, { readBytes });
  const parts: Float32Array[] = [];
  for await (const chunk of stream.chunks()) parts.push(chunk);
  const samples = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { samples.set(p, at); at += p.length; }
  return { samples, format: stream.format, warnings: stream.warnings() };
}

test('every format loads as 16 kHz mono as long as the WAV, streamed exactly like loaded whole', async () => {
  const reference = await loadAudioFile(WAV);
  for (const [ext, label] of Object.entries(FORMAT_FIXTURES)) {
    const path = `${FORMATS}voice.${ext}`;
    const whole = await loadAudioFile(path);
    // (raw ADTS AAC has no edit list, so its encoder delay and last-frame padding stay: < 0.1 s)
    assert.ok(Math.abs(whole.durationSeconds - reference.durationSeconds) < 0.1, `${ext}: ${whole.durationSeconds} s vs ${reference.durationSeconds} s`);
    // Small reads force many decoder calls: the stream must not lose or repeat samples at their seams.
    const streamed = await streamAll(path, 1500);
    assert.equal(streamed.format, label, ext);
    assert.equal(streamed.samples.length, whole.samples.length, `${ext}: streamed length`);
    assert.ok(streamed.samples.every((x, i) => x === whole.samples[i]), `${ext}: streamed samples differ`);
    assert.deepEqual(streamed.warnings, whole.warnings, `${ext}: warnings`);
    // The app's path decodes bytes it was sent: the same decoder.
    const bytes = await decodeAudioBytes(readFileSync(path), `voice.${ext}`);
    assert.ok(bytes.channels[0].length > 0, `${ext}: decodeAudioBytes`);
  }
});

test('lossless formats (AIFF, CAF, FLAC) give the WAV samples to within half a 16-bit step', async () => {
  const reference = await loadAudioFile(WAV);
  for (const ext of ['aiff', 'caf', 'flac']) {
    const loaded = await loadAudioFile(`${FORMATS}voice.${ext}`);
    assert.equal(loaded.samples.length, reference.samples.length, ext);
    let worst = 0;
    for (let i = 0; i < loaded.samples.length; i++) worst = Math.max(worst, Math.abs(loaded.samples[i] - reference.samples[i]));
    assert.ok(worst < 0.5 / 32768, `${ext}: differs from the WAV by ${worst}`); // under half a 16-bit step
  }
});

test('a streamed WAV equals the loaded one, and a broken M4A is an error naming the file and format', async () => {
  const whole = await loadAudioFile(WAV);
  const streamed = await streamAll(WAV, 999); // odd read size: whole frames only
  assert.ok(streamed.samples.length === whole.samples.length && streamed.samples.every((x, i) => x === whole.samples[i]));
  const m4a = readFileSync(`${FORMATS}voice.m4a`);
  const broken = m4a.subarray(0, 200); // the header boxes and nothing else
  await assert.rejects(decodeAudioBytes(broken, 'memo.m4a'), (err: unknown) => err instanceof AudioError && err.file === 'memo.m4a' && /M4A\/AAC/.test(err.reason));
});

test('a WAV stream announces exactly the number of 16 kHz samples it yields', async () => {
  for (const path of [WAV, fileURLToPath(new URL('../../assets/samples/fsdd-jackson-seven.wav', import.meta.url))]) {
    const stream = await openAudioStream(path);
    let n = 0;
    for await (const chunk of stream.chunks()) n += chunk.length;
    assert.equal(stream.expectedSamples, n, path);
  }
});
