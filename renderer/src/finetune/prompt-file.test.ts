import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from '../../../contract/contract.ts';
import { promptsFromText } from './prompt-file.ts';

test('each non-blank, non-comment line is a prompt, whatever the line endings', () => {
  assert.deepEqual(promptsFromText('\uFEFFopen the door\r\n\r\n# a comment\n  call mum  \rnew line\n'), ['open the door', 'call mum', 'new line']);
  assert.deepEqual(promptsFromText(''), []);
  assert.deepEqual(promptsFromText('\n  \n#only\n'), []);
});

test('an overlong line is cut to the limit a dataset item accepts', () => {
  const [prompt] = promptsFromText('a'.repeat(LIMITS.maxTextLength + 50));
  assert.equal(prompt.length, LIMITS.maxTextLength);
});
