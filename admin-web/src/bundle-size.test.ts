import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const BUDGET = 350 * 1024;

/** The JS a first visit downloads before anything is lazy-loaded: the entry and its modulepreloads. */
export function initialScripts(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/<script[^>]*\bsrc="([^"]+\.js)"/g)) out.add(m[1]!);
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)) out.add(m[1]!);
  return [...out];
}

test('finds the entry and its preloads in index.html', () => {
  const html = `<script type="module" crossorigin src="/admin/assets/index-a.js"></script>
    <link rel="modulepreload" crossorigin href="/admin/assets/vendor-b.js"><link rel="stylesheet" href="/admin/assets/x.css">`;
  assert.deepEqual(initialScripts(html), ['/admin/assets/index-a.js', '/admin/assets/vendor-b.js']);
});

test('initial JS of the built app is at most 350 KB gzip (npm test builds first)', () => {
  assert.ok(
    existsSync(`${dist}index.html`),
    'admin-web is not built: run npm run build -w @lanyard/admin-web',
  );
  const scripts = initialScripts(readFileSync(`${dist}index.html`, 'utf8'));
  assert.ok(scripts.length > 0);
  let total = 0;
  for (const src of scripts)
    total += gzipSync(readFileSync(`${dist}${src.replace(/^\/admin\//, '')}`)).length;
  assert.ok(total <= BUDGET, `initial JS is ${(total / 1024).toFixed(1)} KB gzip, over ${BUDGET / 1024} KB`);
});
