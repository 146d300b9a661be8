/**
 * Checks a command's files before the engine loads (loading tfjs and a model takes seconds, and
 * a typo should not cost them): every missing or unreadable input is named in one line, and
 * the decoding files (--vocabulary, --lm) and the model folder are checked the same way.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';

/** What is wrong with a path that should be a readable file, or null when it is fine. */
export function fileProblem(path: string): string | null {
  try {
    if (!statSync(path).isFile()) return 'not a regular file';
    accessSync(path, constants.R_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not readable' : `cannot be read (${code ?? String(error)})`;
  }
}

/**
 * Throws one Error naming every problem, grouped by kind: "file not found: a.wav, b.wav;
 * not a regular file: dir". `-` (standard input) is always fine.
 */
export function checkFiles(paths: readonly string[], what: string): void {
  const byProblem = new Map<string, string[]>();
  for (const path of paths) {
    if (path === '-') continue;
    const problem = fileProblem(path);
    if (problem) byProblem.set(problem, [...(byProblem.get(problem) ?? []), path]);
  }
  if (byProblem.size === 0) return;
  const parts = [...byProblem].map(([problem, list]) => `${what} ${problem}: ${list.join(', ')}`);
  throw new Error(parts.join('; '));
}

/**
 * A model folder must exist and hold meta.json, itself or in model/ (a training run's folder);
 * what is inside is the loader's to check.
 */
export function checkModelDir(dir: string): void {
  if (fileProblem(join(dir, 'meta.json')) === null || fileProblem(join(dir, 'model', 'meta.json')) === null) return;
  let isDir = false;
  try { isDir = statSync(dir).isDirectory(); } catch { isDir = false; }
  throw new Error(isDir ? `model folder ${dir}: no meta.json in it (not a model folder?)` : `model folder not found: ${dir}`);
}

/** Output name per input: its base name without extension ("stdin" for -); duplicates are an error. */
export function outputNames(inputs: readonly string[], extension: string): string[] {
  const names = inputs.map((input) => `${input === '-' ? 'stdin' : basename(input, extname(input))}.${extension}`);
  const seen = new Map<string, string>();
  inputs.forEach((input, i) => {
    const other = seen.get(names[i]);
    if (other !== undefined) throw new Error(`${other} and ${input} would both be written to ${names[i]}; transcribe them into different --output-dir folders`);
    seen.set(names[i], input);
  });
  return names;
}
