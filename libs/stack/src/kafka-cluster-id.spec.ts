import { kafkaClusterId } from './kafka.service';

describe('kafkaClusterId', () => {
  it('is 22 URL-safe base64 characters and never starts with "-" (a command line would take it for an option)', () => {
    for (let i = 0; i < 5000; i++) {
      const id = kafkaClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });
});
