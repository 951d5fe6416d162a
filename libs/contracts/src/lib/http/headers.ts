export const Headers = {
  apiVersion: 'x-monite-version',
  entityId: 'x-monite-entity-id',
  requestId: 'x-request-id',
} as const;
