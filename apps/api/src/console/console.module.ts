import { Module } from '@nestjs/common';
import { AlertGroupsReadModel } from '../alert-groups/alert-groups.read-model.js';
import { ApiTokenGuard } from '@dozor/platform';
import { CheckpointWaiter } from './checkpoint-waiter.service.js';
import { ConsoleAssets } from './console-assets.service.js';
import { ConsoleController } from './console.controller.js';
import { GroupStream } from './group-stream.service.js';
import { SessionController } from './session.controller.js';

/** The built-in console at `/` (see docs/console.md): its shell, sign-in, live stream and the reads it needs beyond the public API. */
@Module({
  controllers: [SessionController, ConsoleController],
  providers: [AlertGroupsReadModel, CheckpointWaiter, ConsoleAssets, GroupStream, ApiTokenGuard],
})
export class ConsoleModule {}
