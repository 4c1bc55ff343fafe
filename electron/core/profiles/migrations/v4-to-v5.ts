/**
 * Format 4 → 5: charts say how they are drawn. A chart may be a stat panel
 * (`kind`, `stat`: thresholds, silence, gauge scale), and a series may carry
 * its own unit, axis and drawing (`unit`, `axis`, `draw`). Every new field is
 * optional and means what format 4 drew when absent, so the profiles stay as
 * they are. The format number changes all the same: an app of format 4 would
 * read a format-5 file, drop the fields it does not know (a stat panel would
 * come back as a line chart, thresholds lost) and write the file back without
 * them; with the new number it opens the file read-only instead.
 */
import type { MigrationStep } from './step';

export const v4ToV5: MigrationStep = {
  from: 4,
  run(profiles) {
    return { profiles: [...profiles], notes: [], secrets: [] };
  },
};
