/** A page that cannot be shown: its status and a message fit for the member. */
export class PageError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'PageError';
  }
}

/** A redirect (303 after a POST, so the browser GETs the target). */
export class Redirect extends Error {
  constructor(
    readonly location: string,
    readonly setCookies: string[] = [],
  ) {
    super(`redirect to ${location}`);
    this.name = 'Redirect';
  }
}
