/**
 * The progress mark for anything that can take more than half a second
 * (inspecting a bundle, saving, connecting, exporting). The container that is
 * busy sets `aria-busy`; this says so in words for screen readers too.
 */
export function Busy({ label = 'Working…' }: { label?: string }) {
  return (
    <span className="busy" role="status" data-testid="busy">
      <span className="spinner" aria-hidden="true" />
      {label}
    </span>
  );
}
