/**
 * The plain parts of the connection form, one fieldset each: the broker, the
 * authentication (the password write-only, to the keychain), the
 * subscriptions (the same rows and checks as the subscriptions editor) and
 * the last will. TLS has its own file.
 */
import type { Profile, Qos } from '../../../shared/profiles';
import type { AppError } from '../../../shared/result';
import { Field } from '../forms/Field';
import { invalidRows } from '../topics/subscription-rows';
import { SubscriptionRows } from '../topics/SubscriptionRows';
import { MaxPacketField } from './MaxPacketField';
import { defaultName, isEncryptedUrl, sentSubscriptionRows, subscribesToEverything, type FormState, type SetField } from './form-state';

interface Props {
  f: FormState;
  set: SetField;
}

export function BrokerFieldset({ f, set, nameWarning = null }: Props & { nameWarning?: string | null }) {
  return (
    <fieldset>
      <legend>Broker</legend>
      <Field label="Broker URL" hint="mqtts://host:8883 or wss://host/mqtt; mqtt:// and ws:// are unencrypted.">
        <input name="url" value={f.url} onChange={(e) => set('url', e.target.value)} required spellCheck={false} />
      </Field>
      {!isEncryptedUrl(f.url) && f.url.length > 6 && <p className="warn">This URL is not encrypted: everything, including any password, crosses the network in clear text.</p>}
      <div className="row">
        <Field label="Name" hint={nameWarning && <span className="warn" data-testid="name-warning">{nameWarning}</span>}>
          <input name="name" value={f.name} placeholder={defaultName(f.url)} onChange={(e) => set('name', e.target.value)} />
        </Field>
        <Field label="Group">
          <input name="group" value={f.group} onChange={(e) => set('group', e.target.value)} />
        </Field>
      </div>
      <div className="row">
        <Field label="MQTT version">
          <select name="protocolVersion" value={f.protocolVersion} onChange={(e) => set('protocolVersion', Number(e.target.value) as 4 | 5)}>
            <option value={4}>3.1.1</option>
            <option value={5}>5</option>
          </select>
        </Field>
        <Field label="Client ID" hint="Empty: a random one per connection.">
          <input name="clientId" value={f.clientId} onChange={(e) => set('clientId', e.target.value)} spellCheck={false} />
        </Field>
        <Field label="Keepalive (s)">
          <input name="keepalive" type="number" min={0} max={65535} value={f.keepalive} onChange={(e) => set('keepalive', e.target.value)} />
        </Field>
        <label className="check">
          <input type="checkbox" checked={f.clean} onChange={(e) => set('clean', e.target.checked)} /> Clean start
        </label>
      </div>
      <MaxPacketField value={f.maxPacketMB} onChange={(text) => set('maxPacketMB', text)} />
    </fieldset>
  );
}

export function AuthFieldset({ f, set, profile }: Props & { profile: Profile | null }) {
  const stored = profile?.secrets;
  return (
    <fieldset>
      <legend>Authentication</legend>
      <div className="row">
        <Field label="User name">
          <input name="username" value={f.username} onChange={(e) => set('username', e.target.value)} autoComplete="off" spellCheck={false} />
        </Field>
        {/* With a SAS token, the token is the password (SasFieldset). */}
        {!f.sasToken && (
          <Field label="Password" hint={stored?.password ? 'Stored in the keychain; type to replace.' : 'Stored in the OS keychain only.'}>
            <input name="password" type="password" value={f.password} onChange={(e) => set('password', e.target.value)} autoComplete="new-password" />
          </Field>
        )}
        {stored?.password && !f.sasToken && (
          <label className="check">
            <input type="checkbox" checked={f.clearPassword} onChange={(e) => set('clearPassword', e.target.checked)} /> Remove stored password
          </label>
        )}
      </div>
    </fieldset>
  );
}

export function SubscriptionsFieldset({ f, set, error }: Props & { error: AppError | null }) {
  return (
    <fieldset>
      <legend>Subscriptions</legend>
      <SubscriptionRows rows={f.subscriptions} invalid={invalidRows(f.subscriptions, error, sentSubscriptionRows(f))} onChange={(rows) => set('subscriptions', rows)} />
      {subscribesToEverything(f) && (
        <p className="muted small" data-testid="subscription-note">
          # receives every topic this client may read. On a busy broker, narrow it to what you watch (plant/line1/#, +/temperature); some brokers (AWS IoT) refuse # unless their policy allows it.
        </p>
      )}
      <button type="button" onClick={() => set('subscriptions', [...f.subscriptions, { filter: '#', qos: 0 }])}>
        Add subscription
      </button>
    </fieldset>
  );
}

export function WillFieldset({ f, set }: Props) {
  return (
    <fieldset>
      <legend>Last will</legend>
      <label className="check">
        <input type="checkbox" checked={f.willEnabled} onChange={(e) => set('willEnabled', e.target.checked)} /> Send a last will
      </label>
      {f.willEnabled && (
        <div className="row">
          <Field label="Topic">
            <input value={f.willTopic} onChange={(e) => set('willTopic', e.target.value)} />
          </Field>
          <Field label="Payload">
            <input value={f.willPayload} onChange={(e) => set('willPayload', e.target.value)} />
          </Field>
          <Field label="QoS">
            <select value={f.willQos} onChange={(e) => set('willQos', Number(e.target.value) as Qos)}>
              <option value={0}>0</option>
              <option value={1}>1</option>
              <option value={2}>2</option>
            </select>
          </Field>
          <label className="check">
            <input type="checkbox" checked={f.willRetain} onChange={(e) => set('willRetain', e.target.checked)} /> Retain
          </label>
        </div>
      )}
    </fieldset>
  );
}
