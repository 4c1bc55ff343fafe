/**
 * The first-start offer: a demo fleet that runs inside the app (an embedded
 * TLS broker requiring client certificates, simulated devices), so a new
 * operator sees live charts and a security grade within a minute.
 */
import { useStore } from '../app/store';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useStartDemo } from './use-demo';

export function DemoOffer() {
  const { start, busy, error } = useStartDemo();
  const inMemory = useStore((s) => s.info?.keychain.store === 'session');

  return (
    <section className="demo-offer" aria-label="Demo" aria-busy={busy}>
      <h2>See it work first</h2>
      <p>
        Start a demo fleet on this computer: a broker that requires client certificates, a throwaway certificate authority, and a dozen simulated devices. Its
        client key is kept {inMemory ? 'in memory until the app closes' : 'in your OS keychain'} like any other, and Remove demo takes all of it away again.
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
