#!/usr/bin/env node
// Webhook signature oracle: for every case in webhook_cases.json, signs with
// the official Stripe Node SDK (webhooks.generateTestHeaderString), builds the
// header the case describes, and records what webhooks.constructEvent decides
// (the event's id and type, or the error) at the case's fixed "now".
//
//   node tests/oracle/webhook.mjs           regenerate webhook_expected.json
//   node tests/oracle/webhook.mjs --check   exit 1 if webhook_expected.json is stale
//
// Install the pinned SDK first: npm ci --prefix tests/oracle

import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {HERE, REQUIRED_VERSION, checkCaseHeader, isObject, startOracle} from './common.mjs';

const GENERATED_BY = `node tests/oracle/webhook.mjs (stripe-node ${REQUIRED_VERSION}); do not edit`;

const CASES_PATH = join(HERE, 'webhook_cases.json');

// Exits 1 on a bad argument or if the installed stripe is not the pinned one.
const {Stripe, fail, writeOrCheck} = await startOracle({
  label: 'webhook oracle',
  script: 'webhook.mjs',
  expected: 'webhook_expected.json',
});

// ------------------------------------------------------------ case loading

const PAYLOAD_KEYS = ['payload', 'payload_ref', 'payload_hex'];
const CASE_KEYS = ['name', 'doc', ...PAYLOAD_KEYS, 'secret', 'now', 'tolerance', 'sign', 'header'];
const SIGN_KEYS = ['timestamp', 'secret', 'scheme', ...PAYLOAD_KEYS];
// {sigN}: the signature (hex) of the N-th `sign` entry, {SIGN}: the same in
// uppercase, {headerN}: the whole header the SDK generated for it.
const PLACEHOLDER = /\{(sig|SIG|header)(\d+)\}/g;

// Checks the payload keys of `obj` (a case or a sign entry): at most one, and
// exactly one when `required`.
function checkPayload(obj, payloads, label, required, errors) {
  const given = PAYLOAD_KEYS.filter((k) => k in obj);
  if (given.length > 1) errors.push(`${label}: give only one of ${PAYLOAD_KEYS.join(', ')}`);
  if (required && given.length === 0) errors.push(`${label}: needs one of ${PAYLOAD_KEYS.join(', ')}`);
  if ('payload' in obj && typeof obj.payload !== 'string') errors.push(`${label}: payload must be a string`);
  if ('payload_ref' in obj && !(typeof obj.payload_ref === 'string' && Object.hasOwn(payloads, obj.payload_ref))) {
    errors.push(`${label}: payload_ref must name an entry of "payloads"`);
  }
  if ('payload_hex' in obj && !(typeof obj.payload_hex === 'string' && /^([0-9a-f]{2})*$/.test(obj.payload_hex))) {
    errors.push(`${label}: payload_hex must be lowercase hex bytes`);
  }
}

function loadCases() {
  let file;
  try {
    file = JSON.parse(readFileSync(CASES_PATH, 'utf8'));
  } catch (e) {
    fail(`cannot read ${CASES_PATH}: ${e.message}`);
  }
  if (!isObject(file) || !isObject(file.payloads) || !Array.isArray(file.cases)) {
    fail('webhook_cases.json must hold {"payloads": {name: string}, "cases": [...]}');
  }
  const extraTop = Object.keys(file).filter((k) => !['payloads', 'cases'].includes(k));
  if (extraTop.length) fail(`webhook_cases.json: unknown field(s) ${extraTop.join(', ')}`);
  const {payloads, cases} = file;
  const errors = [];
  for (const [k, v] of Object.entries(payloads)) {
    if (typeof v !== 'string') errors.push(`payloads.${k}: must be a string`);
  }
  const seen = new Set();
  cases.forEach((c, i) => {
    const label = checkCaseHeader(c, i, CASE_KEYS, seen, errors);
    if (label === null) return;
    checkPayload(c, payloads, label, true, errors);
    if (typeof c.secret !== 'string') errors.push(`${label}: secret must be a string`);
    if (!Number.isSafeInteger(c.now) || c.now <= 0) errors.push(`${label}: now must be a positive integer (Unix seconds)`);
    if ('tolerance' in c && !(Number.isSafeInteger(c.tolerance) && c.tolerance >= 0)) {
      errors.push(`${label}: tolerance must be a non-negative integer (seconds)`);
    }
    if (typeof c.header !== 'string') errors.push(`${label}: header must be a string`);
    if (!Array.isArray(c.sign)) {
      errors.push(`${label}: sign must be an array`);
      return;
    }
    c.sign.forEach((s, j) => {
      const slabel = `${label} sign[${j}]`;
      if (!isObject(s)) {
        errors.push(`${slabel}: not an object`);
        return;
      }
      const extraSign = Object.keys(s).filter((k) => !SIGN_KEYS.includes(k));
      if (extraSign.length) errors.push(`${slabel}: unknown field(s) ${extraSign.join(', ')}`);
      // The SDK replaces a timestamp of 0 (falsy) with the current time.
      if (!Number.isSafeInteger(s.timestamp) || s.timestamp === 0) errors.push(`${slabel}: timestamp must be a non-zero integer`);
      if ('secret' in s && typeof s.secret !== 'string') errors.push(`${slabel}: secret must be a string`);
      if ('scheme' in s && !(typeof s.scheme === 'string' && /^v[0-9]+$/.test(s.scheme))) errors.push(`${slabel}: scheme must be like v1`);
      checkPayload(s, payloads, slabel, false, errors);
    });
    if (typeof c.header === 'string') {
      for (const [, , n] of c.header.matchAll(PLACEHOLDER)) {
        if (Number(n) >= c.sign.length) errors.push(`${label}: header refers to sign[${n}], which does not exist`);
      }
    }
  });
  if (errors.length) fail(`invalid webhook_cases.json:\n  ${errors.join('\n  ')}`);
  return {payloads, cases};
}

// --------------------------------------------------------------- recording

// The payload of `obj` as bytes, and as recorded (text when given as text).
function payloadOf(obj, payloads) {
  if ('payload_hex' in obj) return {bytes: Buffer.from(obj.payload_hex, 'hex'), recorded: {payload_hex: obj.payload_hex}};
  const text = 'payload_ref' in obj ? payloads[obj.payload_ref] : obj.payload;
  return {bytes: Buffer.from(text, 'utf8'), recorded: {payload: text}};
}

function record(c, payloads, stripe) {
  const payload = payloadOf(c, payloads);
  const signed = c.sign.map((s) => {
    const p = 'payload' in s || 'payload_ref' in s || 'payload_hex' in s ? payloadOf(s, payloads) : payload;
    const secret = s.secret ?? c.secret;
    const scheme = s.scheme ?? 'v1';
    // The SDK's own test helper; a Buffer payload, as a server would have it.
    const header = stripe.webhooks.generateTestHeaderString({payload: p.bytes, secret, timestamp: s.timestamp, scheme});
    const m = /^t=(-?\d+),(v\d+)=([0-9a-f]{64})$/.exec(header);
    if (!m || Number(m[1]) !== s.timestamp || m[2] !== scheme) throw new Error(`unexpected header from the SDK: ${header}`);
    return {entry: {...p.recorded, secret, timestamp: s.timestamp, scheme, header}, signature: m[3]};
  });
  const header = c.header.replace(PLACEHOLDER, (_, kind, n) => {
    const s = signed[Number(n)];
    return kind === 'header' ? s.entry.header : kind === 'SIG' ? s.signature.toUpperCase() : s.signature;
  });

  let verdict;
  try {
    // receivedAt is in milliseconds; tolerance undefined means the default.
    const event = stripe.webhooks.constructEvent(payload.bytes, header, c.secret, c.tolerance, undefined, c.now * 1000);
    const field = (k) => (isObject(event) && typeof event[k] === 'string' ? event[k] : null);
    verdict = {ok: true, id: field('id'), object: field('object'), type: field('type')};
  } catch (e) {
    const error = typeof e?.type === 'string' ? e.type : (e?.constructor?.name ?? typeof e);
    // JSON.parse's messages come from the JavaScript engine and change with the
    // Node.js version: record only the class of those.
    verdict = error === 'SyntaxError' ? {ok: false, error} : {ok: false, error, message: String(e?.message ?? e)};
  }
  return {
    ...payload.recorded,
    secret: c.secret,
    now: c.now,
    tolerance: c.tolerance ?? null,
    header,
    signed: signed.map((s) => s.entry),
    sdk: verdict,
  };
}

function generate({payloads, cases}) {
  const stripe = new Stripe('sk_test_oracle', {telemetry: false});
  const out = {_generated_by: GENERATED_BY};
  const errors = [];
  for (const c of cases) {
    try {
      out[c.name] = record(c, payloads, stripe);
    } catch (e) {
      errors.push(`${c.name}: ${e && e.message ? e.message : e}`);
    }
  }
  if (errors.length) fail(`SDK call(s) failed:\n  ${errors.join('\n  ')}`);
  return out;
}

// -------------------------------------------------------------------- main

const loaded = loadCases();
const generated = generate(loaded);
writeOrCheck(generated, loaded.cases.length);
