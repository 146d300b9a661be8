/**
 * The one error type of the audio front end. Every failure to turn a file into samples is an
 * AudioError that names the file and says what was expected and what came in, so the CLI and the
 * app can show it to the user as is.
 */
export class AudioError extends Error {
  /** The file (path or display name) the error is about. */
  readonly file: string;
  /** What went wrong, without the file name. */
  readonly reason: string;

  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'AudioError';
    this.file = file;
    this.reason = reason;
  }
}
