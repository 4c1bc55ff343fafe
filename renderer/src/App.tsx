/**
 * The application shell: connections on the left, the selected connection (or
 * the form) on the right.
 */
import { useEffect, useState } from 'react';
import { loadInitialState, startEventFeed, useStore } from './app/store';
import { ConnectionForm } from './connections/ConnectionForm';
import { ConnectionList } from './connections/ConnectionList';
import { ConnectionView } from './connections/ConnectionView';

type Mode = { kind: 'view' } | { kind: 'new' } | { kind: 'edit'; id: string };

export function App() {
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const info = useStore((s) => s.info);
  const loadError = useStore((s) => s.loadError);
  const profiles = useStore((s) => s.profiles);
  const sessions = useStore((s) => s.sessions);
  const selectedId = useStore((s) => s.selectedId);

  useEffect(() => {
    const stop = startEventFeed();
    void loadInitialState();
    return stop;
  }, []);

  const selected = profiles.find((p) => p.id === selectedId) ?? null;
  const editing = mode.kind === 'edit' ? (profiles.find((p) => p.id === mode.id) ?? null) : null;

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">MQTTS Dashboard</span>
        {info && (
          <span className="muted small" data-testid="transport-info">
            v{info.version} · {info.transport === 'electron' ? 'desktop' : 'headless host'}
          </span>
        )}
        {info && !info.keychain.available && (
          <span className="warn small" role="status" data-testid="keychain-warning">
            Keychain unavailable: private keys and passwords cannot be saved. {info.keychain.detail}
          </span>
        )}
        {loadError && (
          <span className="warn small" role="alert">
            {loadError}
          </span>
        )}
      </header>
      <ConnectionList onNew={() => setMode({ kind: 'new' })} />
      <main className="main">
        {mode.kind === 'new' && <ConnectionForm key="new" profile={null} onDone={() => setMode({ kind: 'view' })} />}
        {mode.kind === 'edit' && editing && <ConnectionForm key={editing.id} profile={editing} onDone={() => setMode({ kind: 'view' })} />}
        {mode.kind === 'view' && selected && <ConnectionView key={selected.id} profile={selected} view={sessions[selected.id]} onEdit={() => setMode({ kind: 'edit', id: selected.id })} />}
        {mode.kind === 'view' && !selected && (
          <div className="empty" data-testid="empty-state">
            <h1>No connection yet</h1>
            <p>Add a broker: its URL (mqtts://host:8883), the CA that signed its certificate, and your client certificate if it asks for one.</p>
            <button type="button" className="primary" onClick={() => setMode({ kind: 'new' })}>
              Add a connection
            </button>
          </div>
        )}
      </main>
    </div>
  );
}
