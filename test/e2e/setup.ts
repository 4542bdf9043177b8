import { stopLeftovers, testBegins } from './harness/leftovers';

// End-to-end tests wait for real phones and real timers.
jest.setTimeout(120_000);

beforeEach(() => testBegins());

afterEach(async () => {
  const left = await stopLeftovers('test');
  if (left.length) process.stderr.write(`e2e: stopped what the test left running: ${left.join(', ')}\n`);
});

afterAll(async () => {
  const left = await stopLeftovers('file');
  if (left.length) process.stderr.write(`e2e: stopped what the file left running: ${left.join(', ')}\n`);
});
