import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';

const root = (pkg: string) => fileURLToPath(new URL(`../../../${pkg}/dist/`, import.meta.url));

/**
 * Serves the built SPAs. Hashed assets are cached for a year; deep links (paths without a file
 * extension) fall back to index.html for client-side routing; a missing asset is a 404, so a tab
 * left open across a deploy never runs HTML as JavaScript.
 */
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
    app.use(
      `${prefix}/assets`,
      express.static(`${dir}assets`, { index: false, immutable: true, maxAge: '365d', fallthrough: false }),
    );
    app.use(prefix, express.static(dir, { index: false, maxAge: '1h' }));
    app.get(`${prefix}{/*path}`, (req, res) => {
      if (/\.[a-z0-9]+$/i.test(req.path)) {
        res.status(404).type('text/plain').send('Not found');
        return;
      }
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile('index.html', { root: dir });
    });
  }
  app.get('/', (_req, res) => res.redirect('/admin/'));
}
