#!/usr/bin/env node
// Telemetry oracle: records the X-Stripe-Client-Telemetry header that the
// official Stripe Node SDK sends on each request of a fixed sequence, with the
// duration it measured replaced by a token.
//
//   node tests/oracle/telemetry.mjs           regenerate telemetry_expected.json
//   node tests/oracle/telemetry.mjs --check   exit 1 if telemetry_expected.json is stale
//
// Install the pinned SDK first: npm ci --prefix tests/oracle
//
// Each sequence is three GETs (`customers.retrieve`, a resource method: `rawRequest`
// adds `usage`) against a loopback server: the first answered 200
// (`Request-Id: req_1`), the second first answered 500 (`req_2a`), retried and
// answered 200 (`req_2b`), the third answered 200 (`req_3`). Recorded: the header
// of each request the server received (null when absent), once with the SDK's
// default telemetry and once with `telemetry: false`.

import {createServer} from 'node:http';
import {REQUIRED_VERSION, startOracle} from './common.mjs';

const GENERATED_BY = `node tests/oracle/telemetry.mjs (stripe-node ${REQUIRED_VERSION}); do not edit`;
/** What the measured duration is replaced with. */
const DURATION_TOKEN = '{duration}';

const {Stripe, fail, writeOrCheck} = await startOracle({
  label: 'telemetry oracle',
  script: 'telemetry.mjs',
  expected: 'telemetry_expected.json',
});

/** The server's answers, in order: [status, request id]. */
const ANSWERS = [
  [200, 'req_1'],
  [500, 'req_2a'],
  [200, 'req_2b'],
  [200, 'req_3'],
];

/** Starts a server on 127.0.0.1 that answers with ANSWERS in turn and keeps each request's telemetry header. */
async function startServer() {
  const received = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(req.headers['x-stripe-client-telemetry'] ?? null);
      const [status, requestId] = ANSWERS[(received.length - 1) % ANSWERS.length];
      const body = status === 200 ? '{"id":"cus_1","object":"customer"}' : '{"error":{"type":"api_error","message":"boom"}}';
      res.writeHead(status, {'content-type': 'application/json', 'request-id': requestId});
      res.end(body);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {server, port: server.address().port, received};
}

/** `header` with its request_duration_ms replaced by DURATION_TOKEN (checked to be a whole number). */
function normalise(header) {
  if (header === null) return null;
  const parsed = JSON.parse(header);
  const duration = parsed?.last_request_metrics?.request_duration_ms;
  if (!Number.isInteger(duration) || duration < 0) fail(`unexpected duration in ${header}`);
  return header.replace(`"request_duration_ms":${duration}`, `"request_duration_ms":${DURATION_TOKEN}`);
}

async function sequence(port, received, telemetry) {
  const stripe = new Stripe('sk_test_oracle', {
    host: '127.0.0.1',
    port,
    protocol: 'http',
    maxNetworkRetries: 1,
    telemetry,
  });
  received.length = 0;
  for (let i = 0; i < 3; i++) {
    await stripe.customers.retrieve('cus_1');
  }
  if (received.length !== ANSWERS.length) fail(`expected ${ANSWERS.length} requests, got ${received.length}`);
  return received.map(normalise);
}

const {server, port, received} = await startServer();
try {
  const generated = {
    _generated_by: GENERATED_BY,
    telemetry_on: await sequence(port, received, true),
    telemetry_off: await sequence(port, received, false),
  };
  writeOrCheck(generated, 2);
} finally {
  server.close();
}
