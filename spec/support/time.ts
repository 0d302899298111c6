/** Waits `ms` of real time (by default, until the next turn of the timers). */
export const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits (real time) until `condition` holds; fails after `ms`, saying `what` it was waiting for (by default
 * the condition's source). A bound that tells a hang, not a speed measurement.
 */
export async function until(condition: () => boolean, what: () => string = () => String(condition), ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${ms} ms: ${what()}`);
    await tick(5);
  }
}

/**
 * Waits (real time) until `value()` has stopped changing for `quietMs` (a stream stalled by backpressure), and
 * returns it; fails after `ms`. A bound that tells a hang, not a speed measurement.
 */
export async function untilSteady(value: () => number, quietMs = 150, ms = 5000): Promise<number> {
  const deadline = Date.now() + ms;
  let last = value();
  let since = Date.now();
  for (;;) {
    await tick(10);
    const now = value();
    if (now !== last) [last, since] = [now, Date.now()];
    else if (Date.now() - since >= quietMs) return now;
    if (Date.now() > deadline) throw new Error(`still changing after ${ms} ms`);
  }
}
