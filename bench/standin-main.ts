/**
 * Child-process entry of the stand-in sender: prints `{port, ca}` as one JSON
 * line, then serves until killed.
 */
import { encodeStream, startStandIn } from './standin';

const count = Number(process.argv[2] ?? 200_000);
const topics = Number(process.argv[3] ?? 1000);

void startStandIn(encodeStream(count, topics)).then((standIn) => {
  process.stdout.write(JSON.stringify({ port: standIn.port, ca: standIn.ca }) + '\n');
  process.once('SIGTERM', () => void standIn.close().then(() => process.exit(0)));
});
