/**
 * Commands a host application sends to an edge node, encoded with the same
 * schema the decoder reads: the rebirth request, NCMD with the metric
 * `Node Control/Rebirth` = true, after which the node publishes its NBIRTH
 * and DBIRTHs again (so DATA carrying only aliases can be read).
 */
import { REBIRTH_METRIC, sparkplugTopic } from '../../../../shared/sparkplug';
import { sparkplugTypes } from './schema';

const BOOLEAN = 11;

export function rebirthCommand(group: string, edge: string, now = Date.now()): { topic: string; payload: Buffer } {
  const { Payload } = sparkplugTypes();
  const message = Payload.create({ timestamp: now, metrics: [{ name: REBIRTH_METRIC, timestamp: now, datatype: BOOLEAN, boolean_value: true }] });
  return { topic: sparkplugTopic('NCMD', group, edge), payload: Buffer.from(Payload.encode(message).finish()) };
}
