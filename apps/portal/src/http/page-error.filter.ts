import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { isErrorBody } from '@gatehouse/contracts';
import { LOGGER, RemoteError } from '@gatehouse/platform';
import { clearCookie, SESSION_COOKIE } from './cookies';
import { html } from './html';
import { PageError, Redirect } from './page-error';
import { layout } from './layout';

const STATUS_OF: Record<string, number> = {
  invalid_request: 400,
  validation_failed: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

const TITLE_OF: Record<number, string> = {
  400: 'Check what you entered',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Not allowed',
  409: 'Conflict',
  413: 'Too large',
  415: 'Not supported',
  429: 'Too many attempts',
  503: 'Temporarily unavailable',
  500: 'Something went wrong',
};

/**
 * Every failure becomes a page in the portal's layout, with a clear status:
 * auth's codes map to 4xx (an unknown or foreign project is a 404, never a hint
 * that it exists), an ended session sends the browser to the login page, and
 * only what nobody foresaw is a 500 (logged, never shown).
 */
@Catch()
export class PageErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (err instanceof Redirect) {
      if (err.setCookies.length) reply.header('set-cookie', err.setCookies);
      void reply.status(303).header('location', err.location).header('cache-control', 'no-store').send();
      return;
    }
    let status = 500;
    let message = 'The portal could not do this. Try again later.';
    let details: Array<{ path?: unknown; message?: unknown }> = [];
    if (err instanceof PageError) {
      status = err.status;
      message = err.message;
      reply.headers(err.headers);
    } else if (err instanceof RemoteError || isErrorBody((err as { body?: unknown })?.body)) {
      const body = (err as RemoteError).body;
      if (body.code === 'unauthenticated') {
        reply.header('set-cookie', clearCookie(SESSION_COOKIE));
        void reply.status(303).header('location', '/login').header('cache-control', 'no-store').send();
        return;
      }
      status = STATUS_OF[body.code] ?? 500;
      message = status === 500 ? message : status === 404 ? 'There is nothing here, or it is not yours to see.' : body.message;
      if (Array.isArray(body.details)) details = body.details as typeof details;
      if (status === 500) this.logger.error({ code: body.code }, 'unexpected error from a service');
    } else if (err instanceof HttpException) {
      status = err.getStatus();
      message = status === 404 ? 'There is no such page.' : err.message;
    } else {
      this.logger.error({ err }, 'portal page failed');
    }
    const title = TITLE_OF[status] ?? 'Error';
    const body = html`<h1>${title}</h1>
<div class="notice error" role="alert"><p>${message}</p>${
      details.length ? html`<ul>${details.slice(0, 20).map((d) => html`<li>${d.path ? html`<code>${String(d.path)}</code>: ` : ''}${String(d.message ?? '')}</li>`)}</ul>` : ''
    }</div>
<p><a href="/projects">Back to your projects</a></p>`;
    void reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(layout({ title, body }));
  }
}
