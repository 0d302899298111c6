import { Deadlines, type Deadline } from '../../lib/session/deadlines';
import { ManualClock } from '../../lib/transport/clock';

describe('Deadlines', () => {
  const make = (log: string[], name: string, at: number): Deadline => ({ at, fire: () => void log.push(name) });

  test('fires each deadline when due, earliest first, on one timer', () => {
    const clock = new ManualClock();
    const deadlines = new Deadlines(clock);
    const log: string[] = [];
    deadlines.add(make(log, 'b', 300));
    deadlines.add(make(log, 'c', 300));
    deadlines.add(make(log, 'a', 100)); // earlier than the armed one: armed again
    expect(clock.pending).toBe(1);
    clock.advance(99);
    expect(log).toEqual([]);
    clock.advance(1);
    expect(log).toEqual(['a']);
    clock.advance(199);
    expect(log).toEqual(['a']);
    clock.advance(1);
    expect(log).toEqual(['a', 'b', 'c']);
    expect(clock.pending).toBe(0);
  });

  test('a deadline taken off never fires; the timer left armed for it fires without effect, then lapses', () => {
    const clock = new ManualClock();
    const deadlines = new Deadlines(clock);
    const log: string[] = [];
    const first = make(log, 'first', 100);
    deadlines.add(first);
    deadlines.delete(first);
    deadlines.add(make(log, 'later', 250));
    expect(clock.pending).toBe(1); // still armed for 100
    clock.advance(100);
    expect(log).toEqual([]);
    expect(clock.nextDue).toBe(150); // armed again for the one left
    clock.advance(150);
    expect(log).toEqual(['later']);
    deadlines.add(make(log, 'gone', 400));
    const gone = make(log, 'gone too', 500);
    deadlines.add(gone);
    deadlines.delete(gone);
    clock.advance(1000);
    expect(log).toEqual(['later', 'gone']);
    expect(clock.pending).toBe(0);
  });

  test('a deadline moved later (taken off, added again) fires at its new time', () => {
    const clock = new ManualClock();
    const deadlines = new Deadlines(clock);
    const log: string[] = [];
    const idle = make(log, 'idle', 100);
    deadlines.add(idle);
    clock.advance(60);
    deadlines.delete(idle);
    idle.at = clock.now() + 100;
    deadlines.add(idle);
    clock.advance(40);
    expect(log).toEqual([]);
    clock.advance(59);
    expect(log).toEqual([]);
    clock.advance(1);
    expect(log).toEqual(['idle']);
  });

  test('taken off from the middle, from the end, twice, or added twice: the others fire once each, in time order', () => {
    const clock = new ManualClock();
    const deadlines = new Deadlines(clock);
    const log: string[] = [];
    const [a, b, c, d, e] = ([['a', 10], ['b', 20], ['c', 30], ['d', 40], ['e', 50]] as const).map(([name, at]) => make(log, name, at));
    for (const deadline of [e, d, c, b, a]) deadlines.add(deadline);
    deadlines.add(c); // already on: still once
    deadlines.delete(d); // from the middle
    deadlines.delete(a); // from the end
    deadlines.delete(d); // not on any more
    deadlines.delete(make(log, 'never added', 1));
    clock.advance(100);
    expect(log).toEqual(['b', 'c', 'e']);
    deadlines.add(d); // taken off, then on again
    clock.advance(1);
    expect(log).toEqual(['b', 'c', 'e', 'd']);
  });
});
