import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';

const root = (pkg: string) => fileURLToPath(new URL(`../../../${pkg}/dist/`, import.meta.url));

/** Serves the built SPAs; deep links fall back to index.html so client-side routing works. */
export function mountStaticApps(app: Express): void {
  for (const [prefix, pkg] of [
    ['/admin', 'admin-web'],
    ['/portal', 'portal-web'],
  ] as const) {
    const dir = root(pkg);
    if (!existsSync(`${dir}index.html`)) {
      app.use(prefix, (_req, res) => {
        res.status(503).type('text/plain').send(`${pkg} is not built: run npm run build`);
      });
      continue;
    }
    app.use(prefix, express.static(dir, { index: false, maxAge: '1h', immutable: false }));
    app.get(`${prefix}{/*path}`, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile('index.html', { root: dir });
    });
  }
  app.get('/', (_req, res) => res.redirect('/admin/'));
}
