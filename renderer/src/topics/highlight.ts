/**
 * The short highlight of tree rows whose topic (or subtree) just took a
 * message. The flash itself is a CSS animation on an element keyed by the
 * time of the change, so a new message restarts it and the compositor runs
 * it: no timer and no render per frame. A row is drawn at most once a frame
 * (the tree's frame signal); a row drawn later than its change (scrolled into
 * view, or a frame after the batch) starts the animation that far into it, and
 * a row whose change is older than the flash draws none.
 */

/** How long a row stays highlighted after a change (`.tree-flash` in styles.css runs this long). */
export const FLASH_MS = 800;

/** The flash to draw for a change at `changedAt`, seen at `now`: its key and how far into the animation it starts (a negative delay), or none. */
export function flashOf(changedAt: number, now: number): { key: number; delayMs: number } | null {
  if (changedAt <= 0) return null;
  const age = now - changedAt;
  if (age >= FLASH_MS) return null;
  return { key: changedAt, delayMs: -Math.max(0, age) };
}
