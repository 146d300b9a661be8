/** `cellscribe dataset import --dataset NAME DIR` and `cellscribe dataset list`: the app's datasets. */
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, UsageError } from './args.ts';
import { printJson } from './common.ts';
import { userDataDir } from '../app/user-data.ts';

const HELP = `Usage: cellscribe dataset import --dataset NAME DIR [--user-data DIR] [--json]
       cellscribe dataset list [--user-data DIR] [--json]

import: adds the labelled audio under DIR to the dataset NAME (created when missing) in the app's
storage: NeMo manifests (.json lines with audio_filepath and text), audio files with a .txt
transcript beside them, or FSDD names ({digit}_{speaker}_{take}.wav). Prints what was imported
and every file skipped, with the reason. About 20% of the items are held out automatically.

  --user-data DIR   the app's data folder (default $CELLSCRIBE_USER_DATA or ~/.config/CellScribe)
`;

/**
 * Every regular file under `root`, read. Anything else is reported and left alone: reading a FIFO
 * blocks until a writer comes (the import hung forever), a device may never end, and a symbolic
 * link may point outside the folder or into a loop.
 */
export function filesUnder(root: string): { files: { path: string; bytes: Uint8Array }[]; skipped: { name: string; reason: string }[] } {
  const files: { path: string; bytes: Uint8Array }[] = [];
  const skipped: { name: string; reason: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      const shown = relative(root, path).split(/[\\/]/).join('/');
      let stat;
      try {
        stat = lstatSync(path);
      } catch (error) {
        skipped.push({ name: shown, reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
        continue;
      }
      if (stat.isDirectory()) walk(path);
      else if (!stat.isFile()) {
        const kind = stat.isSymbolicLink() ? 'a symbolic link' : stat.isFIFO() ? 'a named pipe (FIFO)' : stat.isSocket() ? 'a socket' : 'a device';
        skipped.push({ name: shown, reason: `not a regular file (${kind}); only regular files are imported` });
      } else {
        try {
          files.push({ path: shown, bytes: readFileSync(path) });
        } catch (error) {
          skipped.push({ name: shown, reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
        }
      }
    }
  };
  walk(root);
  return { files, skipped };
}

/** 16 kHz mono from any supported file, through the same checks as transcription (no tfjs). */
async function decodeTo16k(bytes: Uint8Array, name: string): Promise<Float32Array> {
  const { loadAudioBytes } = await import('../model/audio/load-audio.ts');
  return (await loadAudioBytes(bytes, name)).samples;
}

export async function datasetCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { dataset: { type: 'string' }, 'user-data': { type: 'string' }, json: { type: 'boolean' } }, true);
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [action, ...rest] = positionals;
  const { DatasetStore } = await import('../app/datasets.ts');
  const store = new DatasetStore(join(userDataDir(values['user-data']), 'datasets'));
  if (action === 'list') {
    const list = store.list();
    if (values.json) printJson(list);
    else for (const d of list) process.stdout.write(`${d.id}  ${d.name}  ${d.trainUtterances} train + ${d.heldOutUtterances} held out, ${d.durationSeconds.toFixed(1)} s\n`);
    return 0;
  }
  if (action !== 'import') throw new UsageError(`expected "import" or "list", got ${JSON.stringify(action ?? '')}`);
  if (!values.dataset) throw new UsageError('--dataset NAME is required');
  if (rest.length !== 1) throw new UsageError(`expected one folder to import, got ${rest.length}`);
  if (!statSync(rest[0], { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${rest[0]} is not a folder`);
  const dataset = store.findByName(values.dataset) ?? store.create(values.dataset);
  const found = filesUnder(rest[0]);
  const imported = await store.importFiles(dataset.id, found.files, decodeTo16k);
  const report = { ...imported, skipped: [...found.skipped, ...imported.skipped] };
  const info = store.get(dataset.id).info;
  if (values.json) printJson({ dataset: info, ...report });
  else {
    process.stdout.write(`imported ${report.imported} file(s) into "${info.name}" (${info.id}): ${info.trainUtterances} train + ${info.heldOutUtterances} held out\n`);
    for (const s of report.skipped) process.stdout.write(`skipped ${s.name}: ${s.reason}\n`);
  }
  return 0;
}
