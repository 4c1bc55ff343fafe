/**
 * The demo offered from the connection list once other connections exist
 * (the empty first screen has its own offer): one click starts it and shows
 * its dashboard. Hidden while the demo connection exists.
 */
import { useStore } from '../app/store';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useStartDemo } from './use-demo';

export function DemoEntry({ onStart }: { onStart?: () => void }) {
  const present = useStore((s) => s.demo.profileId !== null);
  const hasProfiles = useStore((s) => s.profiles.length > 0);
  const { start, busy, error } = useStartDemo();
  if (present || !hasProfiles) return null;
  return (
    <div className="demo-entry" aria-busy={busy}>
      {busy ? (
        <Busy label="Starting the demo…" />
      ) : (
        <button
          type="button"
          className="small-button"
          title="A broker requiring client certificates and simulated devices, on this computer; removed in one click"
          onClick={() => {
            onStart?.();
            void start();
          }}
          data-testid="sidebar-start-demo"
        >
          Try the demo fleet
        </button>
      )}
      {error && <Problem problem={error} />}
    </div>
  );
}
