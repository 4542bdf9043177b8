// End-to-end tests wait for real phones and real timers.
jest.setTimeout(120_000);
