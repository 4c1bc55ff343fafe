/**
 * The client-bound rounds (`ingest_ratio`, `record_ratio`, `decode_ratio`),
 * run from a bundle of the code as the app ships it (bench/built.ts), in a
 * process of their own, against a stand-in sender the parent started.
 * argv: one JSON `ClientBoundRun`; prints one JSON line of `ClientBoundRounds`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Recorder } from '../electron/core/history/recorder';
import { sparkplugWorkload } from './decode';
import { bareClient, wholeCore, type CoreRate, type Rate, type Target } from './ingest';

export interface ClientBoundRun {
  /** `ingest`: bare, core, core recording every message, alternating; `decode`: bare and core on a Sparkplug B stream. */
  kind: 'ingest' | 'decode';
  target: Target;
  messages: number;
  topics: number;
  rounds: number;
}

export interface ClientBoundRounds {
  raw: Rate[];
  core: CoreRate[];
  /** `ingest` only: the core recording every message raw and every charted sample. */
  recorded: CoreRate[];
}

const LIMIT_MS = 60_000;

async function ingestRounds(run: ClientBoundRun): Promise<ClientBoundRounds> {
  const out: ClientBoundRounds = { raw: [], core: [], recorded: [] };
  // Recording every message raw and every charted sample into one database,
  // by one recorder started before the rounds as the app starts it at launch.
  // (A fresh recorder per round also timed its new worker's JIT compiling,
  // which competes with ingest for V8's shared compiler threads: a cost the
  // app pays once, not per burst.)
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mqtts-bench-record-'));
  const recorder = new Recorder({ dataDir });
  await recorder.canRead();
  // A round of each first, not counted: the process is new, and the app takes in messages for hours on warm code.
  // Then alternate, so neither side benefits from a quieter moment of the machine.
  for (let round = -1; round < run.rounds; round++) {
    const raw = await bareClient(run.target, run.messages, LIMIT_MS);
    const core = await wholeCore(run.target, run.messages, LIMIT_MS, run.topics);
    const recorded = await wholeCore(run.target, run.messages, LIMIT_MS, run.topics, undefined, { recorder });
    if (round < 0) continue;
    out.raw.push(raw);
    out.core.push(core);
    out.recorded.push(recorded);
  }
  await recorder.dispose();
  rmSync(dataDir, { recursive: true, force: true });
  return out;
}

async function decodeRounds(run: ClientBoundRun): Promise<ClientBoundRounds> {
  const out: ClientBoundRounds = { raw: [], core: [], recorded: [] };
  for (let round = -1; round < run.rounds; round++) {
    const raw = await bareClient(run.target, run.messages, LIMIT_MS);
    const core = await wholeCore(run.target, run.messages, LIMIT_MS, run.topics, undefined, undefined, sparkplugWorkload(run.topics));
    if (round < 0) continue;
    out.raw.push(raw);
    out.core.push(core);
  }
  return out;
}

async function main(): Promise<void> {
  const run = JSON.parse(process.argv[2] ?? '{}') as ClientBoundRun;
  const rounds = run.kind === 'decode' ? await decodeRounds(run) : await ingestRounds(run);
  process.stdout.write(JSON.stringify(rounds) + '\n');
  process.exit(0);
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
