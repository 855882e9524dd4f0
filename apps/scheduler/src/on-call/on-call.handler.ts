import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { subjects, type OnCallQuery, type OnCallReply, type Topology } from '@dozor/contracts';
import { onCallAt } from '@dozor/domain';
import { ScheduleRepository } from '../schedule/schedule.repository.js';

export const SCHEDULER_ON_CALL = 'scheduler.on-call';

/**
 * Answers "who is on call in schedule S at time T" for the escalator, from the
 * effective schedule: the configured definition, the overrides of taken shift
 * swaps and the imported iCal feeds, all read from the schedule's subject.
 */
@Controller()
export class OnCallHandler {
  constructor(@Inject(ScheduleRepository) private readonly schedules: ScheduleRepository) {}

  @MessagePattern(SCHEDULER_ON_CALL)
  async onCall(@Payload() q: OnCallQuery): Promise<OnCallReply> {
    if (!q || typeof q.schedule !== 'string' || q.schedule === '') return { ok: false, code: 'error', message: 'schedule is required' };
    const at = q.at ? Date.parse(q.at) : this.schedules.now();
    if (!Number.isFinite(at)) return { ok: false, code: 'error', message: `at must be an ISO instant, got ${JSON.stringify(q.at)}` };
    const schedule = await this.schedules.find(q.schedule);
    if (!schedule) return { ok: false, code: 'not_found', message: `no schedule with id ${JSON.stringify(q.schedule)}` };
    return { ok: true, schedule: schedule.id, users: onCallAt(this.schedules.effective(schedule, at, at + 1), at) };
  }
}

export function schedulerRequests(t: Topology) {
  return { [SCHEDULER_ON_CALL]: { subject: subjects.onCallQuery(t), queue: 'scheduler' } };
}
