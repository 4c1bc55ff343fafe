/**
 * The last step: where the bundle goes. A new connection (name, by default
 * the identity's common name; broker URL, required; which roots verify the
 * broker) or an existing one. Save stays disabled until the bundle is usable.
 * A new name that another connection already has is pointed out.
 */
import { useState, type FormEvent } from 'react';
import type { ImportSummary } from '../../../shared/certificates';
import { brokerUrlProblem, type Profile, type ProfileSettingsInput, type Trust } from '../../../shared/profiles';
import { commonName } from '../certificates/describe';
import { duplicateNameWarning } from '../connections/names';
import { Field } from '../forms/Field';

export type ApplyTarget = { profileId: string } | { settings: ProfileSettingsInput };

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

export function TargetForm({
  summary,
  profiles,
  initialTargetId,
  busy,
  onSave,
}: {
  summary: ImportSummary;
  profiles: Profile[];
  initialTargetId: string | null;
  busy: boolean;
  onSave: (target: ApplyTarget) => void;
}) {
  const [mode, setMode] = useState<'new' | 'existing'>(initialTargetId && profiles.some((p) => p.id === initialTargetId) ? 'existing' : 'new');
  const [profileId, setProfileId] = useState(initialTargetId ?? profiles[0]?.id ?? '');
  // null until the operator types: then the name follows the identity, which an unlock can reveal.
  const [name, setName] = useState<string | null>(null);
  const [url, setUrl] = useState('');
  const [trust, setTrust] = useState<Trust | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const cn = commonName(summary.identity?.certificate.subject) ?? '';
  const shownName = name ?? cn;
  const nameWarning = mode === 'new' ? duplicateNameWarning(shownName.trim() || hostOf(url.trim()), profiles) : null;
  // A bundle with CAs always brings them into play (apply switches 'system' to 'custom'), so the choice is only how.
  const shownTrust: Trust = summary.ca.length > 0 ? (trust ?? 'custom') : 'system';
  const canSave = summary.usable && !!summary.importId && !busy && (mode === 'new' || profiles.some((p) => p.id === profileId));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!canSave) return;
    if (mode === 'existing') {
      onSave({ profileId });
      return;
    }
    const urlProblem = brokerUrlProblem(url.trim());
    setProblem(urlProblem);
    if (urlProblem) return;
    onSave({ settings: { name: shownName.trim() || hostOf(url.trim()) || 'Imported connection', url: url.trim(), tls: { trust: shownTrust } } });
  }

  return (
    <form className="target" onSubmit={submit} aria-label="Where to save the bundle">
      <fieldset>
        <legend>Save to</legend>
        <div className="row">
          <label className="check">
            <input type="radio" name="import-target" checked={mode === 'new'} onChange={() => setMode('new')} data-testid="import-target-new" /> New connection
          </label>
          <label className="check">
            <input type="radio" name="import-target" checked={mode === 'existing'} disabled={profiles.length === 0} onChange={() => setMode('existing')} data-testid="import-target-existing" /> Existing connection
          </label>
        </div>
        {mode === 'new' ? (
          <div className="row top">
            <Field label="Name" hint={nameWarning && <span className="warn" data-testid="import-name-warning">{nameWarning}</span>}>
              <input value={shownName} placeholder={hostOf(url) || 'Connection name'} onChange={(e) => setName(e.target.value)} data-testid="import-name" />
            </Field>
            <Field label="Broker URL" hint="AWS IoT: mqtts://…-ats.iot.<region>.amazonaws.com:8883">
              <input
                value={url}
                required
                spellCheck={false}
                placeholder="mqtts://broker.example.com:8883"
                aria-invalid={!!problem}
                onChange={(e) => {
                  setUrl(e.target.value);
                  setProblem(null);
                }}
                data-testid="import-url"
              />
            </Field>
            {summary.ca.length > 0 ? (
              <Field label="Verify the broker with">
                <select value={shownTrust} onChange={(e) => setTrust(e.target.value as Trust)} data-testid="import-trust">
                  <option value="custom">Only the bundle's CAs</option>
                  <option value="system+custom">The bundle's CAs and the system roots</option>
                </select>
              </Field>
            ) : (
              <p className="muted small">No CA in the bundle: the system roots will verify the broker.</p>
            )}
          </div>
        ) : (
          <Field label="Connection" hint="The bundle's CA certificates, client certificate and key go onto this connection.">
            <select value={profileId} onChange={(e) => setProfileId(e.target.value)} data-testid="import-existing">
              {profiles.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.group ? `${p.group} / ${p.name}` : p.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        {problem && (
          <p className="bad" role="alert" data-testid="import-url-problem">
            {problem}
          </p>
        )}
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={!canSave} data-testid="import-save">
          Save
        </button>
        {!summary.usable && <span className="muted small">Fix the errors above to save.</span>}
      </div>
    </form>
  );
}
