import { Module } from '@nestjs/common';
import { RedemptionsController, TopupController } from './redemptions.controller';
import { RedemptionsService } from './redemptions.service';

@Module({ controllers: [RedemptionsController, TopupController], providers: [RedemptionsService] })
export class RedemptionsModule {}
