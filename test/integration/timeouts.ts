// Integration tests talk to real services; their waits are bounded inside each test.
jest.setTimeout(240_000);
