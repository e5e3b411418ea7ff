import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { static as serveStatic } from 'express';

/**
 * The web app's Content-Security-Policy: every script, style, font and image from this origin only, no inline
 * script, no eval, no frames, no plugins; requests only to this origin (the API). The Swagger UI at /docs keeps
 * its own rules (it needs inline script).
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Paths the API answers itself: never the web app's, not even its fallback page. `/metrics` lives on its own port
 * (METRICS_PORT); on this one it is a 404, never the app's page with a 200 that a scraper would mistake for an answer.
 */
const API_PATH = /^\/(v1|docs|docs-json|health|metrics)(\/|$)/;

/** Whether a request is for the web app (a file of it, or a deep link whose page the app draws). */
export const isWebPath = (path: string): boolean => !API_PATH.test(path);

/**
 * Serves the built web app (vite's output) on the API's origin at `/`: hashed assets cached for a year, every other
 * GET that wants HTML answered with index.html (a deep link, reloaded, lands on its page). Without a build, `/`
 * says how to make one.
 */
export function serveWebApp(app: NestExpressApplication, root = resolve(process.env.WEB_ROOT ?? join(process.cwd(), 'dist', 'web'))): void {
  const indexFile = join(root, 'index.html');
  const files = serveStatic(root, {
    index: false,
    fallthrough: true,
    setHeaders: (res, path) => {
      res.setHeader('content-security-policy', WEB_CSP);
      res.setHeader('cache-control', path.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  let index: { body: Buffer; etag: string } | undefined;
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !isWebPath(req.path)) return next();
    files(req, res, () => {
      if (req.path.startsWith('/assets/') || !req.accepts('html')) return next();
      if (!index && existsSync(indexFile)) index = pageOf(readFileSync(indexFile));
      res.setHeader('content-security-policy', WEB_CSP);
      res.setHeader('cache-control', 'no-cache');
      if (!index) {
        res.status(404).type('text/plain').send(`The web app is not built (no ${indexFile}): run npm run build:web, or npm run demo, which builds it.\n`);
        return;
      }
      // Its own ETag (the API sets none, bootstrap.ts): a no-cache page is revalidated, 304 while unchanged.
      res.setHeader('etag', index.etag);
      res.status(200).type('html').send(index.body);
    });
  });
}

/** The fallback page with a strong ETag of its bytes, computed once. */
const pageOf = (body: Buffer): { body: Buffer; etag: string } => ({ body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` });
