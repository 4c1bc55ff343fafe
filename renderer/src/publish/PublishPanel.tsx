/**
 * The Publish tab: topic, payload (text or base64), QoS, retain, and for MQTT 5
 * connections the content type and user properties. Send (or Ctrl+Enter)
 * shows the message pending until the broker acknowledges it, then the
 * outcome: acknowledged, or main's error (refused, or unconfirmed when the
 * link dropped first). A payload meant as JSON is checked as it is typed and
 * can be formatted; the payloads last sent to the topic can be picked again.
 * The form says why it is disabled when not connected: nothing is queued.
 */
import { useMemo, useState, type KeyboardEvent } from 'react';
import type { Profile } from '../../../shared/profiles';
import type { SessionState } from '../../../shared/sessions';
import { useServices } from '../app/services';
import { Busy } from '../feedback/Busy';
import { Done } from '../feedback/Done';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { Field } from '../forms/Field';
import { formatTime } from '../app/format';
import { checkJson, isJsonContentType, looksLikeJson } from './json-payload';
import { pendingText, publishRequest, sentText, type PublishForm } from './publish-request';
import type { RecentPayload } from './memory';
import { UserPropertiesEditor } from './UserPropertiesEditor';

/** How a recent payload reads in its list: time and the start of the text. */
function recentLabel(p: RecentPayload): string {
  const text = p.payload.replace(/\s+/g, ' ').trim();
  return `${formatTime(p.at)} · ${text.length > 60 ? `${text.slice(0, 60)}…` : text || '(empty)'}${p.encoding === 'base64' ? ' (base64)' : ''}`;
}

function JsonStatus({ payload, onFormat }: { payload: string; onFormat: (formatted: string) => void }) {
  const check = useMemo(() => checkJson(payload), [payload]);
  if (!check.ok) {
    return (
      <p className="warn small" data-testid="publish-json" data-valid="false">
        Not valid JSON: {check.reason}
      </p>
    );
  }
  return (
    <p className="small json-status" data-testid="publish-json" data-valid="true">
      <span className="ok-text">Valid JSON.</span>
      {check.formatted !== payload && (
        <button type="button" className="link small" onClick={() => onFormat(check.formatted)} data-testid="publish-format-json">
          Format
        </button>
      )}
    </p>
  );
}

export function PublishPanel({ profile, state }: { profile: Profile; state: SessionState }) {
  const { client, publish: memory } = useServices();
  const [f, setF] = useState<PublishForm>(() => memory.draft(profile.id));
  const { busy, label, error, run, fail, reset } = useAction();
  const [sent, setSent] = useState<string | null>(null);
  const connected = state === 'connected';
  const mqtt5 = profile.protocolVersion === 5;
  const update = (change: Partial<PublishForm>) =>
    setF((s) => {
      const next = { ...s, ...change };
      memory.keepDraft(profile.id, next);
      return next;
    });
  const set = <K extends keyof PublishForm>(key: K, value: PublishForm[K]) => update({ [key]: value } as Partial<PublishForm>);
  const recent = memory.recentFor(profile.id, f.topic);
  const meantAsJson = f.encoding === 'text' && ((mqtt5 && isJsonContentType(f.contentType)) || looksLikeJson(f.payload));

  async function send() {
    if (!connected || busy) return;
    setSent(null);
    const built = publishRequest(profile.id, f, mqtt5);
    if (!built.ok) return fail({ code: 'invalid_publish', message: built.reason, hint: '' });
    const form = f;
    const result = await run(() => client.invoke('sessions.publish', built.request), { label: pendingText(form.qos) });
    if (!result.ok) return;
    memory.remember(profile.id, form.topic, { payload: form.payload, encoding: form.encoding, contentType: mqtt5 ? form.contentType : '', at: Date.now() });
    setSent(sentText(form.topic, form.qos, form.retain, formatTime(Date.now())));
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    void send();
  }

  return (
    <form
      className="panel form publish"
      aria-label="Publish a message"
      data-testid="publish-panel"
      onKeyDown={onKeyDown}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <header className="panel-head">
        <h2>Publish</h2>
        {!connected && (
          <span className="warn small" data-testid="publish-disabled">
            Publishing needs a live connection; {profile.name} is {state}. Nothing is queued: send once it is connected.
          </span>
        )}
      </header>
      <fieldset disabled={!connected || busy}>
        <Field label="Topic">
          <input name="topic" className="mono" value={f.topic} onChange={(e) => set('topic', e.target.value)} placeholder="plant/line1/dev1/cmd" spellCheck={false} required data-testid="publish-topic" />
        </Field>
        {recent.length > 0 && (
          <Field label="Sent to this topic before">
            <select
              value=""
              onChange={(e) => {
                const picked = recent[Number(e.target.value)];
                if (picked) update({ payload: picked.payload, encoding: picked.encoding, ...(mqtt5 ? { contentType: picked.contentType } : {}) });
              }}
              data-testid="publish-recent"
            >
              <option value="">Pick a recent payload ({recent.length})…</option>
              {recent.map((p, i) => (
                <option key={`${p.at}-${i}`} value={i}>
                  {recentLabel(p)}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label="Payload" hint="Ctrl+Enter sends.">
          <textarea name="payload" className="mono" rows={6} value={f.payload} onChange={(e) => set('payload', e.target.value)} spellCheck={false} data-testid="publish-payload" />
        </Field>
        {meantAsJson && <JsonStatus payload={f.payload} onFormat={(formatted) => set('payload', formatted)} />}
        <div className="row">
          <Field label="Encoding" hint={f.encoding === 'base64' ? 'The payload above is base64; the bytes it decodes to are sent.' : 'Sent as UTF-8.'}>
            <select
              value={f.encoding}
              onChange={(e) => {
                // A complaint about the other encoding no longer applies.
                reset();
                set('encoding', e.target.value === 'base64' ? 'base64' : 'text');
              }}
              data-testid="publish-encoding"
            >
              <option value="text">Text (UTF-8)</option>
              <option value="base64">Base64 (binary)</option>
            </select>
          </Field>
          <Field label="QoS">
            <select value={f.qos} onChange={(e) => set('qos', Number(e.target.value) as PublishForm['qos'])} data-testid="publish-qos">
              <option value={0}>0: at most once</option>
              <option value={1}>1: at least once</option>
              <option value={2}>2: exactly once</option>
            </select>
          </Field>
          <label className="check">
            <input type="checkbox" checked={f.retain} onChange={(e) => set('retain', e.target.checked)} data-testid="publish-retain" /> Retain
          </label>
        </div>
        {mqtt5 ? (
          <>
            <Field label="Content type" hint="MQTT 5, e.g. application/json (the payload is then checked as JSON)">
              <input value={f.contentType} onChange={(e) => set('contentType', e.target.value)} spellCheck={false} data-testid="publish-content-type" />
            </Field>
            <UserPropertiesEditor rows={f.userProperties} onChange={(rows) => set('userProperties', rows)} disabled={!connected || busy} />
          </>
        ) : (
          <p className="muted small">Content type and user properties need MQTT 5; this connection uses 3.1.1.</p>
        )}
      </fieldset>
      <div className="actions" aria-busy={busy}>
        <button type="submit" className="primary" disabled={!connected || busy} data-testid="publish-send" title="Send (Ctrl+Enter)">
          Send
        </button>
        {busy && <Busy label={label ?? ''} />}
        {sent && <Done testId="publish-sent">{sent}</Done>}
      </div>
      {error && <Problem problem={error} testId="publish-error" />}
    </form>
  );
}
