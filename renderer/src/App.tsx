/**
 * The application shell: connections on the left, the selected connection (or
 * the form, or the certificates overview) on the right, notices in the top
 * bar, and the import wizard over everything when it is open. In a narrow
 * window the connection list folds away (the top bar's toggle brings it back)
 * so the connection gets the width.
 */
import { useEffect, useState } from 'react';
import { useServices } from './app/services';
import { useStore } from './app/store';
import { ProfilesNotice } from './app/ProfilesNotice';
import { HistoryNotice } from './history/HistoryNotice';
import { startTelemetryFeed } from './app/telemetry-feed';
import { NotifyToggle } from './app/NotifyToggle';
import { AlertsButton } from './alerts/AlertList';
import { startBrowserNotifications } from './app/notifications';
import { DemoBanner } from './demo/DemoBanner';
import { DemoOffer } from './demo/DemoOffer';
import { landOnDemo } from './demo/landing';
import { SESSION_KEYCHAIN_NOTICE } from '../../shared/contract';
import { screen } from './app/screens';
import { ConnectionForm } from './connections/ConnectionForm';
import { ConnectionList } from './connections/ConnectionList';
import { ConnectionView } from './connections/ConnectionView';
import type { WizardResult } from './import/ImportWizard';
import { DismissButton } from './forms/DismissButton';
import { useNarrowWindow } from './app/narrow';

// Not on the first screen: fetched when first opened (app/screens.tsx).
const CertificatesView = screen(() => import('./certificates/CertificatesView').then((m) => m.CertificatesView));
const ImportWizard = screen(() => import('./import/ImportWizard').then((m) => m.ImportWizard));

type Mode = { kind: 'view' } | { kind: 'new' } | { kind: 'edit'; id: string } | { kind: 'certificates' };
/** The wizard, when open: `targetId` is the connection it was opened for (from its form), if any. */
type Wizard = { targetId: string | null } | null;

export function App() {
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [wizard, setWizard] = useState<Wizard>(null);
  const info = useStore((s) => s.info);
  const loadError = useStore((s) => s.loadError);
  const profiles = useStore((s) => s.profiles);
  const sessions = useStore((s) => s.sessions);
  const selectedId = useStore((s) => s.selectedId);
  const demoId = useStore((s) => s.demo.profileId);
  const notice = useStore((s) => s.notice);
  const services = useServices();
  const { store } = services;
  const narrow = useNarrowWindow();
  // Folded by default in a narrow window, open in a wide one; the toggle overrides until the width class changes.
  const [sidebar, setSidebar] = useState<{ narrow: boolean; open: boolean }>({ narrow, open: !narrow });
  if (sidebar.narrow !== narrow) setSidebar({ narrow, open: !narrow });
  const sidebarOpen = sidebar.open;
  const openSidebar = (open: boolean) => setSidebar({ narrow, open });

  useEffect(() => {
    const stop = services.store.follow();
    const stopLive = startTelemetryFeed(services);
    const stopNotifications = startBrowserNotifications(services.client);
    const stopAlerts = services.alerts.follow();
    void services.alerts.load();
    void services.store.load().then(() => landOnDemo(services.store));
    return () => {
      stop();
      stopAlerts();
      stopLive();
      stopNotifications();
    };
  }, [services]);

  const selected = profiles.find((p) => p.id === selectedId) ?? null;
  const editing = mode.kind === 'edit' ? (profiles.find((p) => p.id === mode.id) ?? null) : null;

  // Opened from a form and only saved: go back to the form, which picks up the new certificates.
  // Otherwise show the connection the bundle went to.
  function wizardClosed(result: WizardResult | null) {
    const from = wizard;
    setWizard(null);
    if (!result) return;
    store.set({ selectedId: result.profile.id });
    if (result.connected || !from?.targetId || mode.kind !== 'edit') setMode({ kind: 'view' });
  }

  return (
    <div className={`app${sidebarOpen ? '' : ' sidebar-folded'}`}>
      <header className="topbar">
        <button
          type="button"
          className="icon-button sidebar-toggle"
          aria-expanded={sidebarOpen}
          aria-controls="connection-list"
          aria-label={sidebarOpen ? 'Hide the connection list' : 'Show the connection list'}
          title={sidebarOpen ? 'Hide the connection list' : 'Show the connection list'}
          onClick={() => openSidebar(!sidebarOpen)}
          data-testid="sidebar-toggle"
        >
          ☰
        </button>
        <span className="brand">MQTTS Dashboard</span>
        {info && (
          <span className="muted small" data-testid="transport-info">
            v{info.version} · {info.transport === 'electron' ? 'desktop' : 'headless host'}
          </span>
        )}
        {info?.keychain.store === 'session' && (
          <span className="notice" role="status" data-testid="keychain-session" title={info.keychain.detail}>
            {SESSION_KEYCHAIN_NOTICE}
          </span>
        )}
        {info && info.keychain.store === 'os' && !info.keychain.available && (
          <span className="warn small" role="status" data-testid="keychain-warning">
            Keychain unavailable: private keys and passwords cannot be saved. {info.keychain.detail}
          </span>
        )}
        {info?.profilesNotice && <ProfilesNotice key={info.profilesNotice.code + info.profilesNotice.message} notice={info.profilesNotice} />}
        <HistoryNotice />
        {loadError && (
          <span className="warn small" role="alert">
            {loadError}
          </span>
        )}
        {notice && (
          <span className="notice" role="status" data-testid="app-notice">
            {notice}
            <DismissButton onClick={() => store.set({ notice: null })} />
          </span>
        )}
        <span className="spacer" />
        <button
          type="button"
          className="small-button topbar-button"
          aria-pressed={mode.kind === 'certificates'}
          onClick={() => setMode(mode.kind === 'certificates' ? { kind: 'view' } : { kind: 'certificates' })}
          data-testid="certificates-button"
        >
          Certificates
        </button>
        <NotifyToggle />
        <AlertsButton />
      </header>
      {sidebarOpen && (
        <ConnectionList
          onNew={() => {
            store.set({ notice: null });
            setMode({ kind: 'new' });
          }}
          onImport={() => setWizard({ targetId: null })}
          // In a narrow window the list makes way for the connection picked; picking one while the certificates overview is open shows that connection.
          onSelect={() => {
            if (narrow) openSidebar(false);
            if (mode.kind === 'certificates') setMode({ kind: 'view' });
          }}
        />
      )}
      <main className="main">
        {mode.kind === 'new' && <ConnectionForm key="new" profile={null} onDone={() => setMode({ kind: 'view' })} />}
        {mode.kind === 'edit' && editing && (
          <ConnectionForm key={editing.id} profile={editing} onDone={() => setMode({ kind: 'view' })} onImportBundle={() => setWizard({ targetId: editing.id })} />
        )}
        {mode.kind === 'certificates' && (
          <CertificatesView
            onOpenConnection={(id) => {
              store.set({ selectedId: id });
              setMode({ kind: 'view' });
            }}
          />
        )}
        {mode.kind === 'view' && selected && selected.id === demoId && <DemoBanner />}
        {mode.kind === 'view' && selected && <ConnectionView key={selected.id} profile={selected} view={sessions[selected.id]} onEdit={() => setMode({ kind: 'edit', id: selected.id })} />}
        {mode.kind === 'view' && !selected && (
          <div className="empty" data-testid="empty-state">
            <h1>No connection yet</h1>
            <p>Add a broker: its URL (mqtts://host:8883), the CA that signed its certificate, and your client certificate if it asks for one. Or import the certificate bundle your cloud or operator gave you.</p>
            <div className="actions center">
              <button type="button" className="primary" onClick={() => setMode({ kind: 'new' })}>
                Add a connection
              </button>
              <button type="button" onClick={() => setWizard({ targetId: null })}>
                Import certificates
              </button>
            </div>
            <DemoOffer />
          </div>
        )}
      </main>
      {wizard && <ImportWizard targetId={wizard.targetId} onClose={wizardClosed} />}
    </div>
  );
}
