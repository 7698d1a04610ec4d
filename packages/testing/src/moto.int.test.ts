import { describe, expect, it } from 'vitest';
import { startMoto } from './moto.js';

describe('startMoto', () => {
  it('answers HTTP once started and stops listening on stop', async () => {
    const moto = await startMoto();
    try {
      const response = await fetch(`${moto.endpoint}/moto-api/`);
      expect(response.status).toBe(200);
    } finally {
      await moto.stop();
    }
    await expect(fetch(`${moto.endpoint}/moto-api/`)).rejects.toThrow();
  });

  it('runs independent servers side by side', async () => {
    const [a, b] = await Promise.all([startMoto(), startMoto()]);
    try {
      expect(a.endpoint).not.toBe(b.endpoint);
      expect((await fetch(`${b.endpoint}/moto-api/`)).ok).toBe(true);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
