/**
 * The benchmark's separate publisher process: connects to the broker over TLS
 * and publishes `count` QoS 0 messages round-robin over `topics` topics as
 * fast as the connection takes them, or at `rate` a second (bounded by count
 * and by time: 120 s, or the paced duration plus 30 s for long runs).
 * argv: url caFile count topics [rate]
 */
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { topicName } from './standin';

async function main(): Promise<void> {
  const [url = '', caFile = '', countArg = '200000', topicsArg = '1000', rateArg = '0'] = process.argv.slice(2);
  const count = Number(countArg);
  const topics = Number(topicsArg);
  /** Messages per second; 0 = as fast as possible. */
  const rate = Number(rateArg);
  const client = await mqtt.connectAsync(url, { ca: readFileSync(caFile, 'utf8'), reconnectPeriod: 0, clientId: `bench-pub-${process.pid}` });
  const deadline = Date.now() + Math.max(120_000, rate > 0 ? (count / rate) * 1000 + 30_000 : 0);
  const started = performance.now();
  for (let i = 0; i < count && Date.now() < deadline; i++) {
    client.publish(topicName(i % topics), `{"t":${i},"temp":21.37,"hum":40}`, { qos: 0 });
    if (client.stream.writableNeedDrain) await new Promise((r) => client.stream.once('drain', r));
    if (rate > 0 && i % 100 === 99) {
      const due = started + ((i + 1) / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }
  await client.endAsync();
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
