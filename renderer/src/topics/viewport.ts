/**
 * The height of a virtualized list's scrolled box, followed as the window
 * resizes: how many rows the topic tree and the message list render.
 */
import { useEffect, useState, type RefObject } from 'react';

export function useViewportHeight(scroller: RefObject<HTMLElement | null>, initial = 400): number {
  const [height, setHeight] = useState(initial);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    return () => observer.disconnect();
  }, [scroller]);
  return height;
}
