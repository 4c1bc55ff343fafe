/**
 * The certificates overview: every certificate the connections rely on
 * (client certificates, the CAs added to them, each broker's chain as last
 * seen), soonest end first, coloured by the expiry threshold, with who uses
 * it, its key and signature algorithm, its revocation and its findings; and
 * the trust report (this list and every connection's verdict as one HTML
 * page for an audit ticket). It follows the core's `trust.changed`. Every
 * field is text: subjects are chosen by whoever issued the certificate.
 */
import { useEffect, useState } from 'react';
import type { ExportProgress } from '../../../shared/history';
import type { CertificateInventory, InventoryEntry } from '../../../shared/trust';
import { useServices } from '../app/services';
import { downloadExport } from '../client';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { daysClass, daysText, keyText, revocationText, useText, visibleEntries, type InventoryFilter } from './inventory-view';

/** Changes arrive in bursts (a fleet reconnecting): the list is asked again at most this often. */
const REFRESH_MS = 1000;

function Row({ entry, onOpen }: { entry: InventoryEntry; onOpen: (connectionId: string) => void }) {
  return (
    <tr data-testid="certificate-row" data-fingerprint={entry.fingerprint256} data-expiry={entry.expiry ?? 'unreadable'}>
      <td className={daysClass(entry)} data-testid="days-left">
        {daysText(entry)}
      </td>
      <td>
        <div data-testid="certificate-subject">{entry.subject}</div>
        <div className="muted small">issued by {entry.issuer}</div>
      </td>
      <td>
        <ul className="plain">
          {entry.uses.map((use) => (
            <li key={`${use.connectionId}-${use.role}`}>
              <button type="button" className="link small" onClick={() => onOpen(use.connectionId)}>
                {useText(use)}
              </button>
            </li>
          ))}
        </ul>
      </td>
      <td>{keyText(entry)}</td>
      <td className={entry.findings.some((f) => f.code === 'weak_signature') ? 'bad' : undefined}>{entry.signatureAlgorithm}</td>
      <td className={entry.revocation?.status === 'revoked' ? 'bad' : undefined} title={entry.revocation?.detail}>
        {revocationText(entry)}
      </td>
      <td>
        {entry.findings.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <ul className="reasons" data-testid="findings">
            {entry.findings.map((f) => (
              <li key={f.code} className={`reason reason-${f.level}`} data-code={f.code}>
                {f.message}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}

export function CertificatesView({ onOpenConnection }: { onOpenConnection: (connectionId: string) => void }) {
  const { client } = useServices();
  const [inventory, setInventory] = useState<CertificateInventory | null>(null);
  const [filter, setFilter] = useState<InventoryFilter>('all');
  const load = useAction();
  const report = useAction();
  const [reportId, setReportId] = useState<string | null>(null);
  const [reportState, setReportState] = useState<ExportProgress | null>(null);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    const fetchNow = () => {
      last = Date.now();
      void load.run(() => client.invoke('trust.inventory', {}), { label: 'Reading certificates…', onValue: setInventory });
    };
    const soon = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        fetchNow();
      }, Math.max(0, last + REFRESH_MS - Date.now()));
    };
    fetchNow();
    const stopTrust = client.on('trust.changed', soon);
    const stopProfiles = client.on('profiles.changed', soon);
    return () => {
      if (timer) clearTimeout(timer);
      stopTrust();
      stopProfiles();
    };
    // `load.run` is the same function for the component's whole life (useAction keeps one state).
  }, [client, load.run]);

  useEffect(() => client.on('history.export', (p) => p.exportId === reportId && setReportState(p)), [client, reportId]);

  async function exportReport() {
    setReportState(null);
    const result = await report.run(() => client.invoke('trust.report', {}), { label: 'Writing the report…' });
    if (!result.ok) return;
    setReportId(result.value.exportId);
    if (result.value.delivery === 'download' && result.value.path) await downloadExport(result.value.path, result.value.exportId);
  }

  const rows = inventory ? visibleEntries(inventory.certificates, filter) : [];
  const counts = inventory?.counts;
  return (
    <section className="panel" aria-label="Certificates" data-testid="certificates-view">
      <header className="panel-head">
        <h2>Certificates</h2>
        {counts && (
          <span className="muted small" data-testid="certificate-counts">
            {counts.certificates} in use · <span className={counts.expired ? 'expiry-expired' : undefined}>{counts.expired} expired</span> ·{' '}
            <span className={counts.expiring ? 'expiry-expiring' : undefined}>
              {counts.expiring} expiring within {inventory.warningDays} days
            </span>{' '}
            · <span className={counts.revoked ? 'bad' : undefined}>{counts.revoked} revoked</span>
          </span>
        )}
        <span className="spacer" />
        <select aria-label="Show" value={filter} onChange={(e) => setFilter(e.target.value as InventoryFilter)} data-testid="certificates-filter">
          <option value="all">All certificates</option>
          <option value="attention">Only those with findings</option>
        </select>
        <button type="button" onClick={() => void exportReport()} disabled={report.busy} data-testid="export-report">
          Export report…
        </button>
      </header>
      <p className="muted small">
        Client certificates and CAs saved with each connection, and each broker&apos;s chain as it was last presented. The report is one HTML page with this list and every
        connection&apos;s verdict, for an audit ticket.
      </p>
      {(load.busy || report.busy) && <Busy label={report.label ?? load.label ?? undefined} />}
      {reportState?.state === 'done' && (
        <p className="muted small" role="status" data-testid="report-done">
          Report saved.
        </p>
      )}
      {reportState?.error && <Problem problem={reportState.error} />}
      {report.error && <Problem problem={report.error} />}
      {load.error && <Problem problem={load.error} />}
      {inventory && inventory.unseen.length > 0 && (
        <p className="muted small" data-testid="unseen-connections">
          Not connected since saved, so their brokers&apos; chains are not listed yet: {inventory.unseen.map((u) => u.connectionName).join(', ')}.
        </p>
      )}
      {inventory && rows.length === 0 && <p className="muted">{filter === 'all' ? 'No certificates yet: add a connection with TLS.' : 'No certificate has a finding.'}</p>}
      {rows.length > 0 && (
        <table className="inventory" data-testid="certificates-table">
          <thead>
            <tr>
              <th>Days left</th>
              <th>Subject</th>
              <th>Used by</th>
              <th>Key</th>
              <th>Signature</th>
              <th>Revocation</th>
              <th>Findings</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((entry) => (
              <Row key={entry.fingerprint256} entry={entry} onOpen={onOpenConnection} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
