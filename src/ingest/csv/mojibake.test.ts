import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { SHARED_DIR } from '../../../test/helpers/paths.ts';
import { createMojibakeRepairStream, detectMojibake, MojibakeRepairer, repairMojibake, type MojibakeCharset } from './mojibake.ts';

const ORIGINAL = 'commune;remarque\nLiège;l’été à la Cité, 5 €\nSint-Truiden;Dit is een ‘echte’ café — ÉÈÇË ñ ß\nAnderlecht;Áccent Íle Ïle Ðe Ýes ”fin”\n';

/** What a program that read UTF-8 bytes as `charset` and saved the result as UTF-8 produced. */
function damage(text: string, charset: MojibakeCharset): string {
  const bytes = Buffer.from(text, 'utf8');
  if (charset === 'macintosh') return iconv.decode(bytes, 'macintosh');
  // Windows decodes 1252's five undefined bytes as the C1 control of the same value.
  return Array.from(bytes, (b) => ([0x81, 0x8d, 0x8f, 0x90, 0x9d].includes(b) ? String.fromCharCode(b) : iconv.decode(Buffer.from([b]), 'windows-1252'))).join('');
}

test('mojibake via Windows-1252 is detected and repaired ("Ã©" -> "é", "â€™" -> "’")', () => {
  const broken = damage(ORIGINAL, 'windows-1252');
  assert.match(broken, /LiÃ¨ge;lâ€™Ã©tÃ©/);
  assert.equal(detectMojibake(broken), 'windows-1252');
  const repaired = repairMojibake(broken, 'windows-1252');
  assert.equal(repaired.text, ORIGINAL);
  assert.equal(repaired.repairedCount, Array.from(ORIGINAL).filter((c) => c > '\x7f').length);
  assert.deepEqual(repaired.example, { before: 'LiÃ¨ge', after: 'Liège' });
});

test('mojibake via Mac Roman is detected and repaired ("√©" -> "é", "‚Äô" -> "’")', () => {
  const broken = damage(ORIGINAL, 'macintosh');
  assert.match(broken, /Li√®ge;l‚Äô√©t√©/);
  assert.equal(detectMojibake(broken), 'macintosh');
  const repaired = repairMojibake(broken, 'macintosh');
  assert.equal(repaired.text, ORIGINAL);
  assert.deepEqual(repaired.example, { before: 'Li√®ge', after: 'Liège' });
});

test('the Mac Roman seed: "√âtat des lieux" becomes "État des lieux"', () => {
  const seed = fs.readdirSync(path.join(SHARED_DIR, 'seeds')).find((f) => f.startsWith('000_'))!;
  const text = fs.readFileSync(path.join(SHARED_DIR, 'seeds', seed), 'utf8');
  assert.match(text, /√âtat des lieux/);
  assert.equal(detectMojibake(text), 'macintosh');
  const repaired = repairMojibake(text, 'macintosh');
  assert.match(repaired.text, /title: "État des lieux des Civic Tech et de l’Open Data en Belgique"/);
  assert.match(repaired.text, /régionales, un cadre fédéral commun/);
  assert.doesNotMatch(repaired.text, /√|‚Äô/);
  assert.deepEqual(repaired.example, { before: '√âtat', after: 'État' });
});

test('real French and Dutch text is never taken for mojibake', () => {
  const real = [
    ORIGINAL,
    'Liège',
    'Rue de l’Église 12, 4000 Liège; “citoyen” — Bürgerbüro; België; Ieper; coöperatie; façade; naïf; ça',
    'CAFÉ\u00a0: OUVERT À 8H', // É then a no-break space is C9 A0 in 1252, a valid UTF-8 IPA letter
    'São Tomé; Ålesund; Œuvre; æ; l’été; 12 °C; ± 5 %; « guillemets »',
  ];
  for (const text of real) assert.equal(detectMojibake(text), null, text);
  const seed = fs.readdirSync(path.join(SHARED_DIR, 'seeds')).find((f) => f.startsWith('003_'))!;
  assert.equal(detectMojibake(fs.readFileSync(path.join(SHARED_DIR, 'seeds', seed), 'utf8')), null);
});

test('a partly damaged text is repaired where it is damaged and left alone elsewhere', () => {
  const text = 'LiÃ¨ge → Namur; Ã©tÃ©; MontrÃ©al; rÃ©gion; dÃ©cembre; Gent';
  assert.equal(detectMojibake(text), 'windows-1252');
  assert.equal(repairMojibake(text, 'windows-1252').text, 'Liège → Namur; été; Montréal; région; décembre; Gent');
  // Mostly real accents with a stray sequence: not enough to call the text damaged.
  assert.equal(detectMojibake('Liège, Namur, Mons, Arlon, Wavre, Nivelles — été, café, crème, déjà, Ã©'), null);
});

test('the streaming repairer gives the same result wherever the chunks are cut', () => {
  for (const charset of ['windows-1252', 'macintosh'] as const) {
    const broken = damage(ORIGINAL, charset);
    for (let cut = 0; cut <= broken.length; cut++) {
      const repairer = new MojibakeRepairer(charset);
      const out = repairer.write(broken.slice(0, cut)) + repairer.write(broken.slice(cut)) + repairer.end();
      assert.equal(out, ORIGINAL, `${charset}, cut at ${cut}`);
    }
    const oneByOne = new MojibakeRepairer(charset);
    assert.equal(Array.from(broken, (c) => oneByOne.write(c)).join('') + oneByOne.end(), ORIGINAL);
  }
});

test('createMojibakeRepairStream repairs a stream of strings or UTF-8 bytes', async () => {
  const broken = damage(ORIGINAL.repeat(50), 'windows-1252');
  const bytes = Buffer.from(broken, 'utf8');
  const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
  const stream = createMojibakeRepairStream('windows-1252');
  let out = '';
  for await (const piece of Readable.from(chunks).pipe(stream)) out += piece;
  assert.equal(out, ORIGINAL.repeat(50));
  assert.equal(stream.repairer.repairedCount, 50 * repairMojibake(damage(ORIGINAL, 'windows-1252'), 'windows-1252').repairedCount);
});
