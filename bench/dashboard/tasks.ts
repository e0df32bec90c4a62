// The renderer main thread's tasks over a stretch of time, from a Chromium trace (CDP Tracing),
// each with its wall and CPU time and whether it was the harness's own DevTools traffic.
//
// Why: a PerformanceObserver 'longtask' names no cause. In the benchmark the app's IPC runs over
// the DevTools protocol (playwright's exposeBinding and page.evaluate), and Chromium decodes a
// large protocol message, such as the list of 1,000 clusters, in one task with no page
// script in it. Electron hands the same bytes over as a structured clone. The trace tells those
// tasks apart from the renderer's own, and gives CPU time, which a loaded machine does not inflate.
import type { CDPSession } from 'playwright-core';

export interface TaskSummary {
  /** Longest task of any kind, wall ms. */
  longestMs: number;
  /** Longest task that was not the harness decoding a large DevTools message: wall and CPU ms. */
  longestOwnMs: number;
  longestOwnCpuMs: number;
  /** Longest harness-transport task, wall ms, and the size of its message in bytes. */
  longestTransportMs: number;
  transportBytes: number;
  /** CPU time of every task on the renderer's main thread, DevTools messages included. */
  cpuTotalMs: number;
  /** Tasks of 50 ms or more: all, and the renderer's own. */
  longTasks: number;
  ownLongTasks: number;
  /**
   * Between the page's `bench:from` and `bench:to` marks, when it set both: the main thread's busy
   * time, summed over every from/to pair (`stretches` of them).
   */
  between: { wallMs: number; ownWallMs: number; ownCpuMs: number; transportMs: number; stretches: number } | null;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; chrome_mojo_event_info?: { mojo_interface_tag?: string; data_num_bytes?: number } };
}

/** A DevTools message this big is the harness moving app data, not a click or a key. */
const TRANSPORT_BYTES = 32 * 1024;

/** The page's own script inside a DevTools task: the promise callbacks and listeners the message ran. */
function ownWorkIn(task: TraceEvent, onMain: readonly TraceEvent[]): { wall: number; cpu: number } {
  let wall = 0;
  let cpu = 0;
  for (const e of onMain) {
    if (e.name !== 'RunMicrotasks' || e.tid !== task.tid || e.pid !== task.pid) continue;
    if (e.ts < task.ts || e.ts >= task.ts + (task.dur ?? 0)) continue;
    wall += (e.dur ?? 0) / 1000;
    cpu += (e.tdur ?? 0) / 1000;
  }
  return { wall, cpu };
}

/** Top-level tasks only: Chromium nests a task in another when a nested run loop runs it. */
function topLevel(tasks: readonly TraceEvent[]): TraceEvent[] {
  const out: TraceEvent[] = [];
  let end = Number.NEGATIVE_INFINITY;
  for (const t of [...tasks].sort((a, b) => a.ts - b.ts)) {
    if (t.ts < end) continue;
    out.push(t);
    end = t.ts + (t.dur ?? 0);
  }
  return out;
}

/** Starts a trace; the returned function stops it and summarises the renderer main thread. */
export async function traceTasks(cdp: CDPSession): Promise<() => Promise<TaskSummary>> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => {
    // The protocol types the events loosely; Chromium's trace event format is what arrives.
    events.push(...(d.value as unknown as TraceEvent[]));
  });
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'blink.user_timing'] },
    transferMode: 'ReportEvents',
  });
  return async () => {
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await complete;
    return summarise(events);
  };
}

function summarise(events: readonly TraceEvent[]): TaskSummary {
  const mains = new Set(
    events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  const onMain = events.filter((e) => e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`));
  const tasks = topLevel(onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask'));
  const transports = onMain.filter(
    (e) =>
      e.name === 'Receive mojo message' &&
      e.args?.chrome_mojo_event_info?.mojo_interface_tag === 'blink.mojom.DevToolsSession',
  );
  const transportIn = (t: TraceEvent) =>
    transports.find((m) => m.pid === t.pid && m.tid === t.tid && m.ts >= t.ts && m.ts < t.ts + (t.dur ?? 0));
  const out: TaskSummary = {
    longestMs: 0,
    longestOwnMs: 0,
    longestOwnCpuMs: 0,
    longestTransportMs: 0,
    transportBytes: 0,
    cpuTotalMs: 0,
    longTasks: 0,
    ownLongTasks: 0,
    between: null,
  };
  const stretches = markedStretches(events);
  if (stretches.length > 0) {
    const wallMs = stretches.reduce((sum, [from, to]) => sum + (to - from) / 1000, 0);
    out.between = { wallMs, ownWallMs: 0, ownCpuMs: 0, transportMs: 0, stretches: stretches.length };
  }
  for (const t of tasks) {
    const ms = (t.dur ?? 0) / 1000;
    out.longestMs = Math.max(out.longestMs, ms);
    out.cpuTotalMs += (t.tdur ?? 0) / 1000;
    if (ms >= 50) out.longTasks++;
    const transport = transportIn(t);
    if (out.between && stretches.some(([from, to]) => t.ts + (t.dur ?? 0) > from && t.ts < to)) {
      // A task that straddles either mark counts whole: the list's answer is handled in the task
      // that delivers it, and the rows were painted inside or after the last one.
      if (transport) {
        const own = ownWorkIn(t, onMain);
        out.between.transportMs += ms - own.wall;
        out.between.ownWallMs += own.wall;
        out.between.ownCpuMs += own.cpu;
      } else {
        out.between.ownWallMs += ms;
        out.between.ownCpuMs += (t.tdur ?? 0) / 1000;
      }
    }
    if (transport && (transport.args?.chrome_mojo_event_info?.data_num_bytes ?? 0) >= TRANSPORT_BYTES) {
      if (ms > out.longestTransportMs) {
        out.longestTransportMs = ms;
        out.transportBytes = transport.args?.chrome_mojo_event_info?.data_num_bytes ?? 0;
      }
      continue;
    }
    if (ms >= 50) out.ownLongTasks++;
    if (ms > out.longestOwnMs) {
      out.longestOwnMs = ms;
      out.longestOwnCpuMs = (t.tdur ?? 0) / 1000;
    }
  }
  return out;
}

/** Each `bench:from` mark with the first `bench:to` after it, in trace microseconds. */
function markedStretches(events: readonly TraceEvent[]): [number, number][] {
  // A mark may appear in more than one trace event (phases differ by Chromium version): one per time.
  const at = (name: string) =>
    [...new Set(events.filter((e) => e.name === name).map((e) => e.ts))].sort((a, b) => a - b);
  const tos = at('bench:to');
  const out: [number, number][] = [];
  for (const from of at('bench:from')) {
    const last = out.at(-1)?.[1] ?? Number.NEGATIVE_INFINITY;
    if (from < last) continue;
    const to = tos.find((t) => t >= from);
    if (to !== undefined) out.push([from, to]);
  }
  return out;
}
