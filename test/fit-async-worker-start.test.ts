// fitAsync({ worker: true }) when the training worker cannot be started (Node refuses to
// create it, a browser's worker script fails to load): a WorkerError that names the cause, and
// the network exactly as it was.
import { describe, expect, it, vi } from 'vitest';
import { MLP, WorkerError } from '../src/index.js';

vi.mock('../src/async/spawn.js', () => ({
  startWorker: () => Promise.reject(Object.assign(new TypeError('Initiated Worker with invalid execArgv flags: --made-up'), { code: 'ERR_WORKER_INVALID_EXEC_ARGV' })),
}));

describe('fitAsync({ worker: true }) whose worker cannot start', () => {
  it('rejects with a WorkerError naming the cause; the network is unchanged', async () => {
    const net = await MLP.create({ layers: [2, 3, 1], activations: ['tanh', 'linear'], seed: 1 });
    const before = Array.from(net.save());
    const failure = net.fitAsync([[0, 1], [1, 0]], [[1], [0]], { epochs: 1, worker: true });
    await expect(failure).rejects.toBeInstanceOf(WorkerError);
    await expect(failure).rejects.toThrow(/^fitAsync: the training worker could not start \(Initiated Worker with invalid execArgv flags: --made-up\)/);
    expect(Array.from(net.save())).toEqual(before);
  });
});
