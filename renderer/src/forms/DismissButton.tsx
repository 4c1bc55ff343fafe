/**
 * The × that puts away a message the operator has read.
 */
export function DismissButton({ onClick, label = 'Dismiss' }: { onClick: () => void; label?: string }) {
  return (
    <button type="button" className="link dismiss" onClick={onClick} aria-label={label} title={label} data-testid="dismiss">
      ×
    </button>
  );
}
