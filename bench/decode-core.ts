/**
 * The core's own cost per Sparkplug B message, without a socket: the
 * `decode_ratio` stream (births, then DDATA of 10 metrics by alias, 3 charted
 * per device) fed straight into Telemetry.ingest with a window watching eight
 * charts, as bench/ingest.ts wholeCore has it, its batches flushed every
 * 4,000 messages (every 50 ms at 80,000 msgs/s). Prints µs of CPU per message
 * (best of several passes: on a shared machine the best is the nearest to a
 * quiet one). `npx tsx bench/decode-core.ts [messages] [passes]`.
 */
import { seriesKey } from '../shared/telemetry';
import { Telemetry } from '../electron/core/telemetry/service';
import { sparkplugMessages, sparkplugWorkload } from './decode';

const MESSAGES = Number(process.argv[2] ?? 200_000);
const PASSES = Number(process.argv[3] ?? 5);
const DEVICES = 1000;
const BATCH_EVERY = 4000;

const messages = sparkplugMessages(MESSAGES, DEVICES);

function pass(): { usPerMessage: number; samples: number } {
  const id = 'bench';
  const telemetry = new Telemetry({ budgetBytes: 256 * 1024 * 1024 });
  const workload = sparkplugWorkload(DEVICES);
  const specs = workload.specs(id);
  if (workload.decoders) telemetry.setDecoders(id, workload.decoders);
  telemetry.setCharted(specs);
  const feed = telemetry.openFeed((batch) => {
    JSON.stringify(batch);
    feed.ack(batch.seq);
  });
  feed.watch(specs.slice(0, 8).map(seriesKey));
  const started = process.cpuUsage();
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as { topic: string; payload: Buffer };
    telemetry.ingest(id, m.topic, m.payload, 0, false);
    if (i % BATCH_EVERY === BATCH_EVERY - 1) feed.flush();
  }
  const used = process.cpuUsage(started);
  const samples = telemetry.budget().samples;
  telemetry.dispose();
  return { usPerMessage: (used.user + used.system) / messages.length, samples };
}

const results: number[] = [];
for (let p = 0; p < PASSES; p++) {
  const r = pass();
  results.push(r.usPerMessage);
  console.log(`pass ${p + 1}: ${r.usPerMessage.toFixed(2)} µs/message (${r.samples} samples)`);
}
console.log(`best ${Math.min(...results).toFixed(2)} µs/message, median ${results.sort((a, b) => a - b)[Math.floor(results.length / 2)]?.toFixed(2)}`);
