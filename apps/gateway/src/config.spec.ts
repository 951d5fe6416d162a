import { loadGatewayConfig } from './config';

const required = { GATEWAY_TLS_CERT_FILE: 'cert.pem', GATEWAY_TLS_KEY_FILE: 'key.pem' };

describe('gateway configuration', () => {
  it('has trusted-proxy mode off and Monite’s 30 requests a second by default', () => {
    const config = loadGatewayConfig(required);
    expect(config.GATEWAY_TRUSTED_PROXIES.entries).toEqual([]);
    expect(config.GATEWAY_RATE_LIMIT_DEFAULT).toBe(30);
  });

  it('takes trusted proxies as addresses and CIDRs', () => {
    expect(loadGatewayConfig({ ...required, GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8,192.0.2.1' }).GATEWAY_TRUSTED_PROXIES.entries).toEqual([
      '10.0.0.0/8',
      '192.0.2.1/32',
    ]);
  });

  it('refuses to start on a bad trusted proxy, naming the variable and the entry', () => {
    expect(() => loadGatewayConfig({ ...required, GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8, proxy.internal' })).toThrow(
      /GATEWAY_TRUSTED_PROXIES: "proxy\.internal" is not an IP address or CIDR/,
    );
  });

  it('refuses a default rate limit out of range', () => {
    expect(() => loadGatewayConfig({ ...required, GATEWAY_RATE_LIMIT_DEFAULT: '0' })).toThrow(/GATEWAY_RATE_LIMIT_DEFAULT/);
  });
});
