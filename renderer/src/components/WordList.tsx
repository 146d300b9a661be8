import { useRef } from 'react';
import type { WordDTO } from '../../../contract/contract.ts';
import { errorText, getApi } from '../api.ts';
import { play } from '../audio/playback.ts';

/** Below this a word is marked as unsure. */
export const LOW_CONFIDENCE = 0.6;

/** The words of a transcript; low-confidence ones are marked; clicking one plays it; `current` (follow-along) is lit. */
export function WordList({ transcriptId, words, audio, current = -1 }: { transcriptId: string; words: readonly WordDTO[]; audio?: Float32Array | null; current?: number }) {
  const cache = useRef<{ id: string; pcm: Float32Array } | null>(null);
  const playWord = async (word: WordDTO) => {
    try {
      let pcm = audio ?? (cache.current?.id === transcriptId ? cache.current.pcm : null);
      if (!pcm) {
        pcm = await getApi().getAudio(transcriptId);
        cache.current = { id: transcriptId, pcm };
      }
      play(pcm, word.start, word.end);
    } catch (error) {
      console.warn(`playing the word failed: ${errorText(error)}`);
    }
  };
  return (
    <p className="words">
      {words.map((word, index) => (
        <span key={index}>
          <button
            type="button"
            className={`word${word.confidence < LOW_CONFIDENCE ? ' low-confidence' : ''}${index === current ? ' current' : ''}`}
            aria-current={index === current ? 'true' : undefined}
            data-confidence={word.confidence.toFixed(2)}
            title={`${word.start.toFixed(2)}–${word.end.toFixed(2)} s · confidence ${(word.confidence * 100).toFixed(0)}%${word.confidence < LOW_CONFIDENCE ? ' (unsure)' : ''}`}
            onClick={() => void playWord(word)}
          >
            {word.word}
          </button>{' '}
        </span>
      ))}
    </p>
  );
}
