import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTENT_SECURITY_POLICY, isPermissionAllowed, isPermissionCheckAllowed, isRequestAllowed } from './security.ts';

const PREFIX = 'file:///app/out/renderer/';

test('permissions: microphone only, for the app page only', () => {
  assert.equal(isPermissionAllowed({ permission: 'media', mediaTypes: ['audio'], requestingUrl: `${PREFIX}index.html` }, PREFIX), true);
  assert.equal(isPermissionAllowed({ permission: 'media', mediaTypes: ['audio', 'video'], requestingUrl: `${PREFIX}index.html` }, PREFIX), false);
  assert.equal(isPermissionAllowed({ permission: 'media', mediaTypes: ['video'], requestingUrl: `${PREFIX}index.html` }, PREFIX), false);
  assert.equal(isPermissionAllowed({ permission: 'media', mediaTypes: [], requestingUrl: `${PREFIX}index.html` }, PREFIX), false);
  assert.equal(isPermissionAllowed({ permission: 'media', mediaTypes: ['audio'], requestingUrl: 'https://evil.example/' }, PREFIX), false);
  for (const permission of ['geolocation', 'notifications', 'clipboard-read', 'display-capture', 'openExternal']) {
    assert.equal(isPermissionAllowed({ permission, mediaTypes: ['audio'], requestingUrl: `${PREFIX}index.html` }, PREFIX), false, permission);
  }
  assert.equal(isPermissionCheckAllowed('media', 'audio', 'file:///'), true);
  assert.equal(isPermissionCheckAllowed('media', 'video', 'file:///'), false);
  assert.equal(isPermissionCheckAllowed('media', 'audio', 'https://evil.example'), false);
});

test('no remote requests; the CSP allows nothing remote and no inline script', () => {
  assert.equal(isRequestAllowed(`${PREFIX}assets/main.js`), true);
  assert.equal(isRequestAllowed('blob:file:///1234'), true);
  for (const url of ['https://cdn.example/x.js', 'http://127.0.0.1:8080/', 'wss://x.example', 'ftp://x']) assert.equal(isRequestAllowed(url), false, url);
  const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
  assert.deepEqual(directives.get('script-src'), ["'self'"]);
  assert.deepEqual(directives.get('object-src'), ["'none'"]);
  for (const sources of directives.values()) for (const s of sources) assert.ok(!/^https?:|\*|'unsafe-/.test(s), s);
});
