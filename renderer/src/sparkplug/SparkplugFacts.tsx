/**
 * What the payload panel says of a Sparkplug B topic: its message type, edge
 * node and device, whether they are online (a DEATH after the last birth says
 * offline), sequence gaps, and DATA whose aliases no birth named, with the
 * rebirth request next to it. A host's STATE shows whether it is online.
 */
import type { SparkplugFacts as Facts } from '../../../shared/decoders';
import { formatCount } from '../app/format';
import { RebirthButton } from './RebirthButton';

export function SparkplugFacts({ facts, offline, connectionId, connected }: { facts: Facts; offline: boolean | undefined; connectionId: string; connected: boolean }) {
  if (facts.kind === 'STATE') {
    return (
      <p className="small" data-testid="sparkplug-facts" data-offline={offline ? 'true' : 'false'}>
        Sparkplug host application <span className="mono">{facts.edge}</span> is <strong>{offline ? 'offline' : 'online'}</strong>.
      </p>
    );
  }
  const source = facts.device ? `device ${facts.device} of edge node ${facts.edge}` : `edge node ${facts.edge}`;
  return (
    <div className="sparkplug-facts small" data-testid="sparkplug-facts" data-offline={offline ? 'true' : 'false'} data-born={facts.born ? 'true' : 'false'}>
      <p>
        Sparkplug B {facts.kind} of {source} in group {facts.group}: <strong>{offline ? 'offline' : facts.born ? 'online' : 'no birth seen yet'}</strong>
        {facts.seqGaps > 0 && ` · ${formatCount(facts.seqGaps)} sequence ${facts.seqGaps === 1 ? 'gap' : 'gaps'} (messages lost or out of order)`}
      </p>
      {(!facts.born || facts.unresolved > 0) && (
        <p className="warn" data-testid="sparkplug-unborn">
          {facts.unresolved > 0
            ? `${formatCount(facts.unresolved)} ${facts.unresolved === 1 ? 'metric carries' : 'metrics carry'} only an alias no birth named: shown by alias under "unresolved" until the edge node publishes its births.`
            : 'No birth has been seen for it since the app started: metrics sent by alias cannot be named until one arrives.'}
        </p>
      )}
      <RebirthButton connectionId={connectionId} group={facts.group} edge={facts.edge} connected={connected} />
    </div>
  );
}
