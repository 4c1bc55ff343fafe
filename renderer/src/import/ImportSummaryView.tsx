/**
 * The core's summary of a bundle, before anything is saved: errors and
 * warnings with their fixes, the identity and CAs that will be used, and
 * every item found.
 */
import type { ImportSummary } from '../../../shared/certificates';
import { ProblemList } from '../feedback/Problem';
import { CaList, IdentityCard } from './IdentityCard';
import { ItemsTable } from './ItemsTable';

export function ImportSummaryView({ summary }: { summary: ImportSummary }) {
  return (
    <section className="import-summary" data-testid="import-summary" data-usable={summary.usable} aria-label="Bundle summary">
      <ProblemList warnings={summary.warnings} errors={summary.errors} prefix="import" />
      <div className="import-use">
        <IdentityCard identity={summary.identity} />
        <CaList ca={summary.ca} />
      </div>
      <ItemsTable items={summary.items} />
    </section>
  );
}
