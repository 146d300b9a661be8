import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FINE_TUNE_DEFAULT_VALUES } from '../contract/fine-tune-defaults.ts';
import { FINE_TUNE_DEFAULTS } from '../model/train/fine-tune-defaults.ts';
import { APP_FINE_TUNE_DEFAULTS } from './fine-tune-jobs.ts';

test('the defaults the app shows are the ones its fine-tuning jobs use', () => {
  for (const [key, value] of Object.entries(FINE_TUNE_DEFAULT_VALUES)) {
    assert.equal(value, (FINE_TUNE_DEFAULTS as Record<string, number>)[key], `${key}: shown ${value}, trained with ${(FINE_TUNE_DEFAULTS as Record<string, number>)[key]}`);
    assert.equal(value, (APP_FINE_TUNE_DEFAULTS as Record<string, number>)[key], `${key} in the app's job settings`);
  }
});
