/**
 * One connection: its header with connect/disconnect, edit and delete, and its
 * tabs: security, live topics, dashboard, publish. A connection imported
 * without its secrets asks for them before it connects. The topic tree's
 * "publish to this topic" opens the Publish tab aimed at that topic.
 */
import { useEffect, useState } from 'react';
import type { Profile } from '../../../shared/profiles';
import type { Result } from '../../../shared/result';
import { NO_LINK_FAULTS, type SessionView } from '../../../shared/sessions';
import { screen } from '../app/screens';
import { useServices } from '../app/services';
import { Dashboard } from '../charts/Dashboard';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { ConfirmButton } from '../forms/ConfirmButton';
import { tabPanelProps, Tabs, type TabItem } from '../forms/Tabs';
import { StatusLight, VerdictBadge } from '../security/badges';
import { SecurityPanel } from '../security/SecurityPanel';
import { LinkFaultsLine } from './LinkFaultsLine';
import { PendingSecretsPrompt } from './PendingSecretsPrompt';

// Tabs other than the two a connection opens on (security; the demo's dashboard) are fetched when first opened (app/screens.tsx).
const TopicsView = screen(() => import('../topics/TopicsView').then((m) => m.TopicsView));
const PublishPanel = screen(() => import('../publish/PublishPanel').then((m) => m.PublishPanel));
const RecordingSettings = screen(() => import('../history/RecordingSettings').then((m) => m.RecordingSettings));
const AlertRules = screen(() => import('../alerts/AlertRules').then((m) => m.AlertRules));

type Tab = 'security' | 'topics' | 'dashboard' | 'publish' | 'history' | 'alerts';
const TABS: Array<TabItem<Tab>> = [
  { key: 'security', label: 'Security' },
  { key: 'topics', label: 'Topics' },
  { key: 'dashboard', label: 'Dashboard' },
  { key: 'publish', label: 'Publish' },
  { key: 'history', label: 'History' },
  { key: 'alerts', label: 'Alerts' },
];
/** The tab each connection showed last, so coming back to it shows the same. */
const lastTab = new Map<string, Tab>();

const tabListeners = new Set<(profileId: string, tab: Tab) => void>();

/** Shows a connection on a given tab, now if it is on screen, else when it is (the demo lands on its dashboard). */
export function showTab(profileId: string, tab: Tab): void {
  lastTab.set(profileId, tab);
  tabListeners.forEach((listener) => listener(profileId, tab));
}

const ACTIVE = new Set(['connecting', 'connected', 'reconnecting']);

function idleView(profile: Profile): SessionView {
  const encrypted = /^(mqtts|wss):/.test(profile.url);
  return {
    id: profile.id,
    name: profile.name,
    url: profile.url,
    state: 'idle',
    reason: 'Not connected yet.',
    error: null,
    attempt: 0,
    nextRetryAt: null,
    history: [],
    faults: NO_LINK_FAULTS,
    lastVerdict: null,
    security: {
      transport: profile.url.split(':')[0] as SessionView['security']['transport'],
      encrypted,
      tls: null,
      grade: encrypted ? 'unknown' : 'insecure',
      reasons: encrypted ? [] : [{ level: 'insecure', code: 'no_tls', message: 'This connection is not encrypted.' }],
      error: null,
    },
  };
}

export function ConnectionView({ profile, view, onEdit }: { profile: Profile; view: SessionView | undefined; onEdit: () => void }) {
  const { client, topics, publish } = useServices();
  const [askSecrets, setAskSecrets] = useState(false);
  const { label: busy, error, run: runAction, reset } = useAction();
  const [tab, setTabState] = useState<Tab>(() => lastTab.get(profile.id) ?? 'security');
  const setTab = (next: Tab) => {
    lastTab.set(profile.id, next);
    setTabState(next);
  };
  const shown = view ?? idleView(profile);

  useEffect(() => {
    const listener = (id: string, next: Tab) => {
      if (id === profile.id) setTabState(next);
    };
    tabListeners.add(listener);
    return () => void tabListeners.delete(listener);
  }, [profile.id]);

  // Batches carry the topics of the connection shown; its tree is read again, as it missed updates while hidden.
  useEffect(() => {
    void client.invoke('telemetry.topics', { connectionIds: [profile.id] }).then(() => topics.load(profile.id, true));
  }, [profile.id, client, topics]);
  const active = ACTIVE.has(shown.state);

  async function run<T>(label: string, request: () => Promise<Result<T>>) {
    const result = await runAction(request, { label });
    if (!result.ok && result.error.code === 'secrets_required') setAskSecrets(true);
  }

  function connect() {
    if (profile.pendingSecrets.length > 0) {
      reset();
      setAskSecrets(true);
      return;
    }
    void run('Connecting…', () => client.invoke('sessions.connect', { id: profile.id }));
  }

  return (
    <div className="connection" data-testid="connection-view" data-name={profile.name}>
      <header className="conn-head">
        <StatusLight state={shown.state} />
        <div className="conn-title">
          <h1>{profile.name}</h1>
          <div className="muted mono small">{profile.url}</div>
        </div>
        <VerdictBadge view={shown} />
        <div className="actions" aria-busy={!!busy}>
          {busy && <Busy label={busy} />}
          {active ? (
            <button type="button" onClick={() => void run('Disconnecting…', () => client.invoke('sessions.disconnect', { id: profile.id }))} disabled={!!busy} data-testid="disconnect">
              Disconnect
            </button>
          ) : (
            <button type="button" className="primary" onClick={connect} disabled={!!busy || askSecrets} data-testid="connect">
              Connect
            </button>
          )}
          <button type="button" onClick={onEdit} data-testid="edit">
            Edit
          </button>
          <ConfirmButton
            label="Delete"
            confirm={`Delete ${profile.name} and its keychain secrets`}
            onConfirm={() => void run('Deleting…', () => client.invoke('profiles.delete', { id: profile.id }))}
            disabled={!!busy}
            testId="delete"
            confirmTestId="confirm-delete"
          />
        </div>
      </header>
      {/* The security tab says a failure in its own box, with the fix: once is enough. */}
      {!(tab === 'security' && shown.error) && (
        <p className="reason-line" data-testid="state-reason">
          {shown.reason}
        </p>
      )}
      <LinkFaultsLine faults={shown.faults} />
      {askSecrets && (
        <PendingSecretsPrompt
          profile={profile}
          onCancel={() => setAskSecrets(false)}
          onConnected={() => {
            setAskSecrets(false);
            reset();
          }}
        />
      )}
      {error && !askSecrets && <Problem problem={error} />}
      <Tabs tabs={TABS} selected={tab} onSelect={setTab} prefix={`conn-${profile.id}`} label={`${profile.name} views`} />
      <div {...tabPanelProps(`conn-${profile.id}`, tab)} className="tab-panel">
        {tab === 'security' && <SecurityPanel view={shown} />}
        {tab === 'topics' && (
          <TopicsView
            profile={profile}
            connected={shown.state === 'connected'}
            onOpenDashboard={() => setTab('dashboard')}
            onPublish={(topic) => {
              publish.aim(profile.id, topic);
              setTab('publish');
            }}
          />
        )}
        {tab === 'dashboard' && <Dashboard profile={profile} onOpenTopics={() => setTab('topics')} />}
        {tab === 'publish' && <PublishPanel profile={profile} state={shown.state} />}
        {tab === 'history' && <RecordingSettings profile={profile} />}
        {tab === 'alerts' && <AlertRules profile={profile} />}
      </div>
    </div>
  );
}
