#!/usr/bin/env node
// Multipart upload oracle: runs every case in upload_cases.json through the
// official Stripe Node SDK's `stripe.files.create` and records the request it
// sends: the origin the SDK chose (the files host), the method and path, the
// Content-Type and Content-Length headers and the body, byte for byte, with
// the random boundary replaced by a fixed token.
//
//   node tests/oracle/upload.mjs           regenerate upload_expected.json
//   node tests/oracle/upload.mjs --check   exit 1 if upload_expected.json is stale
//
// Install the pinned SDK first: npm ci --prefix tests/oracle
//
// The SDK talks to a real HTTP server on loopback through its own Node
// `http` client, so the recording is what actually went over a socket. The
// SDK is left with its default host, so that it picks the files host itself
// (`files.stripe.com`: a configured `host` would replace it too, see
// `resolveBaseAddress` in stripe.core.js); the HTTP client the SDK is given
// records that origin and opens the connection to the loopback server instead.

import {createServer} from 'node:http';
import {join} from 'node:path';
import {HERE, REQUIRED_VERSION, checkCaseHeader, checkSortedKeys, isObject, readCaseArray, startOracle} from './common.mjs';

const GENERATED_BY = `node tests/oracle/upload.mjs (stripe-node ${REQUIRED_VERSION}); do not edit`;
const RESPONSE_BODY = '{"id":"file_oracle","object":"file"}';
/** What the boundary is replaced with, in the body and in the Content-Type. */
const BOUNDARY_TOKEN = '{boundary}';
/** The SDK's boundaries are `crypto.randomUUID()`s: lowercase UUID v4. */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CONTENT_TYPE = /^multipart\/form-data; boundary=(.*)$/;

const CASES_PATH = join(HERE, 'upload_cases.json');

// Exits 1 on a bad argument or if the installed stripe is not the pinned one.
const {Stripe, fail, writeOrCheck} = await startOracle({
  label: 'upload oracle',
  script: 'upload.mjs',
  expected: 'upload_expected.json',
});

// ------------------------------------------------------------ case loading

const FILE_KEYS = ['name', 'type', 'data', 'data_hex'];

function loadCases() {
  const cases = readCaseArray(CASES_PATH, fail);
  const errors = [];
  const seen = new Set();
  cases.forEach((c, i) => {
    const label = checkCaseHeader(c, i, ['name', 'doc', 'params'], seen, errors);
    if (label === null) return;
    const {params} = c;
    if (!isObject(params)) {
      errors.push(`${label}: params must be an object`);
      return;
    }
    const file = params.file;
    if (!isObject(file)) {
      errors.push(`${label}: params.file must be an object {name, type?, data | data_hex}`);
    } else {
      const extra = Object.keys(file).filter((k) => !FILE_KEYS.includes(k));
      if (extra.length) errors.push(`${label}: unknown params.file field(s) ${extra.join(', ')}`);
      if (typeof file.name !== 'string') errors.push(`${label}: params.file.name must be a string`);
      if ('type' in file && typeof file.type !== 'string') errors.push(`${label}: params.file.type must be a string`);
      if (('data' in file) === ('data_hex' in file)) errors.push(`${label}: params.file needs exactly one of data, data_hex`);
      if ('data' in file && typeof file.data !== 'string') errors.push(`${label}: params.file.data must be a string`);
      if ('data_hex' in file && !(typeof file.data_hex === 'string' && /^([0-9a-f]{2})*$/.test(file.data_hex))) {
        errors.push(`${label}: params.file.data_hex must be lowercase hex bytes`);
      }
    }
    // The SDK sends keys in insertion order, the Rust structs in field order
    // (alphabetical, as generated) and maps in BTreeMap order. The file object
    // is the SDK's {data, name, type}, not params, so it is left out.
    checkSortedKeys({...params, file: null}, `${label} params`, errors);
  });
  if (errors.length) fail(`invalid upload_cases.json:\n  ${errors.join('\n  ')}`);
  return cases;
}

/** The case's params as the SDK takes them: the file as {data: Buffer, name, type}. */
function sdkParams(params) {
  // structuredClone: never let the SDK see (or mutate) the parsed case.
  const out = structuredClone(params);
  const {name, type, data, data_hex: dataHex} = params.file;
  out.file = {data: dataHex === undefined ? Buffer.from(data, 'utf8') : Buffer.from(dataHex, 'hex'), name};
  if (type !== undefined) out.file.type = type;
  return out;
}

// ------------------------------------------------------- loopback server

/** Starts an HTTP server on 127.0.0.1 that keeps every request and answers 200 with a file object. */
async function startServer() {
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      received.push({method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks)});
      res.writeHead(200, {'content-type': 'application/json', 'request-id': 'req_oracle'});
      res.end(RESPONSE_BODY);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {server, port: server.address().port, received};
}

/**
 * The SDK's own Node HTTP client, except that it connects to the loopback
 * server: it records the origin the SDK asked for (protocol, host and port)
 * in `targets`.
 */
function redirectingHttpClient(port, targets) {
  const inner = Stripe.createNodeHttpClient();
  const client = Object.create(inner);
  client.makeRequest = (host, sdkPort, path, method, headers, body, protocol, timeout) => {
    targets.push({host, port: sdkPort, protocol});
    return inner.makeRequest('127.0.0.1', port, path, method, headers, body, 'http', timeout);
  };
  return client;
}

// --------------------------------------------------------------- recording

/** `body` with every occurrence of `boundary` replaced by BOUNDARY_TOKEN. */
function replaceBoundary(body, boundary) {
  const needle = Buffer.from(boundary, 'utf8');
  const pieces = [];
  let at = 0;
  for (let hit = body.indexOf(needle, at); hit !== -1; hit = body.indexOf(needle, at)) {
    pieces.push(body.subarray(at, hit), Buffer.from(BOUNDARY_TOKEN, 'utf8'));
    at = hit + needle.length;
  }
  pieces.push(body.subarray(at));
  return Buffer.concat(pieces);
}

/** `origin` as a URL origin: `https://files.stripe.com`, the port only when not the protocol's default. */
function origin({protocol, host, port}) {
  const defaultPort = {http: 80, https: 443}[protocol];
  return `${protocol}://${host}${port === undefined || Number(port) === defaultPort ? '' : `:${port}`}`;
}

async function record(c, port, received) {
  const targets = [];
  const stripe = new Stripe('sk_test_oracle', {
    httpClient: redirectingHttpClient(port, targets),
    maxNetworkRetries: 0,
    telemetry: false,
  });
  received.length = 0;
  const file = await stripe.files.create(sdkParams(c.params));
  if (file.id !== 'file_oracle') throw new Error(`unexpected response ${JSON.stringify(file)}`);
  if (targets.length !== 1 || received.length !== 1) {
    throw new Error(`expected exactly one request, the SDK made ${targets.length} and the server saw ${received.length}`);
  }
  const {method, url, headers, body} = received[0];

  const contentType = headers['content-type'] ?? '';
  const boundary = CONTENT_TYPE.exec(contentType)?.[1];
  if (boundary === undefined) throw new Error(`unexpected Content-Type ${JSON.stringify(contentType)}`);
  if (!UUID_V4.test(boundary)) throw new Error(`the boundary ${JSON.stringify(boundary)} is not a lowercase UUID v4`);
  if (headers['transfer-encoding'] !== undefined) throw new Error('the body was sent chunked');
  if (headers['content-length'] !== String(body.length)) {
    throw new Error(`Content-Length ${headers['content-length']} but ${body.length} bytes arrived`);
  }
  // The token must not be in the raw body already, or normalising would lose
  // where the boundary was.
  if (body.includes(Buffer.from(BOUNDARY_TOKEN, 'utf8'))) throw new Error(`the body already holds ${BOUNDARY_TOKEN}`);
  const normalised = replaceBoundary(body, boundary);

  const entry = {
    params: c.params,
    method,
    origin: origin(targets[0]),
    path: url,
    content_type: contentType.replace(boundary, BOUNDARY_TOKEN),
    content_length: headers['content-length'],
    boundary: 'uuid-v4',
  };
  // The body as text when it is UTF-8 (readable in review), else as base64.
  let text = null;
  try {
    text = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true}).decode(normalised);
  } catch {
    // not UTF-8
  }
  if (text !== null) entry.body = text;
  else entry.body_base64 = normalised.toString('base64');
  return entry;
}

async function generate(cases) {
  const {server, port, received} = await startServer();
  const out = {_generated_by: GENERATED_BY};
  const errors = [];
  try {
    for (const c of cases) {
      try {
        out[c.name] = await record(c, port, received);
      } catch (e) {
        errors.push(`${c.name}: ${e && e.message ? e.message : e}`);
      }
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
  if (errors.length) fail(`SDK call(s) failed:\n  ${errors.join('\n  ')}`);
  return out;
}

// -------------------------------------------------------------------- main

const cases = loadCases();
const generated = await generate(cases);
writeOrCheck(generated, cases.length);
