/**
 * Secret keys for keyed pseudonymisation, kept out of the catalog and the recipes: one file per key
 * (`<name>.key`, 32 random bytes as hex) in a folder of the data directory, readable by the server's
 * user only (folder 0700, files 0600). A recipe names its key (`keyRef`); whoever holds the catalog,
 * a backup of it or a published table cannot recompute the pseudonyms without this folder.
 *
 * Losing a key changes every pseudonym made with it from the next refresh on (links between
 * versions break), so `get` never creates a key: a missing one is an error, and keys are made on
 * purpose with `create` (or `ensure`, when a DPO saves a recipe). Keys are never logged, and no
 * message here contains one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';

export interface KeyStore {
  /** The key named keyRef; an error when there is none or its file is unsafe. */
  get(keyRef: string): Buffer;
  has(keyRef: string): boolean;
  /** Creates a new random key; an error if one of that name exists (it would change every pseudonym). */
  create(keyRef: string): void;
  /** Creates the key unless it exists. */
  ensure(keyRef: string): void;
  /** Names of the keys. */
  list(): string[];
}

const KEY_BYTES = 32;
/** What a key name may be: it becomes a file name. */
export const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function openKeyStore(dir: string): KeyStore {
  const fileOf = (keyRef: string) => {
    if (!KEY_NAME.test(keyRef)) {
      throw new AppError('validation_failed', `"${keyRef}" is not a valid key name: use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit.`);
    }
    return path.join(dir, `${keyRef}.key`);
  };
  const ensureDir = () => fs.mkdirSync(dir, { recursive: true, mode: 0o700 });

  const store: KeyStore = {
    get(keyRef) {
      const file = fileOf(keyRef);
      let stat: fs.Stats;
      try {
        stat = fs.statSync(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        throw new AppError(
          'not_found',
          `There is no pseudonymisation key "${keyRef}" in ${dir}. If it was deleted or the data folder was moved without it, restore ${path.basename(file)} from a backup: ` +
            'a new key would give everyone new pseudonyms. For a new recipe, create the key first.',
        );
      }
      // Mode bits mean nothing on Windows; elsewhere a key others can read is no secret.
      if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
        throw new AppError('internal', `The key file ${file} can be read by other users of the server (mode ${(stat.mode & 0o777).toString(8)}); run "chmod 600 ${file}" and check who may have copied it.`);
      }
      const text = fs.readFileSync(file, 'utf8').trim();
      if (!/^[0-9a-f]{64}$/.test(text)) {
        throw new AppError('internal', `The key file ${file} is damaged (it should hold ${KEY_BYTES} bytes as 64 hexadecimal characters); restore it from a backup.`);
      }
      return Buffer.from(text, 'hex');
    },
    has(keyRef) {
      return fs.existsSync(fileOf(keyRef));
    },
    create(keyRef) {
      const file = fileOf(keyRef);
      ensureDir();
      // Written whole to a private temp file, then linked into place: link fails if the name exists,
      // so two processes creating the same key at once cannot both win, and no reader sees half a key.
      const tmp = path.join(dir, `.${keyRef}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
      fs.writeFileSync(tmp, crypto.randomBytes(KEY_BYTES).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
      try {
        fs.linkSync(tmp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new AppError('conflict', `A pseudonymisation key "${keyRef}" already exists in ${dir}; use it, or choose another name (replacing a key changes every pseudonym made with it).`);
        }
        throw err;
      } finally {
        fs.rmSync(tmp, { force: true });
      }
    },
    ensure(keyRef) {
      try {
        store.create(keyRef);
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'conflict')) throw err;
      }
    },
    list() {
      if (!fs.existsSync(dir)) return [];
      return fs.readdirSync(dir).filter((f) => f.endsWith('.key') && KEY_NAME.test(f.slice(0, -4))).map((f) => f.slice(0, -4)).sort();
    },
  };
  return store;
}
