/** Status code classes and the standard reason phrases (RFC 9110 §15). */

const reasons: Record<number, string> = {
  100: 'Continue', 101: 'Switching Protocols', 102: 'Processing', 103: 'Early Hints',
  200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information', 204: 'No Content',
  205: 'Reset Content', 206: 'Partial Content',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified',
  307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 407: 'Proxy Authentication Required', 408: 'Request Timeout', 409: 'Conflict',
  410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed', 413: 'Content Too Large', 414: 'URI Too Long',
  415: 'Unsupported Media Type', 416: 'Range Not Satisfiable', 417: 'Expectation Failed', 421: 'Misdirected Request',
  422: 'Unprocessable Content', 426: 'Upgrade Required', 428: 'Precondition Required', 429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Gateway Timeout', 505: 'HTTP Version Not Supported',
};

/** Helpers for status codes: the standard reason phrase and the class (1xx–5xx) a code belongs to. */
export const StatusCode = {
  /** The standard reason phrase, or '' for an unregistered code. */
  reason(status: number): string {
    return reasons[status] ?? '';
  },
  /** Whether `status` is 1xx (100–199). */
  isInformational: (status: number): boolean => status >= 100 && status < 200,
  /** Whether `status` is 2xx (200–299). */
  isSuccess: (status: number): boolean => status >= 200 && status < 300,
  /** Whether `status` is 3xx (300–399), including 304, which is not a redirect to follow. */
  isRedirection: (status: number): boolean => status >= 300 && status < 400,
  /** Whether `status` is 4xx (400–499). */
  isClientError: (status: number): boolean => status >= 400 && status < 500,
  /** Whether `status` is 5xx (500–599). */
  isServerError: (status: number): boolean => status >= 500 && status < 600,
  /** The statuses whose `Location` the client may follow. */
  isRedirect: (status: number): boolean =>
    status === 301 || status === 302 || status === 303 || status === 307 || status === 308,
  /** A response to any request with this status has no content (RFC 9110 §6.4.1). */
  hasNoContent: (status: number): boolean => (status >= 100 && status < 200) || status === 204 || status === 304,
} as const;
