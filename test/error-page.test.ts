import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from './helpers/app.ts';

test('errors for a browser are portal pages in its language, with the message', async () => {
  const { server, close } = await startTestApp();
  try {
    const res = await server.inject({ url: '/datasets/does-not-exist?lang=nl', headers: { accept: 'text/html' } });
    assert.equal(res.statusCode, 404);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.match(res.body, /<html lang="nl">/);
    assert.match(res.body, /Pagina niet gevonden/);
    assert.match(res.body, /class="skip-link"/);
    assert.match(res.body, /does-not-exist/);
    const api = await server.inject({ url: '/api/datasets/does-not-exist', headers: { accept: 'text/html' } });
    assert.equal(api.json().error.code, 'dataset_not_found');
  } finally {
    await close();
  }
});
