import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../test/helpers/paths.ts';
import { AppError } from '../errors.ts';
import { openKeyStore } from './keys.ts';

const posix = process.platform !== 'win32';

test('keys are 32 random bytes, made on purpose, stored owner-only and read back the same', () => {
  const dir = path.join(tempDir(), 'data', 'keys');
  const store = openKeyStore(dir);
  assert.deepEqual(store.list(), []);
  assert.equal(store.has('residents'), false);

  store.create('residents');
  const key = store.get('residents');
  assert.equal(key.length, 32);
  assert.deepEqual(store.get('residents'), key);
  assert.deepEqual(openKeyStore(dir).get('residents'), key, 'another process reads the same key');
  if (posix) {
    assert.equal(fs.statSync(path.join(dir, 'residents.key')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  }

  store.ensure('residents');
  assert.deepEqual(store.get('residents'), key, 'ensure keeps an existing key');
  store.ensure('other');
  assert.notDeepEqual(store.get('other'), key);
  assert.deepEqual(store.list(), ['other', 'residents']);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['other.key', 'residents.key'], 'no temp files left');

  assert.throws(() => store.create('residents'), (err: AppError) => err.code === 'conflict' && /already exists/.test(err.message));
  assert.deepEqual(store.get('residents'), key, 'a refused create leaves the key');
});

test('a missing, unsafe or damaged key is an error that says what to do, and never shows the key', () => {
  const dir = tempDir();
  const store = openKeyStore(dir);
  assert.throws(() => store.get('gone'), (err: AppError) => err.code === 'not_found' && /no pseudonymisation key "gone".*restore gone\.key from a backup/.test(err.message));
  assert.equal(store.has('gone'), false, 'get never creates a key');
  assert.throws(() => store.get('../../etc/passwd'), (err: AppError) => err.code === 'validation_failed' && /not a valid key name/.test(err.message));
  assert.throws(() => store.create('.hidden'), /not a valid key name/);

  store.create('shared');
  const file = path.join(dir, 'shared.key');
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (posix) {
    fs.chmodSync(file, 0o644);
    assert.throws(() => store.get('shared'), (err: AppError) => /can be read by other users .*mode 644.*chmod 600/.test(err.message) && !err.message.includes(secret));
    fs.chmodSync(file, 0o600);
  }
  fs.writeFileSync(file, secret.slice(0, 20));
  assert.throws(() => store.get('shared'), (err: AppError) => /damaged/.test(err.message) && !err.message.includes(secret.slice(0, 20)));
});
