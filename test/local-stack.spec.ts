import { startLocalStack } from './stack/local-stack';

describe('startLocalStack', () => {
  it('refuses a stand-in heap that is not a size, before starting anything', async () => {
    for (const mongoHeap of ['8', 'lots', '0g', '8 g', '-1g']) {
      await expect(startLocalStack({ name: 'heap-check', kafkaPort: 1, controllerPort: 2, mongoPort: 3, mongoHeap })).rejects.toThrow(
        `Invalid stand-in heap '${mongoHeap}': give a size such as 1g, 8g or 512m.`,
      );
    }
  });
});
