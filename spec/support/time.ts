/** Waits `ms` of real time (by default, until the next turn of the timers). */
export const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
