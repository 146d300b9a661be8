// The layering, enforced by `npm run lint:deps` (part of `npm test`); scripts/dependency-rules.test.ts
// checks that each rule really fails on an import that breaks it.
//
//   contract/  the renderer ↔ app API (types, channel table, schemas): imports nothing of ours
//   model/     the engine as a library: imports nothing outside model/
//   app/       the desktop app's Node side: model/ and contract/
//   cli/       the `cellscribe` command: model/, and app/ for the app's user data
//   electron/  wires app/ to windows; its preload sees only contract/
//   renderer/  the UI: contract/ only (and no Node)
//   e2e/, scripts/  tests and tools: anything; nothing imports them
const OURS = '^(contract|model|app|cli|electron|renderer|e2e|scripts|bin)/';
const outside = (allowed) => `^(?!(?:${allowed.join('|')})/)(contract|model|app|cli|electron|renderer|e2e|scripts|bin)/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'contract-is-a-leaf',
      comment: 'contract/ compiles in the Node and the DOM program alike: no imports of our other folders, no Node built-ins',
      severity: 'error',
      from: { path: '^contract/' },
      to: { path: outside(['contract']) },
    },
    {
      name: 'contract-no-node',
      severity: 'error',
      from: { path: '^contract/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'model-is-self-contained',
      comment: 'the engine is a library: model/ imports nothing outside model/',
      severity: 'error',
      from: { path: '^model/' },
      to: { path: outside(['model']) },
    },
    {
      name: 'app-uses-model-and-contract',
      severity: 'error',
      from: { path: '^app/' },
      to: { path: outside(['app', 'model', 'contract']) },
    },
    {
      name: 'cli-uses-model-and-app',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: outside(['cli', 'model', 'app', 'contract']) },
    },
    {
      name: 'electron-wires-app',
      comment: 'electron/ reaches the engine only through app/',
      severity: 'error',
      from: { path: '^electron/' },
      to: { path: outside(['electron', 'app', 'contract']) },
    },
    {
      name: 'preload-sees-only-contract',
      severity: 'error',
      from: { path: '^electron/preload/' },
      to: { path: outside(['electron/preload', 'contract']) },
    },
    {
      name: 'renderer-sees-only-contract',
      comment: 'the sandboxed renderer talks to the app only through window.api (contract/)',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: outside(['renderer', 'contract']) },
    },
    {
      name: 'renderer-no-node',
      severity: 'error',
      from: { path: '^renderer/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: OURS },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(out|dist|fixtures)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.mjs', '.js', '.cjs', '.json'] },
  },
};
