/**
 * The cloud preset picker of the new-connection form: pick AWS IoT Core,
 * Azure IoT Hub, HiveMQ Cloud or EMQX Cloud and a variant, type what that
 * cloud names (endpoint, hub, device), and the form is filled with what the
 * cloud expects (shared/presets.ts through form-state's `withPreset`); every
 * field stays editable. Then it says what is still to give.
 */
import { useState } from 'react';
import { CLOUD_PRESETS, cloudPreset, presetDefaults, presetProblem, type PresetId } from '../../../shared/presets';
import type { AppError } from '../../../shared/result';
import { Problem } from '../feedback/Problem';
import { Field } from '../forms/Field';
import { withPreset, type FormState } from './form-state';

export function PresetPicker({ update }: { update: (change: (f: FormState) => FormState) => void }) {
  const [id, setId] = useState<PresetId | ''>('');
  const [variant, setVariant] = useState('');
  const [values, setValues] = useState({ host: '', deviceId: '' });
  const [problem, setProblem] = useState<AppError | null>(null);
  const [next, setNext] = useState<string[]>([]);
  const preset = id ? cloudPreset(id) : null;

  function apply() {
    if (!id) return;
    const wrong = presetProblem(id, values);
    setProblem(wrong && { code: 'preset_incomplete', message: wrong.message, hint: '', field: [wrong.field] });
    if (wrong) return;
    const defaults = presetDefaults(id, { ...values, variant });
    update((f) => withPreset(f, defaults));
    setNext(defaults.next);
  }

  return (
    <fieldset data-testid="preset-picker">
      <legend>Cloud preset</legend>
      <div className="row">
        <Field label="Broker service" hint="Fills in what the service expects; every field below stays editable.">
          <select
            value={id}
            onChange={(e) => {
              const chosen = e.target.value as PresetId | '';
              setId(chosen);
              setVariant(chosen ? cloudPreset(chosen).variants[0].id : '');
              setProblem(null);
              setNext([]);
            }}
            data-testid="preset-select"
          >
            <option value="">None (fill in by hand)</option>
            {CLOUD_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </Field>
        {preset && (
          <Field label="Variant">
            <select value={variant} onChange={(e) => setVariant(e.target.value)} data-testid="preset-variant">
              {preset.variants.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.label}
                </option>
              ))}
            </select>
          </Field>
        )}
      </div>
      {preset && (
        <div className="row">
          {preset.inputs.map((input) => (
            <Field key={input.key} label={input.label} hint={input.hint}>
              <input
                value={values[input.key]}
                placeholder={input.placeholder}
                onChange={(e) => setValues((v) => ({ ...v, [input.key]: e.target.value }))}
                aria-invalid={problem?.field?.[0] === input.key}
                spellCheck={false}
                data-testid={`preset-${input.key}`}
              />
            </Field>
          ))}
          <button type="button" onClick={apply} data-testid="preset-apply">
            Fill in
          </button>
        </div>
      )}
      {problem && <Problem problem={problem} testId="preset-problem" />}
      {next.length > 0 && (
        <ul className="small muted" role="status" data-testid="preset-next">
          {next.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
