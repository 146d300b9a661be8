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

/** `folder` may import only from itself and `allowed` among our folders. */
const layer = (name, folder, allowed, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: `^${folder}/` },
  to: { path: `^(?!(?:${[folder, ...allowed].join('|')})/)(contract|model|app|cli|electron|renderer|e2e|scripts|bin)/` },
});
/** Code under `folder` (tests aside) runs where Node's built-ins do not exist. */
const noNode = (name, folder) => ({ name, severity: 'error', from: { path: `^${folder}/`, pathNot: '\\.test\\.ts$' }, to: { dependencyTypes: ['core'] } });

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    layer('contract-is-a-leaf', 'contract', [], 'contract/ compiles in the Node and the DOM program alike'),
    noNode('contract-no-node', 'contract'),
    layer('model-is-self-contained', 'model', [], 'the engine is a library: model/ imports nothing outside model/'),
    layer('app-uses-model-and-contract', 'app', ['model', 'contract']),
    layer('cli-uses-model-and-app', 'cli', ['model', 'app', 'contract']),
    layer('electron-wires-app', 'electron', ['app', 'contract'], 'electron/ reaches the engine only through app/'),
    layer('preload-sees-only-contract', 'electron/preload', ['contract']),
    layer('renderer-sees-only-contract', 'renderer', ['contract'], 'the sandboxed renderer talks to the app only through window.api (contract/)'),
    noNode('renderer-no-node', 'renderer'),
    { name: 'not-to-unresolvable', severity: 'error', from: { path: OURS }, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(out|dist|fixtures)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.mjs', '.js', '.cjs', '.json'] },
  },
};
