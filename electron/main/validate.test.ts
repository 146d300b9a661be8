import { test } from 'node:test';
import assert from 'node:assert/strict';
import { senderProblem } from './validate.ts';

test('only the app window showing the app page is a trusted sender', () => {
  const trusted = { webContentsId: 1, pagePrefix: 'file:///opt/CellScribe/resources/app.asar/out/renderer/' };
  const page = 'file:///opt/CellScribe/resources/app.asar/out/renderer/index.html';
  assert.equal(senderProblem({ webContentsId: 1, frameUrl: page, isMainFrame: true }, trusted), null);
  assert.match(senderProblem({ webContentsId: 2, frameUrl: page, isMainFrame: true }, trusted)!, /not come from the app window/);
  assert.match(senderProblem({ webContentsId: 1, frameUrl: page, isMainFrame: false }, trusted)!, /sub-frame/);
  assert.match(senderProblem({ webContentsId: 1, frameUrl: 'https://evil.example/index.html', isMainFrame: true }, trusted)!, /not the app's page/);
  assert.match(senderProblem({ webContentsId: 1, frameUrl: 'file:///home/user/Downloads/evil.html', isMainFrame: true }, trusted)!, /not the app's page/);
  assert.match(senderProblem({ webContentsId: 1, frameUrl: 'file:///opt/CellScribe/resources/app.asar/out/renderer/../../../../evil.html', isMainFrame: true }, trusted)!, /not the app's page/);
  assert.match(senderProblem({ webContentsId: 1, frameUrl: '', isMainFrame: true }, trusted)!, /not valid/);
  assert.match(senderProblem({ webContentsId: 1, frameUrl: page, isMainFrame: true }, { ...trusted, webContentsId: null })!, /app window/);
});
