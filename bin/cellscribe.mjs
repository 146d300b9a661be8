#!/usr/bin/env node
// Entry point of the `cellscribe` command. The engine is TypeScript; tsx compiles it on load,
// so the CLI, the tests and the app's worker all run the same sources with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
