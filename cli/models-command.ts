/** `cellscribe models list|export|import`: the app's model versions (userData/models + the bundled one). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, UsageError } from './args.ts';
import { BUNDLED_MODEL_DIR, printJson } from './common.ts';
import { userDataDir } from '../app/user-data.ts';

const HELP = `Usage: cellscribe models list [--json]
       cellscribe models export ID --out FILE.zip
       cellscribe models import FILE.zip
Options: --user-data DIR   the app's data folder (default $CELLSCRIBE_USER_DATA or ~/.config/CellScribe)

Model ids are as the app shows them: bundled:base, user:<folder>. An import never replaces an
existing model: a name already taken gets a -2, -3… suffix.
`;

export async function modelsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { out: { type: 'string' }, 'user-data': { type: 'string' }, json: { type: 'boolean' } }, true);
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const { ModelVersions } = await import('../app/model-versions.ts');
  const versions = new ModelVersions(BUNDLED_MODEL_DIR, join(userDataDir(values['user-data']), 'models'));
  const [action, ...rest] = positionals;
  switch (action) {
    case 'list': {
      const models = versions.list().map((m) => ({ ...m.info, dir: m.dir }));
      if (values.json) printJson(models);
      else {
        for (const m of models) {
          const a = m.architecture;
          process.stdout.write(`${m.id}  "${m.name}"  ${a.layers}×${a.arch} ${a.units}${m.parentId ? `  parent ${m.parentId}` : ''}${m.createdAt ? `  ${m.createdAt}` : ''}\n`);
        }
      }
      return 0;
    }
    case 'export': {
      if (rest.length !== 1) throw new UsageError('expected one model id to export');
      if (!values.out) throw new UsageError('--out FILE.zip is required');
      writeFileSync(values.out, await versions.export(rest[0]));
      process.stderr.write(`exported ${rest[0]} to ${values.out}\n`);
      return 0;
    }
    case 'import': {
      if (rest.length !== 1) throw new UsageError('expected one zip file to import');
      const info = await versions.import(rest[0], readFileSync(rest[0]));
      if (values.json) printJson(info);
      else process.stdout.write(`imported "${info.name}" as ${info.id}\n`);
      return 0;
    }
    default:
      throw new UsageError(`expected list, export or import, got ${JSON.stringify(action ?? '')}`);
  }
}
