import { describe, expect, it } from 'vitest';
import { SYSTEM_ACTORS, type DozorEvent, type NewEvent } from '@dozor/contracts';
import { deciderSpec, specEvents } from '@dozor/testing';
import { nextInRotation, rotationDecider, type ClaimRotationTurn } from './rotation.js';

const toEvent = specEvents<NewEvent, DozorEvent>({ occurredAt: '2026-11-24T10:00:00.000Z', actor: SYSTEM_ACTORS.escalator, source: 'system' });
const spec = deciderSpec(rotationDecider, toEvent);
const claim = (claimId: string, users = ['alice', 'bob', 'carol']): ClaimRotationTurn => ({
  type: 'ClaimTurn',
  chainId: 'chain',
  stepIndex: 2,
  claimId,
  alertGroupId: claimId.split(':')[0]!,
  users,
});
const turn = (claimId: string, userId: string): NewEvent => ({
  type: 'EscalationRotationAdvanced',
  data: { chainId: 'chain', stepIndex: 2, claimId, alertGroupId: claimId.split(':')[0]!, userId },
});

describe('round-robin turns of a chain step', () => {
  it('the first turn goes to the first user', () => {
    spec
      .given([])
      .when(claim('g1:1:2'))
      .then([{ type: 'EscalationRotationAdvanced', data: { claimId: 'g1:1:2', userId: 'alice' } }]);
  });

  it('each run (any group) takes the next user, wrapping around', () => {
    spec
      .given([turn('g1:1:2', 'alice'), turn('g2:1:2', 'bob'), turn('g3:1:2', 'carol')])
      .when(claim('g4:1:2'))
      .then([{ data: { userId: 'alice' } }]);
  });

  it('a run that already took its turn (decided again after a crash) takes none', () => {
    spec
      .given([turn('g1:1:2', 'alice')])
      .when(claim('g1:1:2'))
      .thenNothingHappened();
  });

  it('a user no longer in the step (the config changed) restarts the rotation at the first', () => {
    expect(nextInRotation(['dave', 'erin'], 'alice')).toBe('dave');
    expect(nextInRotation(['dave', 'erin'], 'dave')).toBe('erin');
  });
});
