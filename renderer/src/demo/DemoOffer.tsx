/**
 * The first-start offer: a demo fleet that runs inside the app (an embedded
 * TLS broker requiring client certificates, simulated devices), so a new
 * operator sees live charts and a security grade within a minute.
 */
import { client } from '../client';
import { refreshDemo, setState, useStore } from '../app/store';
import { showTab } from '../connections/ConnectionView';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';

export function DemoOffer() {
  const { busy, error, run } = useAction();
  const inMemory = useStore((s) => s.info?.keychain.store === 'session');

  async function start() {
    const started = await run(() => client.invoke('demo.start', {}));
    if (!started.ok) return;
    showTab(started.value.id, 'dashboard');
    setState({ selectedId: started.value.id });
    await refreshDemo();
  }

  return (
    <section className="demo-offer" aria-label="Demo" aria-busy={busy}>
      <h2>See it work first</h2>
      <p>
        Start a demo fleet on this computer: a broker that requires client certificates, a throwaway certificate authority, and a dozen simulated devices. Its
        client key is kept {inMemory ? 'in memory until the app closes' : 'in your OS keychain'} like any other, and one click removes all of it.
      </p>
      {busy ? (
        <Busy label="Starting the demo broker and devices…" />
      ) : (
        <button type="button" className="primary" onClick={() => void start()} data-testid="start-demo">
          Try the demo fleet
        </button>
      )}
      {error && <Problem problem={error} />}
    </section>
  );
}
