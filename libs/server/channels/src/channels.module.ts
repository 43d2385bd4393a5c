import { Module } from '@nestjs/common';
import { ChannelPricingController } from './channel-pricing.controller';
import { ChannelsController } from './channels.controller';
import { ChannelsService } from './channels.service';
import { ModelsController } from './models.controller';

@Module({
  // Before ChannelsController: its GET :id would otherwise take /api/channel/default-pricing.
  controllers: [ChannelPricingController, ChannelsController, ModelsController],
  providers: [ChannelsService],
  exports: [ChannelsService],
})
export class ChannelsModule {}
