/**
 * Which y-axis each series of a chart is drawn against, left or right, so
 * that pressure (~1.2 bar) does not lie flat under temperature (~25 °C). The
 * operator's choice for a series wins. Otherwise the unit decides: series of
 * one unit share an axis, a second unit goes to the other side (a third one
 * joins the side it squashes least). Series without a unit go by their
 * ranges: a series joins an axis only if no line on it, itself included,
 * would span less than a tenth of the axis. Pure: decided afresh from what
 * the chart draws, once per frame.
 */
import type { AxisSide } from '../../../shared/telemetry';

export interface AxisInput {
  /** The series' unit, or the chart's; '' when neither says. */
  unit: string;
  /** The operator's choice, if any. */
  choice?: AxisSide;
  /** The lowest and highest value drawn; min > max when there is nothing to draw. */
  min: number;
  max: number;
}

/** A line spanning less than this share of its axis reads as flat. */
export const FLAT_SHARE = 1 / 10;

/** How much room a line needs on an axis: its span, or a tenth of its magnitude for a flat line; 0 when it says nothing of its scale. */
function ownSpan(min: number, max: number): number {
  if (!(max >= min)) return 0;
  return Math.max(max - min, 0.1 * Math.max(Math.abs(min), Math.abs(max)));
}

class Side {
  units = new Set<string>();
  members = 0;
  lo = Infinity;
  hi = -Infinity;
  /** The smallest own span among the members that have one. */
  tightest = Infinity;

  add(input: AxisInput): void {
    this.members++;
    if (input.unit) this.units.add(input.unit);
    const span = ownSpan(input.min, input.max);
    if (span === 0) return;
    this.lo = Math.min(this.lo, input.min);
    this.hi = Math.max(this.hi, input.max);
    this.tightest = Math.min(this.tightest, span);
  }

  /** How much the flattest line would be squashed with `input` added (1: not at all; past 1/FLAT_SHARE: flat). */
  squash(input: AxisInput): number {
    const span = ownSpan(input.min, input.max);
    if (span === 0 || this.tightest === Infinity) return 1;
    const combined = Math.max(this.hi, input.max) - Math.min(this.lo, input.min);
    return combined / Math.min(span, this.tightest);
  }
}

export function assignAxes(inputs: readonly AxisInput[]): AxisSide[] {
  const left = new Side();
  const right = new Side();
  const sides = new Array<AxisSide>(inputs.length);
  inputs.forEach((input, i) => {
    if (!input.choice) return;
    (input.choice === 'left' ? left : right).add(input);
    sides[i] = input.choice;
  });
  inputs.forEach((input, i) => {
    if (input.choice) return;
    let side: Side;
    if (input.unit) {
      const holding = left.units.has(input.unit) ? left : right.units.has(input.unit) ? right : null;
      if (holding) side = holding;
      else if (left.members === 0) side = left;
      else if (right.members === 0) side = right;
      // A unit next to lines with none: join them if the ranges agree.
      else if (left.units.size === 0 && left.squash(input) <= 1 / FLAT_SHARE) side = left;
      else if (right.units.size === 0 && right.squash(input) <= 1 / FLAT_SHARE) side = right;
      else side = left.squash(input) <= right.squash(input) ? left : right;
    } else if (left.members === 0 || left.squash(input) <= 1 / FLAT_SHARE) side = left;
    else if (right.members === 0 || right.squash(input) <= 1 / FLAT_SHARE) side = right;
    else side = left.squash(input) <= right.squash(input) ? left : right;
    side.add(input);
    sides[i] = side === left ? 'left' : 'right';
  });
  return sides;
}
