/**
 * `npm run bench:long [-- --minutes 10,60]`: only the long-recording part of `npm run bench` (see
 * long-audio-bench.ts), for the lengths given (default 10 and 60 minutes; the soak runs as long
 * as the longest), so that it can be checked on a 10-minute file without the hour-long runs.
 * The last line is one JSON object.
 */
import { parseArgs } from 'node:util';
import { BUNDLED_MODEL_DIR } from '../io/bundled-model.ts';
import { benchLongAudio } from './long-audio-bench.ts';

const { values } = parseArgs({ options: { minutes: { type: 'string' } } });
const minutes = (values.minutes ?? '10,60').split(',').map(Number);
if (minutes.some((m) => !Number.isFinite(m) || m <= 0 || m > 240)) {
  console.error(`bench:long: --minutes must be minutes in (0, 240], comma-separated (e.g. 10,60), got ${JSON.stringify(values.minutes)}`);
  process.exit(2);
}
const log = (line: string) => process.stdout.write(`${line}\n`);
log(JSON.stringify(await benchLongAudio(BUNDLED_MODEL_DIR, log, minutes)));
