/**
 * A benchmark subscriber in a process of its own: `core` (the whole core) or
 * `bare` (an mqtt.js client that only counts). Prints "ready" once subscribed,
 * then one JSON line with its rate. argv: mode url caFile count topics
 */
import { readFileSync } from 'node:fs';
import { bareClient, wholeCore } from './ingest';

async function main(): Promise<void> {
  const [mode = 'bare', url = '', caFile = '', countArg = '200000', topicsArg = '1000'] = process.argv.slice(2);
  const target = { url, ca: readFileSync(caFile, 'utf8'), filter: 'fleet/#' };
  const ready = () => process.stdout.write('ready\n');
  const rate = mode === 'core' ? await wholeCore(target, Number(countArg), 120_000, Number(topicsArg), ready) : await bareClient(target, Number(countArg), 120_000, ready);
  process.stdout.write(JSON.stringify(rate) + '\n');
  process.exit(0);
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
