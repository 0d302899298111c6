/** How `--sse` writes an event: in the event-stream format itself, or with `--jsonl` as one line of JSON. */
import type { SseEvent } from '../lib/index';

/** The event as an event-stream block: `event:` (unless 'message'), `id:` (if any), its `data:` lines, a blank line. */
export function eventText(event: SseEvent): string {
  let text = event.event === 'message' ? '' : `event: ${event.event}\n`;
  if (event.id !== '') text += `id: ${event.id}\n`;
  for (const line of event.data.split('\n')) text += `data: ${line}\n`;
  return `${text}\n`;
}

/** The event as one line of JSON: `{"event","data","id"}`. */
export function eventJsonLine(event: SseEvent): string {
  return `${JSON.stringify({ event: event.event, data: event.data, id: event.id })}\n`;
}
