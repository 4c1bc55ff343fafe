/**
 * The connections, grouped, each with its state light, its name in full (a
 * name shared with another connection is marked), the broker's host:port under
 * it with the security verdict, and a "needs secrets" mark for imported ones;
 * the header holds the ways in (new, certificate import, the demo) and out
 * (export, import of connections). What the transfer reported stays until
 * dismissed or until the operator's next action here.
 */
import { useState } from 'react';
import type { Profile } from '../../../shared/profiles';
import type { SessionView } from '../../../shared/sessions';
import { GradeBadge, StatusLight, VerdictBadge } from '../security/badges';
import { useServices } from '../app/services';
import { useStore } from '../app/store';
import { DemoEntry } from '../demo/DemoEntry';
import { brokerAddress, sameName } from './names';
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
  /** Counts the operator's actions in the list: each one clears what the transfer last reported. */
  const [actions, setActions] = useState(0);
  const acted = <A extends unknown[]>(action: (...args: A) => void) => (...args: A) => {
    setActions((n) => n + 1);
    action(...args);
  };
  return (
    <nav className="sidebar" id="connection-list" aria-label="Connections" data-testid="sidebar">
      <div className="sidebar-head">
        <h2>Connections</h2>
        <button type="button" onClick={acted(onNew)} data-testid="new-connection">
          New
        </button>
      </div>
      <div className="sidebar-tools">
        <button type="button" className="small-button" onClick={acted(onImport)} data-testid="import-button">
          Import certificates
        </button>
        <ProfileTransfer hasProfiles={profiles.length > 0} clearOn={actions} />
        <DemoEntry onStart={acted(() => undefined)} />
      </div>
      {profiles.length === 0 && <p className="muted">No connections yet.</p>}
      {groupOf(profiles).map(([group, list]) => (
        <div key={group} className="group">
          {group && <div className="group-name">{group}</div>}
          <ul>
            {list.map((p) => {
              const view: SessionView | undefined = sessions[p.id];
              const twins = sameName(p.name, profiles, p.id);
              return (
                <li key={p.id}>
                  <button
                    type="button"
                    className={`conn ${p.id === selectedId ? 'selected' : ''}`}
                    aria-current={p.id === selectedId}
                    data-testid="connection-item"
                    data-name={p.name}
                    onClick={acted(() => {
                      store.set({ selectedId: p.id });
                      onSelect?.();
                    })}
                  >
                    <span className="conn-line">
                      <StatusLight state={view?.state ?? 'idle'} />
                      <span className="conn-name">{p.name}</span>
                      {twins.length > 0 && (
                        <span className="badge-needs" data-testid="duplicate-name" title={`Also the name of the connection to ${twins.map((t) => brokerAddress(t.url)).join(', ')}: rename one to tell them apart.`}>
                          same name
                        </span>
                      )}
                    </span>
                    <span className="conn-line conn-sub">
                      <span className="conn-address mono" data-testid="connection-address">
                        {brokerAddress(p.url)}
                      </span>
                      {p.pendingSecrets.length > 0 && (
                        <span className="badge-needs" data-testid="needs-secrets" title={`Needs: ${p.pendingSecrets.join(', ')}`}>
                          needs secrets
                        </span>
                      )}
                      {view ? <VerdictBadge view={view} /> : /^(mqtts|wss):/i.test(p.url) ? null : <GradeBadge grade="insecure" />}
                    </span>
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
