import { StatusCode } from '../../lib/message/status';

describe('StatusCode', () => {
  it.each([
    [100, 'Continue'],
    [101, 'Switching Protocols'],
    [103, 'Early Hints'],
    [200, 'OK'],
    [204, 'No Content'],
    [301, 'Moved Permanently'],
    [308, 'Permanent Redirect'],
    [404, 'Not Found'],
    [413, 'Content Too Large'],
    [418, ''],
    [422, 'Unprocessable Content'],
    [431, 'Request Header Fields Too Large'],
    [500, 'Internal Server Error'],
    [599, ''],
    [999, ''],
    [0, ''],
  ])('reason(%d) is %j', (status, reason) => {
    expect(StatusCode.reason(status)).toBe(reason);
  });

  it.each([
    ['isInformational', 100, 199],
    ['isSuccess', 200, 299],
    ['isRedirection', 300, 399],
    ['isClientError', 400, 499],
    ['isServerError', 500, 599],
  ] as const)('%s is true from %d to %d only', (name, from, to) => {
    const test = StatusCode[name];
    expect([test(from - 1), test(from), test(to), test(to + 1)]).toEqual([false, true, true, false]);
  });

  it('isRedirect: 301, 302, 303, 307, 308 only', () => {
    const redirects = Array.from({ length: 100 }, (_, i) => 300 + i).filter(StatusCode.isRedirect);
    expect(redirects).toEqual([301, 302, 303, 307, 308]);
  });

  it('hasNoContent: 1xx, 204 and 304', () => {
    const none = Array.from({ length: 500 }, (_, i) => 100 + i).filter(StatusCode.hasNoContent);
    expect(none).toEqual([...Array.from({ length: 100 }, (_, i) => 100 + i), 204, 304]);
  });
});
