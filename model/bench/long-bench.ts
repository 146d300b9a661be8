/**
 * `npm run bench:long [-- --minutes 10]`: only the long-recording part of `npm run bench` (see
 * long-audio-bench.ts), for one length (default 60 minutes), so that it can be checked on a
 * 10-minute file without the hour-long runs. The last line is one JSON object.
 */
import { parseArgs } from 'node:util';
import { BUNDLED_MODEL_DIR } from '../io/bundled-model.ts';
import { benchLongAudio } from './long-audio-bench.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string' } } });
const minutes = Number(values.minutes ?? 60);
if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 240) {
  console.error(`bench:long: --minutes must be a number of minutes in (0, 240], got ${JSON.stringify(values.minutes)}`);
  process.exit(2);
}
const log = (line: string) => process.stdout.write(`${line}\n`);
log(JSON.stringify(await benchLongAudio(BUNDLED_MODEL_DIR, log, [minutes])));
