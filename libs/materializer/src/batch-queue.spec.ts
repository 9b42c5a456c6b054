import { BatchQueue } from './batch-queue';

const item = (size: number, id = size) => ({ size, id });

describe('BatchQueue', () => {
  it('hands over items in order, merging them up to a total size (at least one item)', async () => {
    const queue = new BatchQueue<{ size: number; id: number }>(10);
    for (const [size, id] of [[3, 1], [3, 2], [3, 3], [9, 4]]) await queue.push(item(size, id), async () => undefined);
    expect((await queue.take(7)).map((i) => i.id)).toEqual([1, 2]);
    expect((await queue.take(7)).map((i) => i.id)).toEqual([3]);
    expect((await queue.take(7)).map((i) => i.id)).toEqual([4]); // bigger than the limit: alone
  });

  it('makes a pusher wait while full, heartbeating, until the writer takes', async () => {
    const queue = new BatchQueue<{ size: number; id: number }>(1);
    await queue.push(item(1, 1), async () => undefined);
    let beats = 0;
    let pushed = false;
    const second = queue.push(item(1, 2), async () => void beats++, 5).then((ok) => (pushed = ok));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(pushed).toBe(false);
    expect(beats).toBeGreaterThan(0);
    expect((await queue.take(10)).map((i) => i.id)).toEqual([1]);
    await second;
    expect(pushed).toBe(true);
    expect((await queue.take(10)).map((i) => i.id)).toEqual([2]);
  });

  it('once closed, refuses pushes, lets the writer drain, then returns empty', async () => {
    const queue = new BatchQueue<{ size: number; id: number }>(1);
    await queue.push(item(1, 1), async () => undefined);
    const blocked = queue.push(item(1, 2), async () => undefined, 5);
    queue.close();
    expect(await blocked).toBe(false);
    expect((await queue.take(10)).map((i) => i.id)).toEqual([1]);
    expect(await queue.take(10)).toEqual([]);
  });
});
