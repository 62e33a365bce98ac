import type { Packet } from '../../src/core/support-packet.ts';

/** A verified widget packet about one failed Video Studio run; override what a test is about. */
export function samplePacket(overrides: Partial<Packet> & Pick<Packet, 'ref'>): Packet {
  return {
    channel: 'widget',
    accountEmail: 'maya@example.com',
    verified: true,
    studio: 'video',
    prompt: 'a paper boat',
    settings: null,
    errorMessage: null,
    occurredAt: '2026-11-24T09:00:00.000Z',
    timezone: 'Europe/Berlin',
    generationIds: [`gen_${overrides.ref}`],
    stepsTried: [],
    findings: null,
    missing: [],
    transcript: [],
    status: 'open',
    createdAt: '2026-11-24T09:30:00.000Z',
    ...overrides,
  };
}
