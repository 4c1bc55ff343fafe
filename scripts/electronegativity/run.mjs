#!/usr/bin/env node
/**
 * Electronegativity (Doyensec's Electron security scanner) over the code that
 * configures Electron: main, the preload, the built page (its CSP meta tag)
 * and package.json (the Electron version). `npm test` runs it after the build;
 * it fails on any finding of medium severity or above that allow.json does not
 * list with its reason, and on any file it could not parse (an unscanned file
 * hides its findings).
 *
 * Offline and quick: the scanner fetches translations and Electron's release
 * list from the internet; here every DNS lookup fails at once, and the one
 * check that needs the release list is skipped (allow.json says why).
 *
 * Usage: node scripts/electronegativity/run.mjs [--input DIR]
 *   --input DIR  scan DIR as it is instead of the staged app (the tests use it).
 */
import dns from 'node:dns';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '../..');
const allow = JSON.parse(readFileSync(path.join(import.meta.dirname, 'allow.json'), 'utf8'));

// No network: a lookup that fails at once instead of a request that times out. The
// code is one the scanner's HTTP client does not retry (it retries ENOTFOUND for seconds).
const offlineError = () => Object.assign(new Error('offline: electronegativity runs without network'), { code: 'EOFFLINE' });
dns.lookup = (_host, options, callback) => {
  const done = typeof options === 'function' ? options : callback;
  process.nextTick(() => done(offlineError()));
};
dns.promises.lookup = async () => {
  throw offlineError();
};

/** What the scanner reads: Electron-facing sources, the built page, package.json. */
function stage() {
  const page = path.join(root, 'out/renderer/index.html');
  if (!existsSync(page)) {
    console.error('electronegativity: out/renderer/index.html is missing; run `npx electron-vite build` first.');
    process.exit(2);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'electronegativity-'));
  cpSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
  for (const folder of ['electron/main', 'electron/preload']) cpSync(path.join(root, folder), path.join(dir, folder), { recursive: true });
  cpSync(page, path.join(dir, 'out/renderer/index.html'));
  return dir;
}

const { values } = parseArgs({ options: { input: { type: 'string' } } });
const input = values.input ? path.resolve(values.input) : stage();
const require = createRequire(import.meta.url);
const scanner = require('@doyensec/electronegativity');
const run = scanner.default ?? scanner;

const SEVERITY = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };
const log = console.log;
console.log = () => undefined; // the scanner's own chatter (translations, progress)
let result;
try {
  result = await run({ input, isRelative: true, excludeFromScan: allow.skip.map((s) => s.check) });
} finally {
  console.log = log;
  if (!values.input) rmSync(input, { recursive: true, force: true });
}

const unparsed = result.errors.filter((e) => !e.tolerable);
const findings = result.issues.filter((i) => (SEVERITY[i.severity.name] ?? 3) >= SEVERITY.MEDIUM);
const allowed = (i) => allow.allow.some((a) => a.id === i.id && (a.file === undefined || a.file === i.file));
const open = findings.filter((i) => !allowed(i));

for (const i of findings.filter(allowed)) log(`allowed  ${i.id} ${i.file}:${i.location.line} (${allow.allow.find((a) => a.id === i.id).reason})`);
for (const e of unparsed) log(`UNPARSED ${path.relative(input, e.file)}: ${e.message}`);
for (const i of open) log(`FINDING  ${i.id} [${i.severity.name}] ${i.file}:${i.location.line}:${i.location.column} ${i.description}${i.sample ? `\n         ${String(i.sample).trim().slice(0, 160)}` : ''}`);
log(`electronegativity: ${result.atomicChecks + result.globalChecks} checks, ${findings.length} finding(s) of medium or higher, ${open.length} not allowed, ${unparsed.length} file(s) not parsed`);
process.exit(open.length || unparsed.length ? 1 : 0);
