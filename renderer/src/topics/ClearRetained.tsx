/**
 * "Clear retained…" for a topic or a subtree that holds retained messages:
 * asks main which ones are there, shows how many would go and asks for a
 * confirmation, then clears exactly those (main refuses if the set changed
 * meanwhile). Where the window knows of none, only the outcome of a clear
 * just done is shown.
 */
import { useState } from 'react';
import { useClient } from '../app/services';
import { Busy } from '../feedback/Busy';
import { Done } from '../feedback/Done';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { plural } from '../app/format';

type Step = { kind: 'idle' } | { kind: 'asking' } | { kind: 'confirm'; topics: string[] } | { kind: 'clearing'; count: number } | { kind: 'done'; cleared: number } | { kind: 'none' };

const SHOWN_TOPICS = 5;

export function ClearRetained({ connectionId, prefix, connected, available }: { connectionId: string; prefix: string; connected: boolean; available: boolean }) {
  const client = useClient();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const { error, run } = useAction();

  async function ask() {
    setStep({ kind: 'asking' });
    const result = await run(() => client.invoke('topics.retained', { connectionId, prefix }));
    if (!result.ok) return setStep({ kind: 'idle' });
    setStep(result.value.topics.length ? { kind: 'confirm', topics: result.value.topics } : { kind: 'none' });
  }

  async function clear(topics: string[]) {
    setStep({ kind: 'clearing', count: topics.length });
    const result = await run(() => client.invoke('topics.clearRetained', { connectionId, prefix, topics }));
    if (!result.ok) return setStep({ kind: 'idle' });
    setStep({ kind: 'done', cleared: result.value.cleared });
  }


  return (
    <div className="clear-retained" aria-busy={step.kind === 'asking' || step.kind === 'clearing'}>
      {available && (step.kind === 'idle' || step.kind === 'done' || step.kind === 'none') && (
        <button type="button" onClick={() => void ask()} disabled={!connected} title={connected ? undefined : 'Connect first: clearing publishes empty retained messages.'} data-testid="clear-retained">
          Clear retained…
        </button>
      )}
      {step.kind === 'asking' && <Busy label="Looking for retained messages…" />}
      {step.kind === 'none' && (
        <span className="muted small" role="status">
          No retained messages under {prefix}.
        </span>
      )}
      {step.kind === 'done' && <Done testId="retained-cleared">Cleared {plural(step.cleared, 'retained message')}.</Done>}
      {step.kind === 'confirm' && (
        <div className="caution" role="alertdialog" aria-label="Confirm clearing retained messages" data-testid="clear-retained-confirm">
          <div className="failure-message" data-count={step.topics.length}>
            This deletes {plural(step.topics.length, 'retained message')} under {prefix}
          </div>
          <ul className="plain mono small">
            {step.topics.slice(0, SHOWN_TOPICS).map((t) => (
              <li key={t}>{t}</li>
            ))}
            {step.topics.length > SHOWN_TOPICS && <li>… and {step.topics.length - SHOWN_TOPICS} more</li>}
          </ul>
          <div className="actions">
            <button type="button" className="danger-button" onClick={() => void clear(step.topics)} data-testid="confirm-clear-retained">
              Confirm: delete {plural(step.topics.length, 'retained message')}
            </button>
            <button type="button" className="link" onClick={() => setStep({ kind: 'idle' })}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {step.kind === 'clearing' && <Busy label={`Clearing ${plural(step.count, 'retained message')}…`} />}
      {error && <Problem problem={error} />}
    </div>
  );
}
