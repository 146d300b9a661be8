/**
 * How much a before/after comparison can be trusted, from how many held-out recordings it rests
 * on. With one recording, every error flips the result by a whole recording's worth (a "0.0 % →
 * 0.0 %" on one clip says nothing); below MIN_HELD_OUT the comparison says so.
 */

/** Fewest held-out recordings for a comparison worth reading without a warning. */
export const MIN_HELD_OUT = 10;

export interface HeldOutNote {
  /** "on 12 held-out recordings" */
  basis: string;
  /** Shown when there are too few; null otherwise. */
  warning: string | null;
}

export function heldOutNote(recordings: number): HeldOutNote {
  const plural = recordings === 1 ? 'recording' : 'recordings';
  const basis = `on ${recordings} held-out ${plural} (recordings training never saw)`;
  if (recordings >= MIN_HELD_OUT) return { basis, warning: null };
  if (recordings === 0) return { basis, warning: 'No held-out recordings: there is nothing to compare on. Add recordings to the dataset; one in five is held out.' };
  const share = Math.round(100 / recordings);
  return {
    basis,
    warning: `Only ${recordings} held-out ${plural}: each one is ${share} % of the result, so a difference here can be chance. ` +
      `Collect at least ${MIN_HELD_OUT} held-out recordings (about ${MIN_HELD_OUT * 5} in the dataset) before trusting it.`,
  };
}
