import type { SecureContextOptions } from 'node:tls';

/**
 * The gateway's TLS: 1.2 and 1.3 only, and only AEAD suites with forward
 * secrecy (Mozilla's "intermediate" profile, without finite-field DHE): no CBC,
 * no static-RSA key exchange, no CCM, ARIA or CAMELLIA, which Node's default
 * list still accepts under TLS 1.2. TLS 1.3's three suites are all strong.
 * Here, not in the gateway, so that the benchmarks give every contender (the
 * Fastify ceilings, oidc-provider) the same TLS: a cipher is part of the cost.
 */
export const TLS_POLICY: Pick<SecureContextOptions, 'minVersion' | 'ciphers' | 'honorCipherOrder'> = {
  minVersion: 'TLSv1.2',
  ciphers: [
    'TLS_AES_128_GCM_SHA256',
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
  ].join(':'),
  honorCipherOrder: true,
};

/** The policy as environment variables, for a contender that is not ours (tools/bench/src/oidc-provider-server.mjs). */
export function tlsPolicyEnv(): Record<string, string> {
  return { TLS_MIN_VERSION: String(TLS_POLICY.minVersion), TLS_CIPHERS: String(TLS_POLICY.ciphers), TLS_HONOR_CIPHER_ORDER: String(TLS_POLICY.honorCipherOrder) };
}
