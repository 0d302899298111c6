/**
 * `-v`: every exchange's request head, exactly as written on the wire, and its response heads (interim ones and
 * each redirect's included), through a `protocolFactory` whose protocols report what they write and read.
 * (The CONNECT of a proxy tunnel is not made by this factory and is not shown.)
 */
import { defaultProtocolFactory, type Http1Protocol, type ProtocolFactory } from '../lib/index';
import { responseHeadText, traceLines } from './heads';

const CRLFCRLF = '\r\n\r\n';
const latin1 = new TextDecoder('latin1');

/** Makes `protocol.resume()` show the request head once written, and each response head as it is read. */
function trace(protocol: Http1Protocol, show: (text: string) => void): Http1Protocol {
  const resume = protocol.resume.bind(protocol);
  /** The bytes written so far, as latin1 text, until the head is complete; then undefined. */
  let written: string | undefined = '';
  protocol.resume = (input) => {
    const step = resume(input);
    if (step.done) return step;
    if (step.value.type === 'write' && written !== undefined) {
      written += latin1.decode(step.value.bytes);
      const end = written.indexOf(CRLFCRLF);
      if (end >= 0) {
        show(`${traceLines(written.slice(0, end), '> ')}>\n`);
        written = undefined;
      }
    } else if (step.value.type === 'head') {
      const { response } = step.value;
      for (const interim of response.interim) show(`${traceLines(responseHeadText(interim), '< ')}<\n`);
      show(`${traceLines(responseHeadText(response), '< ')}<\n`);
    }
    return step;
  };
  return protocol;
}

/** The default protocol factory for HTTP/`version`, with its exchanges' heads written to `show`. */
export function tracingProtocolFactory(version: '1.1' | '1.0', show: (text: string) => void): ProtocolFactory {
  const make = defaultProtocolFactory(version);
  return (request, options) => trace(make(request, options), show);
}
