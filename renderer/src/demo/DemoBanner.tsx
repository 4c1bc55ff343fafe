/**
 * Shown on the demo connection: says what it is and removes it in one click,
 * broker, devices, connection and keychain secrets.
 */
import { useServices } from '../app/services';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';

export function DemoBanner() {
  const { client, store } = useServices();
  const { busy, error, run } = useAction();

  async function remove() {
    if ((await run(() => client.invoke('demo.remove', {}))).ok) await store.refreshDemo();
  }

  return (
    <div className="demo-banner" role="note" aria-busy={busy} data-testid="demo-banner">
      <span>
        <strong>Demo fleet.</strong> The broker and devices run inside this app on 127.0.0.1, with a throwaway certificate authority.
      </span>
      {busy ? (
        <Busy label="Removing the demo…" />
      ) : (
        <button type="button" className="danger-button" onClick={() => void remove()} data-testid="remove-demo">
          Remove demo
        </button>
      )}
      {error && <Problem problem={error} />}
    </div>
  );
}
