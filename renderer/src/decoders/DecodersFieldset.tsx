/**
 * The connection form's payload decoders: rules from a topic filter to a
 * decoder, first match wins (Sparkplug B on spBv1.0/# unless removed), and
 * the .proto files Protobuf rules take their message from. A .proto file is
 * read here as text and checked by main at once (`decoders.inspectProto`),
 * which lists its messages or names the line that does not compile; the file
 * itself is saved with the connection, never a path to it.
 */
import { useEffect, useState } from 'react';
import { DECODER_KINDS, DECODER_LABELS, MAX_PROTO_CHARS, type DecoderKind, type Decoders } from '../../../shared/decoders';
import { useClient } from '../app/services';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { readText } from '../connections/files';
import { addRule, changeRule, moveRuleUp, removeRule, withoutProto, withProto } from './rule-edits';

export function DecodersFieldset({ decoders, onChange }: { decoders: Decoders; onChange: (next: Decoders) => void }) {
  const client = useClient();
  const { busy, error, run, fail } = useAction();
  /** Every message the imported files define, for the Protobuf rules to pick from. */
  const [messages, setMessages] = useState<string[]>([]);
  const protos = decoders.protos;

  // The saved files' messages, read once when the form opens.
  useEffect(() => {
    const [last, ...rest] = [...protos].reverse();
    if (!last) return;
    void client.invoke('decoders.inspectProto', { file: last, others: rest }).then((result) => {
      if (result.ok) setMessages(result.value.messages);
    });
    // Only on opening: imports below keep the list current.
  }, []);

  async function importProto(file: File | undefined) {
    if (!file) return;
    if (file.size > MAX_PROTO_CHARS) return fail({ code: 'proto_invalid', message: `${file.name} is larger than the ${MAX_PROTO_CHARS / 1024} KB a .proto file may be.`, hint: 'Import the file that defines the messages, not a generated bundle.' });
    const picked = { name: file.name, text: await readText(file) };
    const result = await run(() => client.invoke('decoders.inspectProto', { file: picked, others: protos }), { label: 'Reading the .proto file…' });
    if (!result.ok) return;
    setMessages(result.value.messages);
    const next = withProto(decoders, picked);
    // A first Protobuf file gets a rule to start from, naming its first message.
    const first = result.value.messages[0];
    onChange(first && !next.rules.some((r) => r.decoder === 'protobuf') ? addRule(next, { filter: '', decoder: 'protobuf', message: first }) : next);
  }

  return (
    <fieldset data-testid="decoders-fieldset">
      <legend>Payload decoders</legend>
      <p className="muted small">Payloads on topics a rule matches are decoded in the app (the first matching rule wins) and charted by path like JSON; other topics show as text, JSON or hex.</p>
      <datalist id="proto-messages">
        {messages.map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
      {decoders.rules.map((rule, i) => (
        <div className="row decoder-rule" key={i} data-testid="decoder-rule">
          <label className="field">
            <span className="field-label">Topic filter</span>
            <input className="mono" value={rule.filter} onChange={(e) => onChange(changeRule(decoders, i, { filter: e.target.value }))} placeholder="factory/+/telemetry" spellCheck={false} data-testid="decoder-filter" />
          </label>
          <label className="field">
            <span className="field-label">Decoder</span>
            <select value={rule.decoder} onChange={(e) => onChange(changeRule(decoders, i, { decoder: e.target.value as DecoderKind }))} data-testid="decoder-kind">
              {DECODER_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {DECODER_LABELS[kind]}
                </option>
              ))}
            </select>
          </label>
          {rule.decoder === 'protobuf' && (
            <label className="field">
              <span className="field-label">Message</span>
              <input className="mono" list="proto-messages" value={rule.message} onChange={(e) => onChange(changeRule(decoders, i, { message: e.target.value }))} placeholder="acme.Telemetry" spellCheck={false} data-testid="decoder-message" />
            </label>
          )}
          <button type="button" className="link" onClick={() => onChange(moveRuleUp(decoders, i))} disabled={i === 0} aria-label={`Move the rule for ${rule.filter || 'this filter'} up`}>
            Up
          </button>
          <button type="button" className="link" onClick={() => onChange(removeRule(decoders, i))} aria-label={`Remove the rule for ${rule.filter || 'this filter'}`}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange(addRule(decoders))} data-testid="decoder-add">
        Add rule
      </button>
      <div className="proto-files">
        <span className="field-label">.proto files</span>
        {protos.length === 0 && <span className="muted small">None imported. Protobuf rules name a message from an imported file.</span>}
        <ul className="plain-list">
          {protos.map((p) => (
            <li key={p.name} data-testid="proto-file">
              <span className="mono">{p.name}</span>{' '}
              <button type="button" className="link" onClick={() => onChange(withoutProto(decoders, p.name))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
        <label className="field">
          <span className="field-label">Import a .proto file</span>
          <input type="file" accept=".proto,text/plain" onChange={(e) => void importProto(e.target.files?.[0])} disabled={busy} data-testid="proto-import" />
        </label>
        {messages.length > 0 && (
          <p className="muted small" data-testid="proto-messages">
            Messages: {messages.join(', ')}
          </p>
        )}
        {busy && <Busy label="Reading…" />}
      </div>
      {error && <Problem problem={error} testId="decoders-error" />}
    </fieldset>
  );
}
