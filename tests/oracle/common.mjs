// Shared by the oracles in this directory (oracle.mjs, webhook.mjs, upload.mjs,
// operations.mjs): reading cases, argument
// parsing, the pinned stripe-node check and import, and writing or checking
// the recording. Each script passes its own label and file names, so its
// messages stay its own.

import {readFileSync, writeFileSync, existsSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {createRequire} from 'node:module';

/** The only stripe-node version the oracles run against (see package.json). */
export const REQUIRED_VERSION = '23.1.0';

/** This directory, tests/oracle: the scripts, their cases and recordings. */
export const HERE = dirname(fileURLToPath(import.meta.url));

/** True for a plain object: not null and not an array. */
export const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The JSON array a cases file holds; exits through `fail` when the file cannot be
 * read or parsed, or holds something else.
 */
export function readCaseArray(path, fail) {
  let cases;
  try {
    cases = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail(`cannot read ${path}: ${e.message}`);
  }
  if (!Array.isArray(cases)) fail(`${basename(path)} must hold a JSON array`);
  return cases;
}

/**
 * Checks what every case of a cases file has, whatever the oracle: an object with
 * only the `keys` fields, an identifier-like `name` not seen before (names become
 * keys of the recording, so JS must not reorder them and they cannot collide with
 * its header), and a non-empty `doc`. Problems go to `errors`; returns the case's
 * label for further messages, or null if it is not an object at all.
 */
export function checkCaseHeader(c, i, keys, seen, errors) {
  const label = `case #${i}${c && typeof c.name === 'string' ? ` (${c.name})` : ''}`;
  if (!isObject(c)) {
    errors.push(`${label}: not an object`);
    return null;
  }
  const extra = Object.keys(c).filter((k) => !keys.includes(k));
  if (extra.length) errors.push(`${label}: unknown field(s) ${extra.join(', ')}`);
  if (typeof c.name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(c.name)) {
    errors.push(`${label}: name must match ^[a-z][a-z0-9_]*$`);
  } else if (seen.has(c.name)) {
    errors.push(`${label}: duplicate case name ${JSON.stringify(c.name)}`);
  } else {
    seen.add(c.name);
  }
  if (typeof c.doc !== 'string' || c.doc.trim() === '') errors.push(`${label}: doc must be a non-empty string`);
  return label;
}

/**
 * Starts an oracle script: parses its arguments (only `--check`), makes sure
 * the installed stripe is exactly REQUIRED_VERSION, then imports it. Exits 1,
 * with a message, on a bad argument or a missing or other stripe.
 *
 * - label: prefix of every message, e.g. 'oracle' gives "oracle: ...".
 * - script: the script's file name in this directory, e.g. 'oracle.mjs'
 *   (for the usage line and the regenerate command).
 * - expected: the recording's file name in this directory, e.g. 'expected.json'.
 *
 * Returns:
 * - Stripe: the SDK's default export.
 * - fail(msg): prints "label: msg" to stderr and exits 1.
 * - writeOrCheck(generated, count): the end of the script. `generated` is the
 *   recording (an object with one entry per case name, after `_generated_by`),
 *   `count` the number of cases. Without --check it writes the recording as
 *   2-space JSON plus a newline and exits 0. With --check it exits 0 if the
 *   file already holds exactly those bytes, and otherwise fails naming the
 *   entries that are missing, differ or are extra, and the regenerate command.
 */
export async function startOracle({label, script, expected}) {
  const fail = (msg) => {
    console.error(`${label}: ${msg}`);
    process.exit(1);
  };

  // ---------------------------------------------------------------- arguments

  const argv = process.argv.slice(2);
  const unknownArgs = argv.filter((a) => a !== '--check');
  if (unknownArgs.length > 0) {
    fail(`unknown argument(s): ${unknownArgs.join(' ')} (usage: ${script} [--check])`);
  }
  const checkMode = argv.includes('--check');

  // ------------------------------------------------------- pinned SDK version

  const stripePkg = loadStripePackageInfo(fail);
  if (stripePkg.version !== REQUIRED_VERSION) {
    fail(
      `installed stripe is ${stripePkg.version} (${stripePkg.pkgPath}), ` +
        `but the oracle is pinned to exactly ${REQUIRED_VERSION}; run: npm ci --prefix ${HERE}`,
    );
  }
  const {default: Stripe} = await import('stripe');

  const writeOrCheck = (generated, count) => writeOrCheckRecording({label, script, expected, checkMode, fail}, generated, count);
  return {Stripe, fail, writeOrCheck};
}

// Resolve `stripe` the way an import from this directory would, then find its
// package.json (the package does not export it) so the caller can insist on
// the pin.
function loadStripePackageInfo(fail) {
  const require = createRequire(import.meta.url);
  let entry;
  try {
    entry = require.resolve('stripe');
  } catch {
    fail(`the stripe package is not installed; run: npm ci --prefix ${HERE}`);
  }
  let dir = dirname(entry);
  for (;;) {
    const pkgPath = join(dir, 'package.json');
    if (existsSync(pkgPath)) {
      const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
      if (pkg.name === 'stripe') return {dir, version: pkg.version, pkgPath};
    }
    const parent = dirname(dir);
    if (parent === dir) fail(`could not find package.json of the resolved stripe package (${entry})`);
    dir = parent;
  }
}

// The regenerate-or-check tail; see writeOrCheck above.
function writeOrCheckRecording({label, script, expected, checkMode, fail}, generated, count) {
  const expectedPath = join(HERE, expected);
  const regenerate = `node ${join(HERE, script)}`;
  const text = JSON.stringify(generated, null, 2) + '\n';

  if (!checkMode) {
    writeFileSync(expectedPath, text);
    console.log(`${label}: wrote ${count} cases to ${expectedPath}`);
    process.exit(0);
  }

  if (!existsSync(expectedPath)) fail(`${expectedPath} does not exist; run without --check to generate it`);
  const currentText = readFileSync(expectedPath, 'utf8');
  if (currentText === text) {
    console.log(`${label}: ${expected} is up to date (${count} cases)`);
    process.exit(0);
  }

  let current;
  try {
    current = JSON.parse(currentText);
  } catch (e) {
    fail(`${expected} is stale (and not valid JSON: ${e.message}); regenerate with: ${regenerate}`);
  }
  const problems = [];
  const curKeys = isObject(current) ? Object.keys(current) : [];
  // Pads "SDK now:" to line up with "<expected>:".
  const sdkNow = 'SDK now:'.padEnd(expected.length + 2);
  for (const k of Object.keys(generated)) {
    if (!(k in (current ?? {}))) problems.push(`${k}: missing from ${expected}`);
    else if (JSON.stringify(current[k]) !== JSON.stringify(generated[k])) {
      problems.push(`${k}: differs\n      ${expected}: ${JSON.stringify(current[k])}\n      ${sdkNow}${JSON.stringify(generated[k])}`);
    }
  }
  for (const k of curKeys) {
    if (!(k in generated)) problems.push(`${k}: in ${expected} but not produced (case removed or renamed?)`);
  }
  if (problems.length === 0) problems.push('(same entries, but ordering or formatting differs)');
  fail(`${expected} is stale:\n  ${problems.join('\n  ')}\nregenerate with: ${regenerate}`);
}

/** Compares two strings by their UTF-8 bytes (the order of Rust's `BTreeMap<String, _>` and `str::cmp`). */
export const utf8Compare = (a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * Checks that every object in `value` (recursively, through arrays) lists its
 * keys in UTF-8 byte order, the order Rust's BTreeMap and Stripe's alphabetical
 * struct fields produce, since the SDK sends keys in insertion order. It checks
 * the parsed objects, so it also catches integer-like keys, which JS moves to
 * the front. Problems go to `errors`, each starting with `where`.
 */
export function checkSortedKeys(value, where, errors) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkSortedKeys(v, `${where}[${i}]`, errors));
  } else if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    for (let i = 1; i < keys.length; i++) {
      if (utf8Compare(keys[i - 1], keys[i]) >= 0) {
        errors.push(`${where}: key ${JSON.stringify(keys[i])} must come before ${JSON.stringify(keys[i - 1])} (UTF-8 byte order)`);
      }
    }
    for (const k of keys) checkSortedKeys(value[k], `${where}[${k}]`, errors);
  }
}
