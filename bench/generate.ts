import fs from 'node:fs';
import iconv from 'iconv-lite';

/**
 * Writes the benchmark's messy CSV: `;`, CRLF, decimal commas, dd/mm/yyyy, a title row and a blank
 * row above the header, quoted fields holding `;` and line breaks, accented text. Written twice from
 * the same rows: Windows-1252 (what Dataville publishes) and UTF-8 (what the DuckDB baseline reads).
 */
export async function generateMessyCsv(rows: number, cp1252Path: string, utf8Path: string): Promise<void> {
  const a = fs.createWriteStream(cp1252Path);
  const b = fs.createWriteStream(utf8Path);
  const streets = ['Rue de l’Église', 'Chaussée de Liège', 'Place d’Armes', 'Boulevard Émile Jacqmain', 'Quai de Meuse', 'Avenue des Héros'];
  const cats = ['Propreté', 'Voirie', 'Éclairage public', 'Espaces verts', 'Mobilité', 'Sécurité'];
  let seed = 42;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const header = 'Titre : Signalements citoyens 2015-2024;;;;;;;\r\n;;;;;;;\r\nid;date;catégorie;adresse;code postal;montant (€);quantité;remarque\r\n';
  // Both drains are awaited together: waiting for one, then the other, misses a 'drain' that fired
  // meanwhile and leaves the generator hanging (Node then exits 13, an unsettled top-level await).
  const drained = (s: fs.WriteStream) => (s.writableNeedDrain ? new Promise<void>((r) => s.once('drain', () => r())) : undefined);
  const write = async (text: string) => {
    a.write(iconv.encode(text, 'windows-1252'));
    b.write(text);
    await Promise.all([drained(a), drained(b)]);
  };
  await write(header);
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    const d = 1 + Math.floor(rnd() * 28), m = 1 + Math.floor(rnd() * 12), y = 2015 + Math.floor(rnd() * 10);
    const amount = (rnd() * 100000).toFixed(2).replace('.', ',');
    const remark = i % 50 === 0 ? `"Voir aussi; dossier ${i}\r\nsuite au ""conseil"" communal"` : i % 7 === 0 ? `"Urgent; à traiter"` : 'RAS';
    chunk += `${i};${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y};${cats[i % cats.length]};"${streets[i % streets.length]} ${1 + (i % 200)}";${String(1000 + Math.floor(rnd() * 8999))};${amount};${Math.floor(rnd() * 1000)};${remark}\r\n`;
    if (i % 5000 === 0) { await write(chunk); chunk = ''; }
  }
  if (chunk) await write(chunk);
  await Promise.all([new Promise((r) => a.end(r)), new Promise((r) => b.end(r))]);
}
