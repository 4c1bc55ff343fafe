/**
 * The Dashboard tab of a connection: the memory status line and the grid of
 * its charts (whose series may come from several connections), in the saved
 * order.
 */
import type { Profile } from '../../../shared/profiles';
import { BudgetStatus } from './BudgetStatus';
import { ChartCard } from './ChartCard';

export function Dashboard({ profile, onOpenTopics }: { profile: Profile; onOpenTopics: () => void }) {
  const charts = profile.dashboard.charts;
  return (
    <div className="dashboard" data-testid="dashboard">
      <BudgetStatus />
      {charts.length === 0 && (
        <div className="panel empty-charts" data-testid="dashboard-empty">
          <p>No charts yet.</p>
          <p className="muted">
            In{' '}
            <button type="button" className="link" onClick={onOpenTopics}>
              Topics
            </button>
            , select a topic and use Chart value, or click a number in its JSON payload and Chart this field.
          </p>
        </div>
      )}
      <div className="chart-grid">
        {charts.map((spec, i) => (
          <ChartCard key={spec.id} profileId={profile.id} spec={spec} index={i} count={charts.length} />
        ))}
      </div>
    </div>
  );
}
