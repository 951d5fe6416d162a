#!/usr/bin/env node
// Container healthcheck, for images without curl or wget:
//
//   node deploy/healthcheck.js http://127.0.0.1:8081/health/ready
//   node deploy/healthcheck.js https://127.0.0.1:8443/health/ready
//
// Exits 0 when GET <url> answers 2xx within HEALTHCHECK_TIMEOUT_MS (default 3000),
// 1 otherwise, with the reason on stderr (`docker inspect` shows it).
// An https certificate is NOT verified: the probe runs inside the container against
// the service's own listener, whose certificate is self-signed in development and
// names the public host anyway; it checks that the service answers, not who it is.
'use strict';

const http = require('node:http');
const https = require('node:https');

function fail(message) {
  process.stderr.write(`healthcheck: ${message}\n`);
  process.exit(1);
}

const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS) || 3000;
let url;
try {
  url = new URL(process.argv[2]);
} catch {
  fail('usage: node deploy/healthcheck.js <http(s)://host:port/path>');
}
if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`unsupported scheme ${url.protocol}`);

const client = url.protocol === 'https:' ? https : http;
const req = client.request(
  url,
  { method: 'GET', timeout: timeoutMs, rejectUnauthorized: false, headers: { 'user-agent': 'gatehouse-healthcheck' } },
  (res) => {
    res.resume();
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) process.exit(0);
    fail(`${url.href}: HTTP ${status}`);
  },
);
req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
req.on('error', (err) => fail(`${url.href}: ${err.message}`));
req.end();
