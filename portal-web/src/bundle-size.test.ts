/**
 * Budget (design §6): the JS a phone downloads to show the first page — the entry script and the
 * chunks it preloads — is at most 100 KB gzip. The signed-in area loads as its own chunk.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import { build } from 'vite';

const BUDGET = 100 * 1024;
const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'portal-web-size-'));
after(() => rmSync(outDir, { recursive: true, force: true }));

/** Scripts and module preloads referenced by the built index.html (paths under base /portal/). */
export function initialScripts(html: string): string[] {
  const refs = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((m) => m[1]!);
  return [...new Set(refs)];
}

test('initial JS of the portal is within 100 KB gzip', async () => {
  await build({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
  });
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const scripts = initialScripts(html);
  assert.ok(scripts.length >= 1, 'index.html loads a module script');
  let total = 0;
  for (const src of scripts) {
    const file = join(outDir, src.replace(/^\/portal\//, ''));
    const code = readFileSync(file);
    total += gzipSync(code, { level: 9 }).length;
    // The signed-in area (Apollo Client) must not be part of the first page.
    assert.doesNotMatch(
      code.toString('utf8'),
      /ROOT_QUERY/,
      `${src} must not bundle Apollo Client (its cache)`,
    );
  }
  assert.ok(
    total <= BUDGET,
    `initial JS is ${(total / 1024).toFixed(1)} KB gzip, over the ${BUDGET / 1024} KB budget`,
  );
});

test('the budget counts every preloaded chunk', () => {
  const html =
    '<script type="module" crossorigin src="/portal/assets/index-a.js"></script><link rel="modulepreload" crossorigin href="/portal/assets/react-b.js">';
  assert.deepEqual(initialScripts(html), ['/portal/assets/index-a.js', '/portal/assets/react-b.js']);
});
