/**
 * The Publish tab: topic, payload (text or base64), QoS, retain, and for MQTT 5
 * connections the content type and user properties. Send shows the message
 * pending until the broker acknowledges it, then the outcome: acknowledged,
 * or main's error (refused, or unconfirmed when the link dropped first). The
 * form says why it is disabled when not connected: nothing is queued.
 */
import { useState } from 'react';
import type { Profile } from '../../../shared/profiles';
import type { SessionState } from '../../../shared/sessions';
import { useClient } from '../app/services';
import { Busy } from '../feedback/Busy';
import { Done } from '../feedback/Done';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { Field } from '../forms/Field';
import { formatTime } from '../app/format';
import { pendingText, publishRequest, sentText, type PublishForm } from './publish-request';
import { UserPropertiesEditor } from './UserPropertiesEditor';

/** The form per connection, kept while the operator looks at other tabs. */
const drafts = new Map<string, PublishForm>();
const EMPTY: PublishForm = { topic: '', payload: '', encoding: 'text', qos: 0, retain: false, contentType: '', userProperties: [] };

export function PublishPanel({ profile, state }: { profile: Profile; state: SessionState }) {
  const client = useClient();
  const [f, setF] = useState<PublishForm>(() => drafts.get(profile.id) ?? EMPTY);
  const { busy, label, error, run, fail } = useAction();
  const [sent, setSent] = useState<string | null>(null);
  const connected = state === 'connected';
  const mqtt5 = profile.protocolVersion === 5;
  const set = <K extends keyof PublishForm>(key: K, value: PublishForm[K]) =>
    setF((s) => {
      const next = { ...s, [key]: value };
      drafts.set(profile.id, next);
      return next;
    });

  async function send() {
    setSent(null);
    const built = publishRequest(profile.id, f, mqtt5);
    if (!built.ok) return fail({ code: 'invalid_publish', message: built.reason, hint: '' });
    const result = await run(() => client.invoke('sessions.publish', built.request), { label: pendingText(f.qos) });
    if (!result.ok) return;
    setSent(sentText(f.topic, f.qos, f.retain, formatTime(Date.now())));
  }

  return (
    <form
      className="panel form publish"
      aria-label="Publish a message"
      data-testid="publish-panel"
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
        <Field label="Payload">
          <textarea name="payload" className="mono" rows={6} value={f.payload} onChange={(e) => set('payload', e.target.value)} spellCheck={false} data-testid="publish-payload" />
        </Field>
        <div className="row">
          <Field label="Encoding" hint={f.encoding === 'base64' ? 'The payload above is base64; the bytes it decodes to are sent.' : 'Sent as UTF-8.'}>
            <select value={f.encoding} onChange={(e) => set('encoding', e.target.value === 'base64' ? 'base64' : 'text')} data-testid="publish-encoding">
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
            <Field label="Content type" hint="MQTT 5, e.g. application/json">
              <input value={f.contentType} onChange={(e) => set('contentType', e.target.value)} spellCheck={false} data-testid="publish-content-type" />
            </Field>
            <UserPropertiesEditor rows={f.userProperties} onChange={(rows) => set('userProperties', rows)} disabled={!connected || busy} />
          </>
        ) : (
          <p className="muted small">Content type and user properties need MQTT 5; this connection uses 3.1.1.</p>
        )}
      </fieldset>
      <div className="actions" aria-busy={busy}>
        <button type="submit" className="primary" disabled={!connected || busy} data-testid="publish-send">
          Send
        </button>
        {busy && <Busy label={label ?? ''} />}
        {sent && <Done testId="publish-sent">{sent}</Done>}
      </div>
      {error && <Problem problem={error} testId="publish-error" />}
    </form>
  );
}
