import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { subjects, type OnCallQuery, type OnCallReply, type Topology } from '@dozor/contracts';
import { onCallAt } from '@dozor/domain';
import { Runtime } from '@dozor/platform';

export const SCHEDULER_ON_CALL = 'scheduler.on-call';

/** Answers "who is on call in schedule S at time T" for the escalator. */
@Controller()
export class OnCallHandler {
  constructor(private readonly runtime: Runtime) {}

  @MessagePattern(SCHEDULER_ON_CALL)
  onCall(@Payload() q: OnCallQuery): OnCallReply {
    if (!q || typeof q.schedule !== 'string') return { ok: false, code: 'error', message: 'schedule is required' };
    const schedule = this.runtime.config.schedules.find((s) => s.id === q.schedule);
    if (!schedule) return { ok: false, code: 'not_found', message: `no schedule with id ${JSON.stringify(q.schedule)}` };
    const at = q.at ? Date.parse(q.at) : this.runtime.clock().getTime();
    if (!Number.isFinite(at)) return { ok: false, code: 'error', message: `at must be an ISO instant, got ${JSON.stringify(q.at)}` };
    return { ok: true, schedule: schedule.id, users: onCallAt(schedule, at) };
  }
}

export function schedulerRequests(t: Topology) {
  return { [SCHEDULER_ON_CALL]: { subject: subjects.onCallQuery(t), queue: 'scheduler' } };
}
