/**
 * The field naming which value of a JSON payload a series charts, in every
 * form that adds a series (from the topics view, from a chart).
 */
export function JsonPathField({ value, onChange, testId }: { value: string; onChange: (path: string) => void; testId: string }) {
  return (
    <label className="field">
      <span className="field-label">JSON path</span>
      <input className="mono" value={value} onChange={(e) => onChange(e.target.value)} placeholder="temp or sensors[0].value or readings[*].t" spellCheck={false} data-testid={testId} />
    </label>
  );
}
