import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyValue, judgeValues, PERSONAL_CONFIDENCE } from './detect.ts';
import { isEnterpriseNumber, isIban, isNationalRegisterNumber } from './detectors/identifiers.ts';
import { maskMatch } from './detectors/match.ts';
import type { PersonalCategory } from './types.ts';

/** The categories a value is judged personal for (confidence at or above the threshold). */
function flagged(value: string, columnName?: string, neighbours?: string[]): PersonalCategory[] {
  return classifyValue(value, { columnName, neighbours })
    .filter((c) => c.confidence >= PERSONAL_CONFIDENCE)
    .map((c) => c.category);
}

function nn(yymmdd: string, serial: string, from2000 = false): string {
  const base = yymmdd + serial;
  return base + String(97 - (Number((from2000 ? '2' : '') + base) % 97)).padStart(2, '0');
}

describe('national register numbers', () => {
  it('accepts valid numbers with or without separators, and the rule for births from 2000 on', () => {
    const n = nn('850730', '033');
    assert.equal(n, '85073003328');
    assert.ok(isNationalRegisterNumber(n));
    for (const v of [n, '85.07.30-033.28', '850730-033-28', '850730 033 28']) assert.deepEqual(flagged(v), ['national-register-number'], v);
    assert.ok(isNationalRegisterNumber(nn('050312', '123', true)));
    // 29 February 1900 did not exist, 29 February 2000 did: only the check with the "2" prefix is right.
    assert.ok(isNationalRegisterNumber(nn('000229', '001', true)));
    assert.ok(!isNationalRegisterNumber(nn('000229', '001', false)));
  });

  it('accepts BIS numbers (month + 20 or + 40) and unknown birth dates (month 00)', () => {
    assert.ok(isNationalRegisterNumber(nn('854730', '033')));
    assert.ok(isNationalRegisterNumber(nn('852730', '033')));
    assert.ok(isNationalRegisterNumber(nn('850030', '033')));
  });

  it('rejects a bad check and 11-digit look-alikes', () => {
    assert.deepEqual(flagged('85073003329'), []);
    assert.deepEqual(flagged('85.07.30-033.29'), []);
    // An invoice number, even one whose digits pass the check, under a name that says "invoice".
    const passing = nn('202403', '150');
    assert.ok(!flagged(passing, 'numéro de facture').includes('national-register-number'));
    assert.ok(!flagged(passing, 'factuurnummer').includes('national-register-number'));
  });

  it('masks examples as the contract shows', () => {
    assert.equal(maskMatch({ category: 'national-register-number', text: '85.07.30-033.28' }), '85.07.30-0**.**');
  });
});

describe('enterprise numbers and IBANs', () => {
  it('checks enterprise numbers (mod 97) in their usual spellings', () => {
    assert.ok(isEnterpriseNumber('0403170701'));
    assert.ok(!isEnterpriseNumber('0403170702'));
    for (const v of ['0403.170.701', 'BE0403170701', 'BE 0403.170.701']) assert.deepEqual(flagged(v), ['enterprise-number'], v);
    // Bare digits need the column's name: 10 digits starting with 0 are also how mobiles and codes are written.
    assert.deepEqual(flagged('0403170701'), []);
    assert.deepEqual(flagged('0403170701', 'numéro BCE'), ['enterprise-number']);
    assert.deepEqual(flagged('0403.170.702', 'KBO-nummer'), []);
  });

  it('checks IBANs (ISO 7064 mod 97-10), Belgian and foreign, spaced or not', () => {
    assert.ok(isIban('BE68539007547034'));
    for (const v of ['BE68 5390 0754 7034', 'BE68539007547034', 'NL91ABNA0417164300', 'FR14 2004 1010 0505 0001 3M02 606']) assert.deepEqual(flagged(v), ['iban'], v);
    assert.deepEqual(flagged('BE69 5390 0754 7034'), []);
    assert.equal(maskMatch({ category: 'iban', text: 'BE68 5390 0754 7034' }), 'BE68 **** **** **34');
  });
});

describe('e-mail addresses and phone numbers', () => {
  it('flags personal e-mail addresses, not service mailboxes', () => {
    assert.deepEqual(flagged('jean.dupont@gmail.com'), ['email']);
    assert.deepEqual(flagged('jdupont85@skynet.be'), ['email']);
    assert.deepEqual(flagged('info@jette.be'), []);
    assert.deepEqual(flagged('secretariaat@gent.be', 'email'), []);
    assert.deepEqual(flagged('not an email@'), []);
    assert.equal(maskMatch({ category: 'email', text: 'jean.dupont@gmail.com' }), 'j**********@gmail.com');
  });

  it('flags Belgian mobiles and fixed lines in the ways people write them', () => {
    for (const v of ['+32 470 12 34 56', '0470/12.34.56', '0470 12 34 56', '0032 470 123 456', '+32470123456', '0470123456', '02 511 22 33', '02/511.22.33', '(02) 511 22 33', '+33 6 12 34 56 78']) {
      assert.deepEqual(flagged(v), ['phone'], v);
    }
    // A bare fixed number is as often a code: it needs the column's name.
    assert.deepEqual(flagged('010456789'), []);
    assert.deepEqual(flagged('010456789', 'téléphone'), ['phone']);
  });

  it('does not flag phone-like codes, service numbers, years, amounts or postcodes', () => {
    for (const v of ['12-34-56-78', '4701234567', '2024/123456', '0000 00 00', '00-201-271-226-377', '0800 12 345', '070 22 33 44', '0403.170.701', '2024', '1985', '1.234,56', '€ 45,00', '1000', '21004']) {
      assert.ok(!flagged(v).includes('phone'), v);
    }
  });
});

describe('plates, dates of birth, addresses', () => {
  it('flags current plates, older ones only in a plate column', () => {
    assert.deepEqual(flagged('1-ABC-123'), ['licence-plate']);
    assert.deepEqual(flagged('ABC-123'), []);
    assert.deepEqual(flagged('ABC-123', 'plaque'), ['licence-plate']);
    assert.deepEqual(flagged('FAC-2024-00123'), []);
  });

  it('takes a date as a birth date only when the column says so', () => {
    assert.deepEqual(flagged('1985-03-12'), []);
    for (const [v, col] of [['1985-03-12', 'date de naissance'], ['12/03/1985', 'geboortedatum'], ['12 mars 1985', 'Geburtsdatum'], ['12.03.1985', 'birth_date']]) {
      assert.deepEqual(flagged(v, col), ['date-of-birth'], v);
    }
    assert.deepEqual(flagged('2099-01-01', 'date de naissance'), []);
    assert.equal(maskMatch({ category: 'date-of-birth', text: '12/03/1985' }), '**/**/1985');
  });

  it('flags streets with a house number, not street names alone', () => {
    for (const v of ['Rue de la Loi 16', '16, rue de la Loi', 'Avenue Louise 54 bte 3', 'Kerkstraat 12A bus 3, 2000 Antwerpen', 'Grote Markt 1', 'Hauptstraße 5, 4700 Eupen']) {
      assert.deepEqual(flagged(v), ['street-address'], v);
    }
    assert.deepEqual(flagged('Rue de la Loi'), []);
    assert.deepEqual(flagged('Kerkstraat'), []);
    assert.deepEqual(flagged('Kerkstraat', 'straat', ['huisnummer']), ['street-address']);
    assert.equal(maskMatch({ category: 'street-address', text: 'Rue de la Loi 16' }), 'Rue de la Loi **');
  });
});

describe('person names', () => {
  it('flags full names and names in name columns, in FR/NL/DE/EN', () => {
    for (const v of ['Jean Dupont', 'DUPONT Jean', 'Dupont, Jean', 'J. Peeters', 'Marie-Claire Van den Broeck']) assert.deepEqual(flagged(v), ['person-name'], v);
    for (const [v, col, next] of [['Léa', 'prénom'], ['Wouter', 'voornaam'], ['Kowalczyk', 'achternaam'], ['Schmitz', 'Nachname'], ['Dupont', 'nom'], ['TACK', 'NOM', 'Prénom']]) {
      assert.ok(flagged(v, col, next ? [next] : []).includes('person-name'), `${v} in ${col}`);
    }
    assert.equal(maskMatch({ category: 'person-name', text: 'Jean Dupont' }), 'J*** D*****');
  });

  it('does not flag names of things in "nom" columns', () => {
    for (const v of ['École communale de Jette', 'Parc Josaphat', 'Anvers', 'ASBL Les Amis du Parc', 'CPAS', 'RFC Liège', 'Rue de la Station', 'Jan Breydellaan', 'Chêne pédonculé']) {
      assert.ok(!flagged(v, 'nom').includes('person-name'), v);
    }
  });

  it('takes an unlisted surname of a distinctive shape for a name under "nom", not one of a common shape alone', () => {
    // Not in reference/surnames-be.txt; spelled as Belgian and foreign surnames are, and ordinary words are not.
    for (const v of ['Vandekerckhove', 'Bultinck', 'Casteleyn', 'Schollaert', 'Xhonneux', 'Van Hoecke', 'Van der Meersch', 'Aydın', 'Wiśniewski']) {
      assert.ok(!flagged(v).includes('person-name'), `${v} without a name column`);
      assert.ok(flagged(v, 'nom').includes('person-name'), `${v} in nom`);
    }
    // Shapes ordinary words share (de-, ver-, -eux, -quet, -ller): evidence too weak alone.
    for (const v of ['Dewitte', 'Verhulst', 'Bouquet', 'Brumeux', 'Geheimnisvoller', 'Exhumation', 'Donkerblauwe', 'De Lijn', 'La Poste']) {
      assert.ok(!flagged(v, 'nom').includes('person-name'), v);
    }
  });

  it('does not read "nombre" (count) as "nom", nor "straatnaam" as a person name column', () => {
    assert.deepEqual(flagged('Dupont', 'nombre'), []);
    assert.deepEqual(flagged('Stationsstraat', 'straatnaam'), []);
  });
});

describe('free text', () => {
  it('finds personal data inside a text', () => {
    const found = classifyValue('Appelez M. Dupont au 0470 12 34 56 ou écrivez à jean.dupont@gmail.com, né le 12/03/1985.', { columnName: 'commentaire' });
    const cats = found.map((c) => c.category);
    for (const c of ['email', 'phone', 'person-name', 'date-of-birth', 'free-text-personal'] as const) assert.ok(cats.includes(c), c);
    assert.deepEqual(flagged('Remboursement sur le compte BE68 5390 0754 7034 au nom du demandeur.'), ['iban', 'free-text-personal']);
  });

  it('leaves harmless texts alone', () => {
    for (const v of [
      'Dossier complet, en attente de validation par le collège.',
      'Factuur FAC-2024-00123 betaald op 2024-03-12.',
      'Container geplaatst voor 3 dagen, code 20240315001.',
      'Montant de 1.234,56 EUR à verser avant le 31/12/2024.',
      'Réunion prévue le 12/03/2024 à 14h, salle 3.',
    ]) {
      assert.deepEqual(flagged(v, 'remarques'), [], v);
    }
  });

  it('handles an enormous cell in bounded time', () => {
    const big = ('Rapport annuel sans remarque particulière, contact jean.dupont@gmail.com. ').repeat(15_000);
    assert.ok(big.length > 1_000_000);
    const start = performance.now();
    const found = classifyValue(big, { columnName: 'commentaire' });
    assert.ok(performance.now() - start < 2000, 'classified in under 2 s');
    assert.ok(found.some((c) => c.category === 'email'));
    // Pathological input: no spaces at all, a megabyte of digits and separators.
    const noise = '0-1.2/3 '.repeat(140_000);
    const t2 = performance.now();
    classifyValue(noise);
    assert.ok(performance.now() - t2 < 2000);
  });
});

describe('column judgement', () => {
  it('flags a mixed-format column of phones, and a contact column of e-mails and phones', () => {
    const phones = judgeValues('gsm', ['+32 470 12 34 56', '0471/23.45.67', '02 511 22 33', 'n/a', '-', '0472345678', '']);
    assert.ok(phones.personal);
    assert.equal(phones.categories[0].category, 'phone');
    assert.equal(phones.categories[0].sampled, 4, 'placeholders are not counted');
    const contact = judgeValues('contact', ['jean.dupont@gmail.com', '0470 12 34 56', 'marie.peeters@telenet.be', '+32 2 511 22 33']);
    assert.deepEqual(contact.categories.filter((c) => c.confidence >= PERSONAL_CONFIDENCE).map((c) => c.category).sort(), ['email', 'phone']);
  });

  it('does not flag a column of 11-digit numbers that only look like register numbers', () => {
    // Order numbers yyyymmdd + counter: about 1 in 97 passes a register check by chance.
    const values = Array.from({ length: 400 }, (_, i) => `2024${String((i % 12) + 1).padStart(2, '0')}${String((i % 28) + 1).padStart(2, '0')}${String(i).padStart(3, '0')}`);
    const col = judgeValues('numero', values);
    assert.equal(col.personal, false, JSON.stringify(col.categories));
  });

  it('flags an enterprise-number column written bare, without the phone reading of 04xx numbers', () => {
    // Half of them start with 046-049, as Belgian mobiles do.
    const values = ['04031707', '04773780', '02022399', '08512232', '04629202', '04174971', '04881234', '04995678'].map(ent);
    assert.ok(values.every(isEnterpriseNumber));
    const col = judgeValues('identifiant', values);
    assert.ok(col.personal);
    assert.equal(col.categories[0].category, 'enterprise-number');
    assert.ok(!col.categories.some((c) => c.category === 'phone' && c.confidence >= PERSONAL_CONFIDENCE), JSON.stringify(col.categories));
  });

  it('flags a lone surname column by the names it holds, but not a column of names of things', () => {
    const surnames = ['Peeters', 'Kowalczyk', 'Janssens', 'Dauwe', 'Maes', 'Haesaert', 'Dubois', 'Ninane', 'Lambert', 'Eeckhout', 'Wouters', 'Gillard'];
    const col = judgeValues('nom', surnames);
    assert.ok(col.personal);
    assert.equal(col.categories[0].category, 'person-name');
    const things = judgeValues('nom', ['Atomium', 'Proximus', 'Parc Josaphat', 'Recyparc', 'Colruyt', 'Manneken-Pis', 'Bpost', 'Infrabel', 'Solvay', 'Umicore']);
    assert.equal(things.personal, false, JSON.stringify(things.categories));
  });

  it('reports one free-text finding with what the texts hold, and a single leaked e-mail is enough', () => {
    const texts = Array.from({ length: 300 }, (_, i) => `Intervention numéro ${i} terminée sans remarque particulière.`);
    texts.push('Merci de répondre à marie.peeters@telenet.be avant vendredi.');
    const col = judgeValues('commentaire', texts);
    assert.ok(col.personal);
    assert.equal(col.categories[0].category, 'free-text-personal');
    assert.match(col.categories[0].evidence, /e-mail addresses in 1/);
    assert.deepEqual(col.categories[0].examples, ['m************@telenet.be']);
  });
});

function ent(front: string): string {
  return front + String(97 - (Number(front) % 97)).padStart(2, '0');
}
