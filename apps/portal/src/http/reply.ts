import type { FastifyReply } from 'fastify';

/** An HTML page: never cached (pages hold members' data and CSRF tokens). */
export function sendPage(reply: FastifyReply, page: string, status = 200, cookies: string[] = []): void {
  if (cookies.length) reply.header('set-cookie', cookies);
  void reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
}

/** 303 See Other: after a POST, the browser GETs the next page (a reload does not post again). */
export function seeOther(reply: FastifyReply, location: string, cookies: string[] = []): void {
  if (cookies.length) reply.header('set-cookie', cookies);
  void reply.status(303).header('location', location).header('cache-control', 'no-store').send();
}
