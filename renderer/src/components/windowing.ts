import { type RefObject, useEffect, useRef, useState } from 'react';

/**
 * Rows drawn beyond each edge of the viewport, so a fast scroll shows no blank band. Every row
 * drawn is laid out and painted again on each keystroke of the filter, so it stays small: 4 rows
 * are 176 px, more than a wheel notch scrolls in one frame.
 */
export const OVERSCAN = 4;
/** Until the container is measured: the list cannot be taller than the window (styles.css). */
const unmeasuredHeight = () => (typeof window === 'undefined' ? 1200 : window.innerHeight);

export interface RowWindow {
  /** First row index drawn. */
  start: number;
  /** One past the last row index drawn. */
  end: number;
  /** Blank space standing in for the rows above and below, in px. */
  before: number;
  after: number;
}

/** Which of `count` rows of `rowHeight` px a viewport of `height` px scrolled to `scrollTop` shows. */
export function rowWindow(count: number, rowHeight: number, scrollTop: number, height: number): RowWindow {
  // A list that just got shorter may still report the old, larger scroll position.
  const top = Math.max(0, Math.min(scrollTop, count * rowHeight - height));
  const first = Math.floor(top / rowHeight);
  const start = Math.max(0, Math.min(count, first - OVERSCAN));
  const end = Math.min(count, Math.ceil((top + height) / rowHeight) + OVERSCAN);
  return {
    start,
    end: Math.max(start, end),
    before: start * rowHeight,
    after: (count - Math.max(start, end)) * rowHeight,
  };
}

/**
 * The rows of a fixed-row-height list inside the scrolling element `ref` worth drawing now: it
 * follows the element's scroll position and size. With a thousand clusters the page holds a few
 * dozen rows instead of a thousand.
 */
export function useRowWindow(
  ref: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  resetKey: string,
): RowWindow {
  const [view, setView] = useState(() => ({ top: 0, height: unmeasuredHeight() }));
  const top = useRef(0);
  top.current = view.top;
  // A new filter shows its best matches: back to the top. The position comes from the last scroll
  // event, not from el.scrollTop, whose read would force a layout of the new rows mid-commit.
  useEffect(() => {
    const el = ref.current;
    if (el && resetKey !== undefined && top.current > 0) el.scrollTop = 0;
  }, [ref, resetKey]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () =>
      setView((v) =>
        v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight },
      );
    el.addEventListener('scroll', measure, { passive: true });
    // The observer's first call comes after the browser's own layout: measuring here instead
    // would force a layout of the whole page inside React's commit.
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => {
      el.removeEventListener('scroll', measure);
      observer.disconnect();
    };
  }, [ref]);
  return rowWindow(count, rowHeight, view.top, view.height || unmeasuredHeight());
}
