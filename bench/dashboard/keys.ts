// Filter keystrokes in the dashboard's search box, measured two ways: typed through playwright
// (its key dispatch and the harness's evaluates land on the page's main thread too), and
// dispatched from inside the page, so the stretch between the marks holds the renderer's work only.
import type { Page } from 'playwright-core';
import { traceTasks } from './tasks.ts';

export interface KeyFigures {
  /** Dispatched in the page: input event → first frame painted after it (the box shows the key). */
  echoMs: number[];
  /** Dispatched in the page: input event → the frame after the table shows that filter. */
  filteredMs: number[];
  /**
   * Per key, how many frames after the one that showed the key in the box the rows showed the
   * filter: 0 when the whole keystroke fit in one frame. Read from the frames' own timestamps (the
   * argument every animation callback of one frame shares), so the frame clock does not blur it.
   */
  framesBehindEcho: number[];
  /** The renderer's own main-thread CPU per key between those two points (trace). */
  ownCpuMs: number;
  /** Typed through playwright: keydown → the frame after the table shows that filter. */
  typedMs: number[];
  /** Every task on the main thread per typed key, playwright's dispatch and evaluates included. */
  typedCpuMs: number;
}

const SEARCH = '#cluster-search';

/**
 * Types `text` into the empty search box both ways, clearing it in between, after one untimed
 * round. The in-page way sets the value with the native setter and fires `input`, as the
 * browser's own editing does; React's onChange listens to that event. Each key starts in a task
 * of its own (a timer), so the DevTools message that asked for it is over before the `bench:from`
 * mark.
 */
export async function measureKeys(page: Page, text: string): Promise<KeyFigures> {
  const search = page.locator(SEARCH);
  await search.focus();
  // One untimed round first: the first filter of a page also pays for compiling its code.
  await dispatchedKeys(page, text);
  await clear(page);
  const stopOwn = await traceTasks(await page.context().newCDPSession(page));
  const { echoMs, filteredMs, framesBehindEcho } = await dispatchedKeys(page, text);
  const own = (await stopOwn()).between;
  if (!own || own.stretches !== text.length) {
    throw new Error(`the trace holds ${own?.stretches ?? 0} marked keystrokes, not ${text.length}`);
  }
  await clear(page);
  const stopTyped = await traceTasks(await page.context().newCDPSession(page));
  const typedMs = await typedKeys(page, text);
  const typedCpuMs = (await stopTyped()).cpuTotalMs / text.length;
  await clear(page);
  return { echoMs, filteredMs, framesBehindEcho, ownCpuMs: own.ownCpuMs / text.length, typedMs, typedCpuMs };
}

/** Each key of `text` dispatched in the page, one after the other, between `bench:from`/`bench:to` marks. */
export async function dispatchedKeys(
  page: Page,
  text: string,
): Promise<Pick<KeyFigures, 'echoMs' | 'filteredMs' | 'framesBehindEcho'>> {
  const echoMs: number[] = [];
  const filteredMs: number[] = [];
  const framesBehindEcho: number[] = [];
  for (const ch of text) {
    const r = await page.evaluate(dispatchOne, { ch, selector: SEARCH });
    echoMs.push(r.echo);
    filteredMs.push(r.filtered);
    framesBehindEcho.push(r.framesBehind);
  }
  return { echoMs, filteredMs, framesBehindEcho };
}

export async function clear(page: Page): Promise<void> {
  await page.locator(SEARCH).fill('');
  await page.locator('table.clusters[data-filter=""]').waitFor();
}

/** Runs in the page: one key appended to the box; resolves with its two times and frame gap. */
function dispatchOne({
  ch,
  selector,
}: {
  ch: string;
  selector: string;
}): Promise<{ echo: number; filtered: number; framesBehind: number }> {
  const frames: number[] = [];
  /** After the next frame is painted: a task queued from that frame's animation callback. */
  const afterPaint = (then: () => void) =>
    requestAnimationFrame((frameTime) => {
      frames.push(frameTime);
      const channel = new MessageChannel();
      channel.port1.onmessage = then;
      channel.port2.postMessage(null);
    });
  return new Promise((resolve) => {
    setTimeout(() => {
      const input = document.querySelector(selector) as HTMLInputElement;
      const table = document.querySelector('table.clusters') as HTMLElement;
      const value = input.value + ch;
      let echo: number | undefined;
      let filtered: number | undefined;
      const finish = () => {
        if (echo === undefined || filtered === undefined) return;
        performance.mark('bench:to');
        // Frames are 1/60 s apart in headless Chromium; the two timestamps are equal for one frame.
        const [first = 0, last = 0] = [Math.min(...frames), Math.max(...frames)];
        resolve({ echo, filtered, framesBehind: Math.round((last - first) / (1000 / 60)) });
      };
      const observer = new MutationObserver(() => {
        if (table.dataset.filter !== value) return;
        observer.disconnect();
        afterPaint(() => {
          filtered = performance.now() - t0;
          finish();
        });
      });
      observer.observe(table, { attributes: true, attributeFilter: ['data-filter'] });
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
      performance.mark('bench:from');
      const t0 = performance.now();
      setValue?.call(input, value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      afterPaint(() => {
        echo = performance.now() - t0;
        finish();
      });
    }, 0);
  });
}

/** Per key typed by playwright: keydown → the frame after the table shows that filter. */
async function typedKeys(page: Page, text: string): Promise<number[]> {
  const out: number[] = [];
  for (const ch of text) {
    // Armed (and awaited) before the key is sent, so the keydown cannot come first.
    await page.evaluate((selector) => {
      const w = window as unknown as { __keyDone?: Promise<number> };
      w.__keyDone = new Promise<number>((resolve) => {
        let t0 = 0;
        // The table says which filter it shows (data-filter): done when it shows the box's text.
        const table = document.querySelector('table.clusters') as HTMLElement;
        const input = document.querySelector(selector) as HTMLInputElement;
        const mo = new MutationObserver(() => {
          if (table.dataset.filter !== input.value) return;
          mo.disconnect();
          requestAnimationFrame(() => resolve(performance.now() - t0));
        });
        window.addEventListener(
          'keydown',
          () => {
            t0 = performance.now();
            mo.observe(table, { attributes: true, attributeFilter: ['data-filter'] });
          },
          { capture: true, once: true },
        );
      });
    }, SEARCH);
    await page.keyboard.type(ch);
    out.push(await page.evaluate(() => (window as unknown as { __keyDone: Promise<number> }).__keyDone));
  }
  return out;
}
