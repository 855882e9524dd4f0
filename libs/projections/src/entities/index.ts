import { AlertGroupEntity } from './alert-group.entity.js';
import { AlertEntity } from './alert.entity.js';
import { TimelineEntryEntity } from './timeline-entry.entity.js';
import { AuditLogEntryEntity } from './audit-log-entry.entity.js';
import { TelegramMessageEntity } from './telegram-message.entity.js';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity.js';

export { AlertGroupEntity, AlertEntity, TimelineEntryEntity, AuditLogEntryEntity, TelegramMessageEntity, ProjectionCheckpointEntity };

export const PROJECTION_ENTITIES = [AlertGroupEntity, AlertEntity, TimelineEntryEntity, AuditLogEntryEntity, TelegramMessageEntity, ProjectionCheckpointEntity];
