export * from './lib/auth/auth.subjects';
export * from './lib/auth/token.dto';
export * from './lib/auth/settings.dto';
export * from './lib/auth/admin.dto';
export * from './lib/errors/error-codes';
export * from './lib/http/api-versions';
export * from './lib/http/headers';
export * from './lib/common/uuid';
