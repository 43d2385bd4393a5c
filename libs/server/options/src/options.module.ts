import { Global, Module } from '@nestjs/common';
import { GroupsController, OptionsController } from './options.controller';
import { OptionsService } from './options.service';
import { StatusController } from './status.controller';

@Global()
@Module({
  controllers: [StatusController, OptionsController, GroupsController],
  providers: [OptionsService],
  exports: [OptionsService],
})
export class OptionsModule {}
