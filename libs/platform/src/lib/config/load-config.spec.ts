import { z } from 'zod';
import { baseEnvSchema, ConfigError, loadConfig, postgresUrl } from './load-config';

describe('loadConfig', () => {
  const schema = baseEnvSchema.extend({ DB: postgresUrl.default('postgres://u@h:5432/db'), SECRET: z.string() });

  it('applies the documented defaults', () => {
    const c = loadConfig(schema, { SECRET: 's' });
    expect(c.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(c.NATS_SUBJECT_PREFIX).toBe('');
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.DB).toBe('postgres://u@h:5432/db');
  });

  it('names every bad variable, and never echoes a value', () => {
    let err: ConfigError | undefined;
    try {
      loadConfig(schema, { LOG_LEVEL: 'loud', NATS_REQUEST_TIMEOUT_MS: 'soon', DB: 'mysql://x/y', NATS_SUBJECT_PREFIX: 'no-dot' });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    for (const name of ['LOG_LEVEL', 'NATS_REQUEST_TIMEOUT_MS', 'DB', 'NATS_SUBJECT_PREFIX', 'SECRET']) {
      expect(err?.message).toContain(name);
    }
    expect(err?.message).not.toContain('mysql://x/y');
  });

  it('refuses an unknown LOG_FORMAT or LOG_ACCESS with the values it takes; defaults to JSON', () => {
    expect(loadConfig(schema, { SECRET: 's' })).toMatchObject({ LOG_FORMAT: 'json', LOG_ACCESS: 'summary' });
    expect(loadConfig(schema, { SECRET: 's', LOG_FORMAT: 'pretty', LOG_ACCESS: 'lines' })).toMatchObject({ LOG_FORMAT: 'pretty', LOG_ACCESS: 'lines' });
    expect(() => loadConfig(schema, { SECRET: 's', LOG_FORMAT: 'xml' })).toThrow('LOG_FORMAT: must be json or pretty');
    expect(() => loadConfig(schema, { SECRET: 's', LOG_ACCESS: 'all' })).toThrow('LOG_ACCESS: must be summary or lines');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(schema, { SECRET: 's', LOG_LEVEL: '' }).LOG_LEVEL).toBe('info');
  });

  it('accepts a prefix that ends with a dot', () => {
    expect(loadConfig(schema, { SECRET: 's', NATS_SUBJECT_PREFIX: 'staging.' }).NATS_SUBJECT_PREFIX).toBe('staging.');
  });

  it('has metrics on unless METRICS_ENABLED=false, and refuses any other value by name', () => {
    expect(loadConfig(schema, { SECRET: 's' }).METRICS_ENABLED).toBe(true);
    expect(loadConfig(schema, { SECRET: 's', METRICS_ENABLED: 'false' }).METRICS_ENABLED).toBe(false);
    expect(loadConfig(schema, { SECRET: 's', METRICS_ENABLED: 'true' }).METRICS_ENABLED).toBe(true);
    expect(() => loadConfig(schema, { SECRET: 's', METRICS_ENABLED: 'off' })).toThrow(/METRICS_ENABLED: must be true or false/);
  });
});
