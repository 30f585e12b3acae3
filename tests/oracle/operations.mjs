#!/usr/bin/env node
// Operation-naming oracle: reads the resource files of stripe-node 15.0.0
// (installed as `stripe-15`) and records, for every
// `name: stripeMethod({method, fullPath, ...})`, the resource as the client
// exposes it, the method name, the HTTP method and path, and any other keys
// of the spec object. Each resource and method is checked against a real
// client (`new Stripe('sk_test_x')`).
//
//   node tests/oracle/operations.mjs           regenerate operations_expected.json
//   node tests/oracle/operations.mjs --check   exit 1 if operations_expected.json is stale
//
// Install the pinned SDK first: npm ci --prefix tests/oracle

import {readFileSync, writeFileSync, existsSync, readdirSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';
import {createRequire} from 'node:module';
import {HERE, isObject} from './common.mjs';

const LABEL = 'operations oracle';
const PACKAGE = 'stripe-15'; // the alias in package.json
const REQUIRED_VERSION = '15.0.0';
const EXPECTED = 'operations_expected.json';
const GENERATED_BY = `node tests/oracle/operations.mjs (stripe-node ${REQUIRED_VERSION}); do not edit`;
// Recorded for a spec value that is a function (EphemeralKeys' `validator`).
const FUNCTION = '<function>';
// Top-level resources whose client property is not the file name with its
// first letter lowercased (stripe-node's own pascalToCamelCase exception).
const CLIENT_NAMES = {'OAuth.js': 'oauth'};

const fail = (msg) => {
  console.error(`${LABEL}: ${msg}`);
  process.exit(1);
};

const argv = process.argv.slice(2);
const unknownArgs = argv.filter((a) => a !== '--check');
if (unknownArgs.length > 0) fail(`unknown argument(s): ${unknownArgs.join(' ')} (usage: operations.mjs [--check])`);
const checkMode = argv.includes('--check');

// ------------------------------------------------------------- the package

// The installed package's root, found from its entry point (its package.json
// is not exported), and insisting on the pinned version.
function packageDir() {
  let entry;
  try {
    entry = createRequire(import.meta.url).resolve(PACKAGE);
  } catch {
    fail(`${PACKAGE} is not installed; run: npm ci --prefix ${HERE}`);
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const pkgPath = join(dir, 'package.json');
    if (basename(dir) !== PACKAGE || !existsSync(pkgPath)) continue;
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
    if (pkg.name !== 'stripe' || pkg.version !== REQUIRED_VERSION) {
      fail(`${pkgPath} is ${pkg.name}@${pkg.version}, not stripe@${REQUIRED_VERSION}; run: npm ci --prefix ${HERE}`);
    }
    return dir;
  }
  fail(`could not find the package directory of ${PACKAGE} (entry ${entry})`);
}

// -------------------------------------------------------- spec object parser

// A cursor over one file's text. Parses the object literal given to
// stripeMethod: keys are identifiers or strings; values are strings, booleans,
// numbers, nested objects, functions (recorded as FUNCTION), or identifiers
// bound by a top-level `const NAME = <literal>;` of the same file. Anything
// else throws.
class Cursor {
  constructor(text, pos, consts) {
    Object.assign(this, {text, pos, consts});
  }
  rest() {
    return this.text.slice(this.pos);
  }
  skipSpace() {
    const m = /^(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(this.rest());
    this.pos += m[0].length;
  }
  // Consumes `re` (anchored) after whitespace and returns its match, or null.
  eat(re) {
    this.skipSpace();
    const m = re.exec(this.rest());
    if (m) this.pos += m[0].length;
    return m;
  }
  expect(re, what) {
    const m = this.eat(re);
    if (!m) throw new Error(`expected ${what} at ${JSON.stringify(this.rest().slice(0, 30))}`);
    return m;
  }
  string() {
    const [lit] = this.expect(/^(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")/, 'a string literal');
    return decodeString(lit);
  }
  object() {
    this.expect(/^\{/, '{');
    const out = {};
    while (!this.eat(/^\}/)) {
      this.skipSpace();
      const key = /^['"]/.test(this.rest()) ? this.string() : this.expect(/^[A-Za-z_$][\w$]*/, 'a key')[0];
      if (Object.hasOwn(out, key)) throw new Error(`duplicate key ${key}`);
      this.expect(/^:/, `: after ${key}`);
      out[key] = this.value();
      if (!this.eat(/^,/)) {
        this.expect(/^\}/, ', or }');
        break;
      }
    }
    return out;
  }
  value() {
    this.skipSpace();
    const rest = this.rest();
    if (rest[0] === '{') return this.object();
    if (rest[0] === "'" || rest[0] === '"') return this.string();
    if (rest[0] === '(' || /^function\b/.test(rest)) return this.func();
    let m;
    if ((m = this.eat(/^(true|false)\b/))) return m[1] === 'true';
    if ((m = this.eat(/^-?\d+(\.\d+)?\b/))) return Number(m[0]);
    if ((m = this.eat(/^[A-Za-z_$][\w$]*/))) {
      if (!this.consts.has(m[0])) throw new Error(`${m[0]} is not a top-level const of the file`);
      return this.consts.get(m[0]);
    }
    throw new Error(`unsupported value at ${JSON.stringify(rest.slice(0, 30))}`);
  }
  // `function (...) {...}` or `(...) => {...}`: skipped, recorded as FUNCTION.
  func() {
    const isArrow = !this.eat(/^function\b\s*[\w$]*/);
    this.balanced('(', ')');
    if (isArrow) this.expect(/^=>/, '=>');
    this.skipSpace();
    this.balanced('{', '}');
    return FUNCTION;
  }
  // Skips from `open` to its matching `close`, stepping over strings and comments.
  balanced(open, close) {
    if (this.text[this.pos] !== open) throw new Error(`expected ${open} at ${JSON.stringify(this.rest().slice(0, 30))}`);
    let depth = 0;
    const token = /'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`|\/\/[^\n]*|\/\*[\s\S]*?\*\/|[^'"`/]/y;
    while (this.pos < this.text.length) {
      token.lastIndex = this.pos;
      const m = token.exec(this.text) ?? [this.text[this.pos]];
      this.pos += m[0].length;
      if (m[0] === open) depth++;
      else if (m[0] === close && --depth === 0) return;
    }
    throw new Error(`unbalanced ${open}`);
  }
}

function decodeString(lit) {
  const escapes = {n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"'};
  return lit.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (!(e in escapes)) throw new Error(`unsupported escape \\${e} in ${lit}`);
    return escapes[e];
  });
}

// ----------------------------------------------------------- resource files

// `Identity/VerificationSessions.js` -> `identity.verificationSessions`.
const resourceName = (rel) =>
  CLIENT_NAMES[rel] ??
  rel
    .replace(/\.js$/, '')
    .split('/')
    .map((s) => s[0].toLowerCase() + s.slice(1))
    .join('.');

// The JS method that a `stripeMethod(` at `index` belongs to. Resource members
// sit at 4 spaces of indentation in the generated files: either the call
// follows `    name: ` on its line, or it is inside a hand-written
// `    name(args) {` method (then `wrapped`).
function methodNameAt(text, index) {
  const lineStart = text.lastIndexOf('\n', index) + 1;
  const direct = /^ {4}([A-Za-z_$][\w$]*): $/.exec(text.slice(lineStart, index));
  if (direct) return {name: direct[1], wrapped: false};
  const member = text
    .slice(0, lineStart)
    .split('\n')
    .findLast((l) => /^ {4}\S/.test(l));
  const wrapper = member && /^ {4}([A-Za-z_$][\w$]*)\([^)]*\) \{$/.exec(member);
  if (!wrapper) throw new Error('neither `name: stripeMethod(` nor inside a `name(...) {` method');
  return {name: wrapper[1], wrapped: true};
}

function parseFile(dir, rel) {
  const text = readFileSync(join(dir, rel), 'utf8');
  const consts = new Map();
  for (const m of text.matchAll(/^const ([A-Za-z_$][\w$]*) = ('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*");$/gm)) {
    consts.set(m[1], decodeString(m[2]));
  }
  const basePath = /^ {4}basePath: '([^']*)',$/m.exec(text)?.[1];
  const resource = resourceName(rel);
  const operations = [];
  const errors = [];
  for (const m of text.matchAll(/\bstripeMethod\(/g)) {
    const where = `${rel}:${text.slice(0, m.index).split('\n').length}`;
    try {
      const {name, wrapped} = methodNameAt(text, m.index);
      const cursor = new Cursor(text, m.index + m[0].length, consts);
      const spec = cursor.object();
      cursor.expect(/^\)/, ') closing stripeMethod(');
      const {method, fullPath, ...extra} = spec;
      if (typeof method !== 'string' || !/^[A-Z]+$/.test(method)) throw new Error('no uppercase string `method`');
      let path = fullPath;
      if (path === undefined && typeof extra.path === 'string' && basePath !== undefined) path = basePath + extra.path;
      if (typeof path !== 'string' || !path.startsWith('/')) throw new Error('no `fullPath` (or `path` with the resource basePath)');
      const op = {resource, name, method, path};
      const keys = Object.keys(extra).sort();
      if (keys.length) op.extra = Object.fromEntries(keys.map((k) => [k, extra[k]]));
      if (wrapped) op.wrapped = true;
      operations.push(op);
    } catch (e) {
      errors.push(`${where}: cannot parse stripeMethod: ${e.message}`);
    }
  }
  const calls = text.split('stripeMethod(').length - 1;
  if (errors.length === 0 && calls !== operations.length) {
    errors.push(`${rel}: ${calls} occurrences of stripeMethod( but ${operations.length} parsed`);
  }
  return {rel, resource, calls, operations, errors};
}

// --------------------------------------------------------- client checks

// Every resource object reachable on the client, by dotted path.
function clientResources(Stripe, node, prefix = '', out = new Map()) {
  for (const [k, v] of Object.entries(node)) {
    const path = prefix + k;
    if (v instanceof Stripe.StripeResource) out.set(path, v);
    else if (isObject(v) && v.constructor?.name === 'ResourceNamespace') clientResources(Stripe, v, `${path}.`, out);
  }
  return out;
}

function checkAgainstClient(Stripe, files) {
  const stripe = new Stripe('sk_test_x');
  const onClient = clientResources(Stripe, stripe);
  const errors = [];
  for (const {resource, operations} of files) {
    const obj = onClient.get(resource);
    if (!obj) {
      errors.push(`${resource}: not a resource on the client`);
      continue;
    }
    for (const {name} of operations) {
      if (typeof obj[name] !== 'function') errors.push(`${resource}.${name}: not a function on the client`);
    }
  }
  // Client resources that no file accounts for must be aliases of one that does.
  const fromFiles = new Map(files.map((f) => [f.resource, f]));
  const aliases = {};
  for (const [path, obj] of onClient) {
    if (fromFiles.has(path)) continue;
    const same = [...fromFiles.keys()].find((r) => Object.getPrototypeOf(onClient.get(r)) === Object.getPrototypeOf(obj));
    if (same) aliases[path] = same;
    else errors.push(`${path}: a client resource that no resource file accounts for`);
  }
  if (errors.length) fail(`the client does not match the resource files:\n  ${errors.join('\n  ')}`);
  // Own functions of a resource that do not come from a stripeMethod: say so.
  const others = [];
  for (const f of files) {
    const names = new Set(f.operations.map((o) => o.name));
    const proto = Object.getPrototypeOf(onClient.get(f.resource));
    for (const k of Object.getOwnPropertyNames(proto)) {
      if (k !== 'constructor' && typeof proto[k] === 'function' && !names.has(k)) others.push(`${f.resource}.${k}`);
    }
  }
  return {aliases, others, apiVersion: stripe.getApiField('version')};
}

// -------------------------------------------------------------------- main

const dir = packageDir();
const resourcesDir = join(dir, 'esm', 'resources');
const rels = readdirSync(resourcesDir, {recursive: true})
  .map((p) => p.split('\\').join('/'))
  .filter((p) => p.endsWith('.js'))
  .sort();
if (rels.length === 0) fail(`no resource files under ${resourcesDir}`);
const files = rels.map((rel) => parseFile(resourcesDir, rel));
const parseErrors = files.flatMap((f) => f.errors);
if (parseErrors.length) fail(`cannot read every operation:\n  ${parseErrors.join('\n  ')}`);

const versionFile = join(dir, 'esm', 'apiVersion.js');
const apiVersion = /^export const ApiVersion = '([^']+)';$/m.exec(readFileSync(versionFile, 'utf8'))?.[1];
if (!apiVersion) fail(`no \`export const ApiVersion = '...'\` in ${versionFile}`);

const {default: Stripe} = await import(PACKAGE);
const client = checkAgainstClient(Stripe, files);
if (client.apiVersion !== apiVersion) fail(`the client's default API version is ${client.apiVersion}, apiVersion.js says ${apiVersion}`);

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const operations = files
  .flatMap((f) => f.operations)
  .sort((a, b) => cmp(a.path, b.path) || cmp(a.method, b.method) || cmp(a.resource, b.resource) || cmp(a.name, b.name));
const opKey = (o) => `${o.method} ${o.path} ${o.resource}.${o.name}`;
const dup = operations.find((o, i) => i > 0 && opKey(o) === opKey(operations[i - 1]));
if (dup) fail(`${opKey(dup)} appears twice`);

const generated = {
  _generated_by: GENERATED_BY,
  stripe_node: REQUIRED_VERSION,
  api_version: apiVersion,
  aliases: client.aliases,
  operations,
};

console.log(`${LABEL}: stripeMethod calls per resource file (all parsed):`);
for (const f of files) console.log(`  ${f.rel} (${f.resource}): ${f.calls}`);
console.log(`${LABEL}: ${files.length} files, ${operations.length} operations, API version ${apiVersion}`);
if (Object.keys(client.aliases).length) {
  console.log(`${LABEL}: client aliases: ${Object.entries(client.aliases).map(([a, r]) => `${a} = ${r}`).join(', ')}`);
}
if (client.others.length) console.log(`${LABEL}: resource functions not from stripeMethod (not recorded): ${client.others.join(', ')}`);

const expectedPath = join(HERE, EXPECTED);
const regenerate = `node ${join(HERE, 'operations.mjs')}`;
const text = JSON.stringify(generated, null, 2) + '\n';
if (!checkMode) {
  writeFileSync(expectedPath, text);
  console.log(`${LABEL}: wrote ${operations.length} operations to ${expectedPath}`);
  process.exit(0);
}

if (!existsSync(expectedPath)) fail(`${expectedPath} does not exist; run without --check to generate it`);
const currentText = readFileSync(expectedPath, 'utf8');
if (currentText === text) {
  console.log(`${LABEL}: ${EXPECTED} is up to date (${operations.length} operations)`);
  process.exit(0);
}
let current;
try {
  current = JSON.parse(currentText);
} catch (e) {
  fail(`${EXPECTED} is stale (and not valid JSON: ${e.message}); regenerate with: ${regenerate}`);
}
const problems = [];
for (const k of new Set([...Object.keys(generated), ...(isObject(current) ? Object.keys(current) : [])])) {
  if (k === 'operations' || JSON.stringify(current?.[k]) === JSON.stringify(generated[k])) continue;
  problems.push(`${k}: ${EXPECTED} has ${JSON.stringify(current?.[k])}, SDK now ${JSON.stringify(generated[k])}`);
}
const byKey = (ops) => new Map((Array.isArray(ops) ? ops : []).map((o) => [opKey(o), o]));
const [was, now] = [byKey(current?.operations), byKey(operations)];
for (const [k, o] of now) {
  if (!was.has(k)) problems.push(`${k}: missing from ${EXPECTED}`);
  else if (JSON.stringify(was.get(k)) !== JSON.stringify(o)) {
    problems.push(`${k}: differs\n      ${EXPECTED}: ${JSON.stringify(was.get(k))}\n      SDK now: ${JSON.stringify(o)}`);
  }
}
for (const k of was.keys()) if (!now.has(k)) problems.push(`${k}: in ${EXPECTED} but not produced by the SDK`);
if (problems.length === 0) problems.push('(same entries, but ordering or formatting differs)');
fail(`${EXPECTED} is stale:\n  ${problems.join('\n  ')}\nregenerate with: ${regenerate}`);
