import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppEvent } from '../../contract/contract.ts';
import { CHANNELS, EVENT_CHANNEL } from '../../contract/requests.ts';
import { createApi, type IpcRendererLike } from './api.ts';

test('the API has exactly the contract keys, invokes its channel with the arguments, and onEvent unsubscribes', async () => {
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  const ipc: IpcRendererLike = {
    invoke: async (channel, ...args) => { invoked.push([channel, ...args]); return 'ok'; },
    on: (c, l) => listeners.set(c, (listeners.get(c) ?? new Set()).add(l)),
    removeListener: (c, l) => listeners.get(c)?.delete(l),
  };
  const api = createApi(ipc);
  assert.deepEqual(Object.keys(api).sort(), [...Object.keys(CHANNELS), 'onEvent'].sort());
  const pcm = new Float32Array(3);
  await api.pushAudio('s1', pcm);
  await api.exportTranscript('t1', 'vtt');
  await api.getStatus();
  assert.deepEqual(invoked, [[CHANNELS.pushAudio, 's1', pcm], [CHANNELS.exportTranscript, 't1', 'vtt'], [CHANNELS.getStatus]]);

  const got: AppEvent[] = [];
  const off = api.onEvent((e) => got.push(e));
  for (const l of listeners.get(EVENT_CHANNEL)!) l({ sender: 'ipc internals' }, { type: 'library-changed' });
  off();
  assert.equal(listeners.get(EVENT_CHANNEL)!.size, 0);
  assert.deepEqual(got, [{ type: 'library-changed' }], 'only the payload reaches the page');
});
