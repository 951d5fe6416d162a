import { createHash } from 'node:crypto';
import { PORTAL_CSS } from '../assets/portal-css';
import { PORTAL_JS } from '../assets/portal-js';

export interface Asset {
  path: string;
  body: Buffer;
  type: string;
}

function asset(name: string, ext: string, text: string, type: string): Asset {
  const body = Buffer.from(text.trim() + '\n', 'utf8');
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path: `/assets/${name}.${hash}.${ext}`, body, type };
}

/** The two static files, named by their content's hash: cached for a year, a new version is a new name. */
export const ASSETS = {
  css: asset('portal', 'css', PORTAL_CSS, 'text/css; charset=utf-8'),
  js: asset('portal', 'js', PORTAL_JS, 'text/javascript; charset=utf-8'),
} as const;
