/**
 * `cellscribe`: transcribe, evaluate and train from the command line, with the same engine the
 * app runs. Errors go to stderr with a non-zero exit (2 for usage errors); results go to stdout.
 */
import { UsageError } from './args.ts';
import { userDataDir } from '../app/user-data.ts';
import { packageVersion } from './version.ts';

const HELP = `cellscribe: offline speech recognition with an LSTM you can look inside

Usage: cellscribe <command> [options]

Commands:
  transcribe FILE...   transcribe audio files (WAV, FLAC, MP3, Ogg, M4A, WebM, AIFF, CAF, AMR, WMA, ...)
  eval                 WER/CER of a model on a manifest
  train                train a model, or fine-tune one (--from)
  info                 describe a model
  corpus               synthesize a training corpus with offline TTS voices
  dataset              import labelled audio into the app's fine-tuning datasets
  models               list, export or import the app's model versions

Run \`cellscribe <command> --help\` for a command's options.
Common option: --backend tfjs-node-gpu|tfjs-node|wasm|cpu (default: the first that loads).
  -V, --version        print the version

Data folder (shared with the desktop app; $CELLSCRIBE_USER_DATA overrides it):
  DATA_FOLDER
`;

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  transcribe: async () => (await import('./transcribe-command.ts')).transcribeCommand,
  eval: async () => (await import('./eval-command.ts')).evalCommand,
  train: async () => (await import('./train-command.ts')).trainCommand,
  info: async () => (await import('./info-command.ts')).infoCommand,
  corpus: async () => (await import('./corpus-command.ts')).corpusCommand,
  dataset: async () => (await import('./dataset-command.ts')).datasetCommand,
  models: async () => (await import('./models-command.ts')).modelsCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`cellscribe ${packageVersion()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP.replace('DATA_FOLDER', userDataDir(undefined)));
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`cellscribe: unknown command "${name}"\n\n${HELP.replace('DATA_FOLDER', userDataDir(undefined))}`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`cellscribe ${name}: ${error.message}\n(see \`cellscribe ${name} --help\`)\n`);
      return 2;
    }
    // One line, not a stack: the wasm backend's global handlers would otherwise print its whole
    // minified source on an uncaught error.
    process.stderr.write(`cellscribe ${name}: error: ${(error as Error).message ?? String(error)}\n`);
    if (process.env.CELLSCRIBE_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return 1;
  }
}
