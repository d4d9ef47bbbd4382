// The web console (issue 19) at /console: the built single-page app in CONSOLE_DIST (Vite's output,
// base /console/), everything from this origin (no CDN). A path that is no file and whose last
// segment has no dot is one of the app's own pages: it gets index.html and the app's router shows it. Vite
// names the files under assets/ by their content hash, so they are cached for a year; index.html
// and the rest are revalidated every time, so a new build is seen at once. The pages may load only
// from this origin and may not be framed. A console that was never built answers 503, saying so.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type RequestHandler, type Response, type Router } from 'express';
import { AppError } from '@runfleet/service-kit';

export const CONSOLE_PATH = '/console';

const CONSOLE_CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

function cacheControlFor(res: Response, file: string, dist: string): void {
  const hashed = file.startsWith(join(dist, 'assets') + '/');
  res.setHeader('Cache-Control', hashed ? IMMUTABLE : 'no-cache');
}

/** GET /console and /console/*, from `dist`. */
export function consoleRouter(dist: string): Router {
  const index = join(dist, 'index.html');
  const router = express.Router();

  const headers: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next(AppError.notFound('ROUTE_NOT_FOUND', `No route for ${req.method} ${req.originalUrl.split('?')[0]}.`));
      return;
    }
    // Checked per request, so a console built after the gateway started is served without a restart.
    if (!existsSync(index)) {
      next(AppError.serviceUnavailable('CONSOLE_NOT_BUILT', `The console has not been built: ${dist} has no index.html (scripts/build-workspace.sh builds it).`));
      return;
    }
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  };

  const files = express.static(dist, {
    index: false,
    redirect: false,
    dotfiles: 'ignore',
    // cache-control is set per file below
    cacheControl: false,
    setHeaders: (res, file) => cacheControlFor(res, file, dist),
  });

  const page: RequestHandler = (req, res, next) => {
    // A missing script or image (or a dotfile, never served) is a 404, not the app's page with a 200.
    if (req.path.slice(req.path.lastIndexOf('/') + 1).includes('.')) {
      next(AppError.notFound('CONSOLE_FILE_NOT_FOUND', `The console has no file ${req.originalUrl.split('?')[0]}.`));
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index, { dotfiles: 'deny', cacheControl: false }, (err?: Error) => {
      if (err) next(err);
    });
  };

  router.use(CONSOLE_PATH, headers, files, page);
  return router;
}
