import { databaseUrl, expand, healthUrl, publicUrl, serviceEnv, SERVICES, ServiceSpec, usesLocalCert } from './services';

const ctx = { kek: 'KEK', tlsCertFile: '/d/tls/cert.pem', tlsKeyFile: '/d/tls/key.pem', publicUrl: 'https://localhost:8443' };
const byName = (name: string) => SERVICES.find((s) => s.name === name) as ServiceSpec;


describe('the SERVICES table', () => {
  it('starts audit (whose stream auth and the gateway publish into), then auth, identity, policy and the gateway, each with a unique compiled entry point', () => {
    expect(SERVICES.map((s) => s.name).slice(0, 5)).toEqual(['audit', 'auth', 'identity', 'policy', 'gateway']);
    const scripts = SERVICES.map((s) => s.script);
    expect(new Set(scripts).size).toBe(scripts.length);
    for (const s of SERVICES) expect(s.script).toBe(`dist/apps/${s.name}/src/main.js`);
  });

  it('gives auth its key-encryption key and the gateway its certificate files', () => {
    expect(serviceEnv(byName('auth'), ctx, {})).toEqual({
      AUTH_KEY_ENCRYPTION_KEY: 'KEK',
      AUTH_ISSUER: 'https://localhost:8443',
    });
    expect(serviceEnv(byName('identity'), ctx, {})).toEqual({});
    expect(serviceEnv(byName('policy'), ctx, {})).toEqual({});
    expect(serviceEnv(byName('gateway'), ctx, {})).toEqual({
      GATEWAY_TLS_CERT_FILE: '/d/tls/cert.pem',
      GATEWAY_TLS_KEY_FILE: '/d/tls/key.pem',
      GATEWAY_ISSUER: 'https://localhost:8443',
    });
  });

  it('starts the portal last, with the certificate files and the public API URL, health on its HTTPS port', () => {
    expect(SERVICES[SERVICES.length - 1].name).toBe('portal');
    expect(serviceEnv(byName('portal'), ctx, {})).toEqual({
      PORTAL_TLS_CERT_FILE: '/d/tls/cert.pem',
      PORTAL_TLS_KEY_FILE: '/d/tls/key.pem',
      PORTAL_API_URL: 'https://localhost:8443',
    });
    expect(healthUrl(byName('portal'), {})).toBe('https://127.0.0.1:8444/health/ready');
    expect(databaseUrl(byName('portal'), {})).toBeUndefined();
  });

  it("leaves out what the user set (the user's environment wins); empty counts as unset", () => {
    const env = { AUTH_KEY_ENCRYPTION_KEY: 'mine', AUTH_ISSUER: '' };
    expect(serviceEnv(byName('auth'), ctx, env)).toEqual({ AUTH_ISSUER: 'https://localhost:8443' });
  });

  it('reads the readiness URL from the same variables as the service', () => {
    expect(healthUrl(byName('auth'), {})).toBe('http://127.0.0.1:8081/health/ready');
    expect(healthUrl(byName('identity'), {})).toBe('http://127.0.0.1:8082/health/ready');
    expect(healthUrl(byName('identity'), { IDENTITY_HTTP_PORT: '18082' })).toBe('http://127.0.0.1:18082/health/ready');
    expect(healthUrl(byName('policy'), {})).toBe('http://127.0.0.1:8083/health/ready');
    expect(healthUrl(byName('policy'), { POLICY_HTTP_PORT: '18083' })).toBe('http://127.0.0.1:18083/health/ready');
    expect(healthUrl(byName('gateway'), {})).toBe('https://127.0.0.1:8443/health/ready');
    expect(healthUrl(byName('gateway'), { GATEWAY_HOST: '0.0.0.0', GATEWAY_PORT: '9443' })).toBe(
      'https://127.0.0.1:9443/health/ready',
    );
    expect(healthUrl(byName('auth'), { AUTH_HTTP_HOST: '::' })).toBe('http://[::1]:8081/health/ready');
    expect(healthUrl(byName('auth'), { AUTH_HTTP_HOST: '::1' })).toBe('http://[::1]:8081/health/ready');
  });

  it('checks a database only for the services that have one (policy and the gateway have none)', () => {
    expect(databaseUrl(byName('identity'), {})).toBe('postgres://postgres@127.0.0.1:5432/gatehouse_identity');
    expect(databaseUrl(byName('policy'), {})).toBeUndefined();
    expect(databaseUrl(byName('gateway'), {})).toBeUndefined();
  });

  it('derives the public base URL from the gateway port', () => {
    expect(publicUrl({})).toBe('https://localhost:8443');
    expect(publicUrl({ GATEWAY_PORT: '9443' })).toBe('https://localhost:9443');
    expect(publicUrl({ GATEWAY_PORT: '443' })).toBe('https://localhost');
  });

  it('verifies the local certificate only when the gateway uses it', () => {
    expect(usesLocalCert(byName('gateway'), {})).toBe(true);
    expect(usesLocalCert(byName('gateway'), { GATEWAY_TLS_CERT_FILE: '/etc/ssl/mine.pem' })).toBe(false);
  });

  it('refuses an unknown placeholder', () => {
    expect(expand('{kek}-{publicUrl}', ctx)).toBe('KEK-https://localhost:8443');
    expect(() => expand('{nope}', ctx)).toThrow(/unknown placeholder \{nope\}/);
  });
});
