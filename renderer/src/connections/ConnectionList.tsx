/**
 * The connections, grouped, each with its state light, security grade, and a
 * "needs secrets" mark for imported ones; the header holds the ways in (new,
 * certificate import) and out (export, import of connections).
 */
import type { Profile } from '../../../shared/profiles';
import type { SessionView } from '../../../shared/sessions';
import { GradeBadge, StatusLight } from '../security/badges';
import { useServices } from '../app/services';
import { useStore } from '../app/store';
import { ProfileTransfer } from './ProfileTransfer';

function groupOf(profiles: Profile[]): Array<[string, Profile[]]> {
  const groups = new Map<string, Profile[]>();
  for (const p of profiles) {
    const list = groups.get(p.group) ?? [];
    list.push(p);
    groups.set(p.group, list);
  }
  return [...groups].sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)));
}

export function ConnectionList({ onNew, onImport, onSelect }: { onNew: () => void; onImport: () => void; onSelect?: () => void }) {
  const { store } = useServices();
  const profiles = useStore((s) => s.profiles);
  const sessions = useStore((s) => s.sessions);
  const selectedId = useStore((s) => s.selectedId);
  return (
    <nav className="sidebar" aria-label="Connections">
      <div className="sidebar-head">
        <h2>Connections</h2>
        <button type="button" onClick={onNew} data-testid="new-connection">
          New
        </button>
      </div>
      <div className="sidebar-tools">
        <button type="button" className="small-button" onClick={onImport} data-testid="import-button">
          Import certificates
        </button>
        <ProfileTransfer hasProfiles={profiles.length > 0} />
      </div>
      {profiles.length === 0 && <p className="muted">No connections yet.</p>}
      {groupOf(profiles).map(([group, list]) => (
        <div key={group} className="group">
          {group && <div className="group-name">{group}</div>}
          <ul>
            {list.map((p) => {
              const view: SessionView | undefined = sessions[p.id];
              return (
                <li key={p.id}>
                  <button
                    type="button"
                    className={`conn ${p.id === selectedId ? 'selected' : ''}`}
                    aria-current={p.id === selectedId}
                    data-testid="connection-item"
                    data-name={p.name}
                    onClick={() => {
                      store.set({ selectedId: p.id });
                      onSelect?.();
                    }}
                  >
                    <StatusLight state={view?.state ?? 'idle'} />
                    <span className="conn-name">{p.name}</span>
                    {p.pendingSecrets.length > 0 && (
                      <span className="badge-needs" data-testid="needs-secrets" title={`Needs: ${p.pendingSecrets.join(', ')}`}>
                        needs secrets
                      </span>
                    )}
                    {view ? <GradeBadge grade={view.security.grade} /> : <span className="muted small">{new URL(p.url).protocol.replace(':', '')}</span>}
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
