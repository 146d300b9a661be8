/**
 * Plays 16 kHz mono PCM from a given moment and reports where playback is, for the cursor drawn
 * across every lane of the timeline and for clicking a word in the library.
 */

export interface Playback {
  /** Seconds into the audio now, or null once it ended or was stopped. */
  position(): number | null;
  stop(): void;
}

let current: { context: AudioContext; source: AudioBufferSourceNode } | null = null;

/** Stops whatever is playing. */
export function stopPlayback(): void {
  if (!current) return;
  const { context, source } = current;
  current = null;
  try {
    source.stop();
  } catch {
    // already stopped
  }
  void context.close();
}

/**
 * Plays `pcm` from `fromSeconds`, up to `toSeconds` if given, at `rate` × speed (the pitch moves
 * with it; fine for following along). Only one playback at a time.
 */
export function play(pcm: Float32Array, fromSeconds: number, toSeconds?: number, rate = 1): Playback {
  stopPlayback();
  const context = new AudioContext({ sampleRate: 16_000 });
  const buffer = context.createBuffer(1, Math.max(1, pcm.length), 16_000);
  // copyToChannel wants an ArrayBuffer-backed array; a copy also detaches us from the caller's buffer.
  buffer.copyToChannel(pcm.length > 0 ? new Float32Array(pcm) : new Float32Array(1), 0);
  const source = context.createBufferSource();
  source.buffer = buffer;
  source.playbackRate.value = rate;
  source.connect(context.destination);
  const start = Math.max(0, Math.min(fromSeconds, buffer.duration));
  const duration = toSeconds !== undefined ? Math.max(0, toSeconds - start) : undefined;
  const startedAt = context.currentTime;
  source.start(0, start, duration);
  const mine = { context, source };
  current = mine;
  let ended = false;
  source.onended = () => {
    ended = true;
    if (current === mine) stopPlayback();
  };
  return {
    // Seconds of the recording (not of the clock): at 2× speed the recording moves twice as fast.
    position: () => (ended || current !== mine ? null : start + (context.currentTime - startedAt) * rate),
    stop: () => {
      if (current === mine) stopPlayback();
    },
  };
}
