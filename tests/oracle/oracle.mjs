#!/usr/bin/env node
// Form-encoding oracle: runs every case in cases.json through the official
// Stripe Node SDK with an intercepted fetch (no network) and records the
// method, path, query string and body it would send.
//
//   node tests/oracle/oracle.mjs           regenerate expected.json
//   node tests/oracle/oracle.mjs --check   exit 1 if expected.json is stale
//
// Install the pinned SDK first: npm ci --prefix tests/oracle

import {join} from 'node:path';
import {HERE, REQUIRED_VERSION, checkCaseHeader, checkSortedKeys, readCaseArray, startOracle} from './common.mjs';

const GENERATED_BY = `node tests/oracle/oracle.mjs (stripe-node ${REQUIRED_VERSION}); do not edit`;
const API_ORIGIN = 'https://api.stripe.com';
const RESPONSE_BODY = '{"id":"x","object":"list","data":[],"has_more":false,"url":"/v1/x"}';

const CASES_PATH = join(HERE, 'cases.json');

// Exits 1 on a bad argument or if the installed stripe is not the pinned one.
const {Stripe, fail, writeOrCheck} = await startOracle({label: 'oracle', script: 'oracle.mjs', expected: 'expected.json'});

// ------------------------------------------------------------ case loading

function loadCases() {
  const cases = readCaseArray(CASES_PATH, fail);
  const errors = [];
  const seen = new Set();
  cases.forEach((c, i) => {
    const label = checkCaseHeader(c, i, ['name', 'doc', 'call'], seen, errors);
    if (label === null) return;
    const call = c.call;
    if (call === null || typeof call !== 'object' || Array.isArray(call)) {
      errors.push(`${label}: call must be an object`);
    } else if ('raw' in call) {
      const extraCall = Object.keys(call).filter((k) => !['raw', 'path', 'params'].includes(k));
      if (extraCall.length) errors.push(`${label}: unknown call field(s) ${extraCall.join(', ')}`);
      if (typeof call.raw !== 'string') errors.push(`${label}: raw must be an HTTP method string`);
      if (typeof call.path !== 'string' || !call.path.startsWith('/')) errors.push(`${label}: raw path must start with /`);
      if (call.params === null || typeof call.params !== 'object' || Array.isArray(call.params)) {
        errors.push(`${label}: raw params must be an object`);
      }
    } else {
      const extraCall = Object.keys(call).filter((k) => !['resource', 'method', 'args'].includes(k));
      if (extraCall.length) errors.push(`${label}: unknown call field(s) ${extraCall.join(', ')}`);
      if (typeof call.resource !== 'string' || typeof call.method !== 'string') {
        errors.push(`${label}: call needs string resource and method`);
      }
      if (!Array.isArray(call.args)) errors.push(`${label}: call.args must be an array`);
      else checkSortedKeys(call.args, `${label} args`, errors);
    }
  });
  if (errors.length) fail(`invalid cases.json:\n  ${errors.join('\n  ')}`);
  return cases;
}

// --------------------------------------------------------------- recording

async function record(c) {
  const sent = [];
  const fetchFn = async (url, init) => {
    sent.push({url: String(url), method: init.method, body: init.body});
    return new Response(RESPONSE_BODY, {
      status: 200,
      headers: {'content-type': 'application/json', 'request-id': 'req_oracle'},
    });
  };
  const stripe = new Stripe('sk_test_oracle', {
    httpClient: Stripe.createFetchHttpClient(fetchFn),
    maxNetworkRetries: 0,
    telemetry: false,
  });

  const call = c.call;
  if ('raw' in call) {
    await stripe.rawRequest(call.raw, call.path, call.params);
  } else {
    let target = stripe;
    for (const part of call.resource.split('.')) {
      target = target?.[part];
    }
    if (target === null || typeof target !== 'object' || typeof target[call.method] !== 'function') {
      throw new Error(`no SDK method stripe.${call.resource}.${call.method}`);
    }
    // structuredClone: never let the SDK see (or mutate) the parsed case.
    await target[call.method](...structuredClone(call.args));
  }

  if (sent.length !== 1) throw new Error(`expected exactly one request, saw ${sent.length}`);
  const {url, method, body} = sent[0];
  if (!url.startsWith(API_ORIGIN + '/')) throw new Error(`unexpected request URL ${url}`);
  const rest = url.slice(API_ORIGIN.length);
  const q = rest.indexOf('?');
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw new Error(`unexpected non-string request body (${Object.prototype.toString.call(body)})`);
  }
  return {
    method,
    path: q === -1 ? rest : rest.slice(0, q),
    query: q === -1 ? '' : rest.slice(q + 1),
    body: body ?? '',
  };
}

async function generate(cases) {
  const out = {_generated_by: GENERATED_BY};
  const errors = [];
  for (const c of cases) {
    try {
      out[c.name] = await record(c);
    } catch (e) {
      errors.push(`${c.name}: ${e && e.message ? e.message : e}`);
    }
  }
  if (errors.length) fail(`SDK call(s) failed:\n  ${errors.join('\n  ')}`);
  return out;
}

// -------------------------------------------------------------------- main

const cases = loadCases();
const generated = await generate(cases);
writeOrCheck(generated, cases.length);
