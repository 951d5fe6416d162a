/** The process's pino logger, for providers that log on their own (outside a request). */
export const PINO_LOGGER = Symbol('PINO_LOGGER');
