/** `cellscribe info [--model DIR] [--json]` */
import { statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from './args.ts';
import { modelDirFrom, printJson, quietTfjs, startBackend } from './common.ts';

const HELP = `Usage: cellscribe info [--model DIR] [--json] [--backend NAME]

Describes a model: architecture, alphabet, front end, provenance and recorded metrics.

  --backend NAME   tfjs-node-gpu, tfjs-node, wasm or cpu (the one that loads the weights)
`;

export async function infoCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { model: { type: 'string' }, json: { type: 'boolean' }, backend: { type: 'string' } });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  await quietTfjs();
  const { readModelFolder } = await import('../model/io/model-store.ts');
  const { featureDim } = await import('../model/config.ts');
  const tf = await import('@tensorflow/tfjs');
  // Quiet: info's stderr stays empty (cli/conventions.test.ts); the backend is in its output.
  const backend = await startBackend(values.backend, true);
  const { dir, meta, weights } = await readModelFolder(modelDirFrom(values.model));
  const parameters = Object.values(weights).reduce((n, t) => n + t.size, 0);
  tf.dispose(Object.values(weights));
  const bytes = readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  const info = { dir, name: meta.name, architecture: meta.architecture, parameters, sizeBytes: bytes, features: meta.features, featureDim: featureDim(meta.features), provenance: meta.provenance, metrics: meta.metrics, backend: backend.backend };
  if (values.json) {
    printJson(info);
    return 0;
  }
  const a = meta.architecture;
  process.stdout.write(
    [
      `model:        ${meta.name}`,
      `folder:       ${dir}`,
      `backend:      ${backend.backendDetail}`,
      `architecture: ${a.layers} × ${a.arch} (${a.units} units), frame stacking ${a.stack}, ${parameters.toLocaleString('en')} weights, ${(bytes / 1e6).toFixed(2)} MB`,
      `alphabet:     "${a.alphabet}" + blank`,
      `features:     ${meta.features.numCepstra} MFCC + Δ + ΔΔ, ${meta.features.melBands} mel bands, ${meta.features.frameLength / 16} ms / ${meta.features.hopLength / 16} ms`,
      `provenance:   ${JSON.stringify(meta.provenance)}`,
      `metrics:      ${JSON.stringify(meta.metrics)}`,
    ].join('\n') + '\n',
  );
  return 0;
}
