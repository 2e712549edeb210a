import type { MikroORM } from '@mikro-orm/postgresql';
import type { Express } from 'express';
import { authenticate } from '../../http/authenticate.js';
import type { Services } from '../../services.js';

/**
 * GET /portal-api/profiles/<token>: the WiFi profile file made by createProfileDownload. Only for
 * the member the token was made for, with their session cookie (a plain link click: no CSRF
 * header, and nothing changes); anything else is a 404.
 */
export function mountProfileDownloads(app: Express, orm: MikroORM, services: Services): void {
  app.get('/portal-api/profiles/:token', async (req, res, next) => {
    try {
      const em = orm.em.fork();
      const { actor } = await authenticate(
        em,
        services,
        { cookie: req.headers.cookie },
        { requireCsrf: false },
      );
      const file = await services.portal.profileFile(em, actor, String(req.params.token));
      res.set('Cache-Control', 'no-store');
      if (!file) {
        res.status(404).type('text/plain').send('Not found');
        return;
      }
      res
        .status(200)
        .type(file.contentType)
        .set('Content-Disposition', `attachment; filename="${file.filename}"`)
        .set('X-Content-Type-Options', 'nosniff')
        .send(file.body);
    } catch (err) {
      next(err);
    }
  });
}
