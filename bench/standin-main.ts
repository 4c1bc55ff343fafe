/**
 * Child-process entry of the stand-in sender: prints `{port, ca}` as one JSON
 * line, then serves until killed. The stream is JSON telemetry, or with
 * `sparkplug` as third argument Sparkplug B births and DDATA (bench/decode.ts).
 */
import { encodeSparkplugStream } from './decode';
import { encodeStream, startStandIn } from './standin';

const count = Number(process.argv[2] ?? 200_000);
const topics = Number(process.argv[3] ?? 1000);
const stream = process.argv[4] === 'sparkplug' ? encodeSparkplugStream(count, topics) : encodeStream(count, topics);

void startStandIn(stream).then((standIn) => {
  process.stdout.write(JSON.stringify({ port: standIn.port, ca: standIn.ca }) + '\n');
  process.once('SIGTERM', () => void standIn.close().then(() => process.exit(0)));
});
